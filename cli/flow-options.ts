/**
 * What `weft run` and `weft viz` share: loading the user's module, and
 * reading `--outputs`, the inputs (`--input k=v`, its alias `--inputs`,
 * `--inputs-file`) and the driver's config (`--config k=v`).
 *
 * @module
 */
import type { Command } from "commander";
import { setOwn } from "../lib/own-property.ts";
import { nodeTextFiles } from "../runtime/shared/text-files.ts";
import type { CliHost } from "../runtime/shared/cli-host.ts";
import { CliError, UsageError } from "./cli-error.ts";

/** The module a command runs: its exports, named after its file. */
export async function loadFlowModule(host: CliHost, path: string): Promise<{ name: string; exports: Record<string, unknown>; url: string }> {
  const url = host.moduleUrl(path);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/Cannot find module|not found|ENOENT|No such file/i.test(message)) {
      throw new UsageError(`Cannot load the module "${path}": there is no such file in ${host.cwd()}; pass the path of a module whose exported functions are the nodes`);
    }
    throw new CliError(`Cannot load the module "${path}": ${message}`, { cause: e });
  }
  const name = path.replace(/^.*[\\/]/, "").replace(/\.[cm]?[jt]sx?$/, "");
  // The URL tells the cache which file to read code versions from (the copy of the exports cannot).
  return { name, exports: { ...exports }, url };
}

/** `a,b , c` -> ["a", "b", "c"]; at least one name. */
export function parseOutputs(list: string): string[] {
  const names = list.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (names.length === 0) throw new UsageError(`Option "--outputs" needs at least one node name, such as --outputs report,total`);
  return names;
}

/** One `name=value` of the command line, with the option that gave it and its place among the others. */
interface Pair {
  readonly option: string;
  readonly text: string;
  readonly at: number;
}

/** What {@link valueOptions} adds to a command's parsed options. */
export interface ValueFlags {
  readonly input: readonly Pair[];
  readonly inputs: readonly Pair[];
  readonly inputsFile?: string;
  readonly config: readonly Pair[];
}

// Where each pair stands on the command line: --input and --inputs fill two lists, and the later pair wins.
let order = 0;
const collect = (option: string) => (text: string, previous: readonly Pair[]): readonly Pair[] => [...previous, { option, text, at: order++ }];

/**
 * Adds the options that give a flow its values: `-i, --input name=value`
 * (repeatable; `--inputs` is the same), `--inputs-file file.json` and
 * `--config name=value` (repeatable).
 *
 * @example
 * ```ts
 * valueOptions(weftCommand(host, "run"), "an input");
 * ```
 */
export function valueOptions(cmd: Command, inputHelp: string): Command {
  return cmd
    .option("-i, --input <name=value>", `${inputHelp} (repeatable); the value is JSON when it parses as JSON, else a string`, collect("--input"), [])
    .option("--inputs <name=value>", "the same as --input", collect("--inputs"), [])
    .option("--inputs-file <file>", "a JSON object of inputs (--input pairs win)")
    .option("--config <name=value>", "a config value of the driver, as Builder.withConfig() (repeatable); JSON when it parses, else a string", collect("--config"), []);
}

/**
 * The inputs and config the options of {@link valueOptions} give: inputs from
 * `--inputs-file` first, then the pairs in command-line order (a later one wins).
 *
 * @example
 * ```ts
 * const { inputs, config } = await readValues(host, opts); // --input n=3 --config region=eu
 * // inputs: { n: 3 }, config: { region: "eu" }
 * ```
 */
export async function readValues(host: CliHost, flags: ValueFlags): Promise<{ inputs: Record<string, unknown>; config: Record<string, unknown> }> {
  const inputs = flags.inputsFile === undefined ? {} : await readInputsFile(host, flags.inputsFile);
  for (const pair of [...flags.input, ...flags.inputs].sort((a, b) => a.at - b.at)) addPair(inputs, pair);
  const config: Record<string, unknown> = {};
  for (const pair of flags.config) addPair(config, pair);
  return { inputs, config };
}

/** Sets `name=value` on `into`; a value is JSON when it parses as JSON (`n=3`, `tags=["a"]`), else the string. */
function addPair(into: Record<string, unknown>, { option, text }: Pair): void {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new UsageError(`Option "${option}" must be name=value, got "${text}"; such as ${option} ${option === "--config" ? "region=eu" : "day=2026-11-22"}`);
  const raw = text.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // Not JSON: the string itself.
  }
  // setOwn: a plain assignment would set the prototype for a "__proto__" input.
  setOwn(into, text.slice(0, eq), value);
}

async function readInputsFile(host: CliHost, file: string): Promise<Record<string, unknown>> {
  const path = host.resolvePath(file);
  let text: string;
  try {
    text = await nodeTextFiles.readText(path);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const why = code === "ENOENT" ? `there is no such file in ${host.cwd()}` : code === "EISDIR" ? "it is a directory" : e instanceof Error ? e.message : String(e);
    throw new UsageError(`Cannot read the inputs file "${file}": ${why}; pass a JSON object of name -> value, such as {"day": "2026-11-22"}`, { cause: e });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`The inputs file "${file}" is not JSON: ${e instanceof Error ? e.message : String(e)}; write a JSON object of name -> value, such as {"day": "2026-11-22"}`, { cause: e });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    const got = parsed === null ? "null" : Array.isArray(parsed) ? "an array" : `a ${typeof parsed}`;
    throw new UsageError(`The inputs file "${file}" must hold a JSON object of name -> value, not ${got}; such as {"day": "2026-11-22"}`);
  }
  const inputs: Record<string, unknown> = {};
  // Own keys, one by one: Object.assign would set the prototype for a "__proto__" input.
  for (const [name, value] of Object.entries(parsed)) setOwn(inputs, name, value);
  return inputs;
}
