/**
 * examples/notebook/notebook.ipynb as a Jupyter user runs it: Deno's kernel
 * installed with `deno jupyter --install` (into a temporary Jupyter data
 * folder, never ~/.local), then `jupyter nbconvert --execute` twice on a copy
 * of the example, and the executed notebooks' outputs read back. Run by
 * `npm test` (step "notebook").
 *
 * Jupyter is Debian's (`jupyter-nbconvert` and `python3-nbclient`, which
 * .ci/run installs), started as /usr/bin/jupyter-nbconvert so that it runs
 * on /usr/bin/python3 whatever python3 comes first on PATH (pyenv's, a
 * virtualenv's). Without it the test fails under CI and is skipped, with a
 * message, elsewhere.
 */
import { describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const repo = join(import.meta.dir, "..", "..");
const example = join(repo, "examples", "notebook");
const NBCONVERT = "/usr/bin/jupyter-nbconvert";
const INSTALL_HINT = `install Debian's jupyter-nbconvert and python3-nbclient ("apt-get install --no-install-recommends jupyter-nbconvert python3-nbclient"; .ci/run does)`;
// One notebook run on a loaded 2-core machine takes about 5 s; the limits leave room for a cold Deno cache.
const CELL_TIMEOUT_S = 300;
const TEST_MS = 900_000;

const ci = !["", "0", "false"].includes((process.env.CI ?? "").toLowerCase());
const haveJupyter = existsSync(NBCONVERT);
if (!haveJupyter && !ci) console.log(`notebook: skipped: ${NBCONVERT} is missing; ${INSTALL_HINT}`);

interface Output {
  readonly output_type: string;
  readonly name?: string;
  readonly text?: string | string[];
  readonly data?: Record<string, string | string[]>;
}
interface Cell {
  readonly id: string;
  readonly cell_type: string;
  readonly outputs?: Output[];
}

/** An executed notebook's outputs, by cell id. */
class Executed {
  readonly #cells: Map<string, Output[]>;
  constructor(path: string) {
    const nb = JSON.parse(readFileSync(path, "utf8")) as { cells: Cell[] };
    this.#cells = new Map(nb.cells.filter((c) => c.cell_type === "code").map((c) => [c.id, c.outputs ?? []]));
  }
  /** What cell `id` printed (stdout and stderr). */
  printed(id: string): string {
    return this.#outputs(id).filter((o) => o.output_type === "stream").map((o) => join1(o.text)).join("");
  }
  /** The `mime` representations cell `id` displayed (display_data and execute_result). */
  shown(id: string, mime: string): string[] {
    return this.#outputs(id).flatMap((o) => (o.data?.[mime] === undefined ? [] : [join1(o.data[mime])]));
  }
  #outputs(id: string): Output[] {
    const outputs = this.#cells.get(id);
    if (outputs === undefined) throw new Error(`The notebook has no code cell "${id}"`);
    return outputs;
  }
}

function join1(text: string | string[] | undefined): string {
  return Array.isArray(text) ? text.join("") : (text ?? "");
}

/** Runs `cmd`; resolves to its output, or fails with it. */
async function run(cmd: string[], cwd: string, env: Record<string, string | undefined>): Promise<string> {
  const proc = Bun.spawn(cmd, { cwd, env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exit] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (exit !== 0) throw new Error(`${cmd.join(" ")} exited with ${exit}:\n${stdout}\n${stderr}`);
  return stdout + stderr;
}

function deno(): string {
  const found = Bun.which("deno", { PATH: join(repo, "node_modules", ".bin") }) ?? Bun.which("deno");
  if (!found) throw new Error("Cannot find deno: run npm install in the repository");
  return found;
}

/** Installs the kernel and executes a copy of the example twice; both executed notebooks, read back. */
async function executeTwice(): Promise<[Executed, Executed]> {
  if (!haveJupyter) throw new Error(`Cannot run the notebook: ${NBCONVERT} is missing; ${INSTALL_HINT}`);
  const tmp = mkdtempSync(join(tmpdir(), "weft-notebook-"));
  try {
    // The example's files unchanged, at examples/notebook/ of a stand-in project whose mod.ts is this repository's
    // weft and whose deno.json lets Deno's kernel resolve weft's bare imports (effect, drizzle-orm) from node_modules.
    const dir = join(tmp, "examples", "notebook");
    cpSync(example, dir, { recursive: true, filter: (src) => !/[/\\](\.weft|\.ipynb_checkpoints)$/.test(src) });
    writeFileSync(join(tmp, "mod.ts"), `export * from ${JSON.stringify(pathToFileURL(join(repo, "mod.ts")).href)};\n`);
    writeFileSync(join(tmp, "deno.json"), `{ "nodeModulesDir": "manual" }\n`);
    const jupyter = join(tmp, "share", "jupyter");
    const env: Record<string, string | undefined> = {
      ...process.env,
      // Deno writes the kernelspec under $XDG_DATA_HOME/jupyter; Jupyter reads kernels, config and runtime files here only.
      XDG_DATA_HOME: join(tmp, "share"),
      JUPYTER_DATA_DIR: jupyter,
      JUPYTER_PATH: jupyter,
      JUPYTER_CONFIG_DIR: join(tmp, "config"),
      JUPYTER_RUNTIME_DIR: join(tmp, "runtime"),
      // Debian's python with Debian's packages only: nothing from a user site or another python's path.
      PYTHONNOUSERSITE: "1",
      PYTHONPATH: undefined,
      PYTHONHOME: undefined,
      DENO_NO_UPDATE_CHECK: "1",
      NO_COLOR: "1",
    };
    await run([deno(), "jupyter", "--install", "--force"], dir, env);
    expect(existsSync(join(jupyter, "kernels", "deno", "kernel.json"))).toBe(true);
    const execute = async (output: string) => {
      await run(
        [
          NBCONVERT, "--to", "notebook", "--execute", "notebook.ipynb", "--output", output,
          "--ExecutePreprocessor.kernel_name=deno",
          `--ExecutePreprocessor.timeout=${CELL_TIMEOUT_S}`,
          `--ExecutePreprocessor.startup_timeout=${CELL_TIMEOUT_S}`,
        ],
        dir,
        env,
      );
      return new Executed(join(dir, output));
    };
    const first = await execute("run1.ipynb");
    const second = await execute("run2.ipynb");
    expect(existsSync(join(dir, ".weft", "weft.db"))).toBe(true);
    return [first, second];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

let executed: Promise<[Executed, Executed]> | undefined;
const runs = () => (executed ??= executeTwice());

const NODES = ["sales", "cleaned", "features", "summary"];

/** The statuses of a displayed plan (formatPlan's table: node, status, reason, estimate), by node. */
function planned(text: string): Record<string, string> {
  const rows = text.split("\n").slice(1, -1).map((line) => line.split(/\s+/));
  return Object.fromEntries(rows.map(([node, status]) => [node!, status!]));
}

describe.skipIf(!haveJupyter && !ci)("examples/notebook/notebook.ipynb on Deno's Jupyter kernel", () => {
  test("the first run's plan, before the run, says sales misses and nothing hits", async () => {
    const [first] = await runs();
    const [text] = first.shown("plan", "text/plain");
    expect(Object.keys(planned(text!))).toEqual(NODES);
    expect(text).toMatch(/^sales\s+miss\s+no cached result for "sales" yet/m);
    expect(Object.values(planned(text!))).not.toContain("hit");
    expect(first.shown("plan", "text/html").join("")).toContain("<td style=\"text-align:left\">miss</td>");
  }, TEST_MS);

  test("the first run computes every node, prints the summary and draws the DAG as SVG", async () => {
    const [first] = await runs();
    expect(first.printed("run")).toContain("best region: west (2218)");
    const table = first.shown("run", "text/plain").join("\n");
    for (const node of NODES) expect(table).toMatch(new RegExp(`^${node}\\s+computed \\(no cached result for "${node}" yet\\)`, "m"));
    expect(first.shown("run", "text/html").join("")).toContain("<table>");
    const svg = first.shown("dag", "image/svg+xml").join("");
    expect(svg).toContain("<svg");
    for (const node of NODES) expect(svg).toContain(`>${node}</text>`);
    expect(first.printed("explain")).toStartWith("miss: ");
  }, TEST_MS);

  test("after the first run, the plan says every node hits", async () => {
    const [first] = await runs();
    const [text] = first.shown("plan-after", "text/plain");
    expect(planned(text!)).toEqual(Object.fromEntries(NODES.map((n) => [n, "hit"])));
    expect(text).toMatch(/^4 hit; /m);
  }, TEST_MS);

  test("the second run's plan, before the run, says every node hits", async () => {
    const [, second] = await runs();
    const [text] = second.shown("plan", "text/plain");
    expect(planned(text!)).toEqual(Object.fromEntries(NODES.map((n) => [n, "hit"])));
    expect(text).toMatch(/^4 hit; nothing to compute$/m);
  }, TEST_MS);

  test("the second run takes every node from the cache", async () => {
    const [, second] = await runs();
    expect(second.printed("run")).toContain("best region: west (2218)");
    const table = second.shown("run", "text/plain").join("\n");
    for (const node of NODES) expect(table).toMatch(new RegExp(`^${node}\\s+from cache\\s`, "m"));
    expect(table).not.toContain("computed");
    expect(second.printed("explain")).toStartWith("hit: reused the result computed in run ");
  }, TEST_MS);
});
