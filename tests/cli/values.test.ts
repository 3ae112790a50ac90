/** `weft run` and `weft viz` inputs and config: --input (and its alias --inputs), --inputs-file, --config. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../cache/_helpers.ts";
import { weft } from "./_host.ts";

const tmp = tempDir("cli-values");
const mod = join(import.meta.dir, "..", "..", "mod.ts");
beforeAll(() => {
  writeFileSync(join(tmp.dir, "values.ts"), [
    `import { config } from ${JSON.stringify(mod)};`,
    "export const echo = (a: unknown, b: unknown) => ({ a, b });",
    "export const greeting__en = config.when({ lang: \"en\" }, (name: string) => `hello ${name}`);",
    "export const greeting__fr = config.when({ lang: \"fr\" }, (name: string, salutation: string) => `${salutation} ${name}`);",
    "export const settings = (lang: string, level: number) => ({ lang, level });",
    "",
  ].join("\n"));
  writeFileSync(join(tmp.dir, "inputs.json"), JSON.stringify({ a: "from file", b: [1, 2] }));
  writeFileSync(join(tmp.dir, "broken.json"), "{ a: 1 ");
  writeFileSync(join(tmp.dir, "list.json"), "[1, 2]");
  writeFileSync(join(tmp.dir, "null.json"), "null");
  mkdirSync(join(tmp.dir, "folder.json"));
});
afterAll(tmp.remove);

const run = (...args: string[]) => weft(tmp.dir, "run", "values.ts", "--no-progress", ...args);

describe("weft run --input", () => {
  test("each --input adds one pair; values are JSON when they parse, else the string", async () => {
    const res = await run("-o", "echo", "--input", "a=3", "--input", 'b={"k":["x"]}');
    expect([res.code, JSON.parse(res.stdout)]).toEqual([0, { echo: { a: 3, b: { k: ["x"] } } }]);
    const text = await run("-o", "echo", "-i", "a=abc", "-i", "b=");
    expect(JSON.parse(text.stdout)).toEqual({ echo: { a: "abc", b: "" } });
  });

  test("--inputs is an alias, repeatable, and mixes with --input in command-line order (the later wins)", async () => {
    const res = await run("-o", "echo", "--inputs", "a=1", "--input", "a=2", "--inputs", "b=3");
    expect(JSON.parse(res.stdout)).toEqual({ echo: { a: 2, b: 3 } });
    const back = await run("-o", "echo", "--input", "a=2", "--inputs", "a=1", "--inputs", "b=3");
    expect(JSON.parse(back.stdout)).toEqual({ echo: { a: 1, b: 3 } });
  });

  test("--inputs-file gives the inputs of a JSON object; --input pairs win", async () => {
    const res = await run("-o", "echo", "--inputs-file", "inputs.json", "-i", "b=true");
    expect(JSON.parse(res.stdout)).toEqual({ echo: { a: "from file", b: true } });
  });

  test("a pair without a name or an = is a usage error that shows the form", async () => {
    expect(await run("-o", "echo", "--input", "day")).toEqual({
      code: 2, stdout: "", stderr: 'weft: Option "--input" must be name=value, got "day"; such as --input day=2026-11-22\n',
    });
    expect((await run("-o", "echo", "--inputs", "=3")).stderr).toBe('weft: Option "--inputs" must be name=value, got "=3"; such as --inputs day=2026-11-22\n');
    expect(await run("-o", "echo", "--config", "fr")).toEqual({
      code: 2, stdout: "", stderr: 'weft: Option "--config" must be name=value, got "fr"; such as --config region=eu\n',
    });
  });

  test("an inputs file that is missing, not JSON or not an object is a usage error that says which", async () => {
    const fix = 'pass a JSON object of name -> value, such as {"day": "2026-11-22"}';
    expect(await run("-o", "echo", "--inputs-file", "nope.json")).toEqual({
      code: 2, stdout: "", stderr: `weft: Cannot read the inputs file "nope.json": there is no such file in ${tmp.dir}; ${fix}\n`,
    });
    expect((await run("-o", "echo", "--inputs-file", "folder.json")).stderr).toBe(`weft: Cannot read the inputs file "folder.json": it is a directory; ${fix}\n`);
    const broken = await run("-o", "echo", "--inputs-file", "broken.json");
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^weft: The inputs file "broken\.json" is not JSON: .+; write a JSON object of name -> value, such as \{"day": "2026-11-22"\}\n$/);
    for (const [file, got] of [["list.json", "an array"], ["null.json", "null"]]) {
      expect(await run("-o", "echo", "--inputs-file", file!)).toEqual({
        code: 2, stdout: "", stderr: `weft: The inputs file "${file}" must hold a JSON object of name -> value, not ${got}; such as {"day": "2026-11-22"}\n`,
      });
    }
  });
});

describe("weft run --config", () => {
  test("each --config sets one config value of the driver, which picks config.when alternatives", async () => {
    const fr = await run("-o", "greeting", "--config", "lang=fr", "-i", "name=ada", "-i", "salutation=bonjour");
    expect([fr.code, JSON.parse(fr.stdout)]).toEqual([0, { greeting: "bonjour ada" }]);
    const en = await run("-o", "greeting,settings", "--config", "lang=en", "--config", "level=2", "-i", "name=ada");
    expect(JSON.parse(en.stdout)).toEqual({ greeting: "hello ada", settings: { lang: "en", level: 2 } });
  });
});

describe("weft viz --input --config", () => {
  test("draws the alternative the config picks and takes the same value options", async () => {
    const viz = (...args: string[]) => weft(tmp.dir, "viz", "values.ts", "-o", "greeting", "-f", "mermaid", ...args);
    const fr = await viz("--config", "lang=fr", "--inputs-file", "inputs.json", "-i", "name=ada");
    expect(fr.code).toBe(0);
    expect(fr.stdout).toStartWith("flowchart LR");
    expect(fr.stdout).toContain('(["salutation"])');
    const en = await viz("--config", "lang=en");
    expect([en.code, en.stdout.includes('(["name"])'), en.stdout.includes("salutation")]).toEqual([0, true, false]);
    const none = await weft(tmp.dir, "viz", "values.ts", "-o", "greeting", "-f", "dot");
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('"greeting"');
    expect((await weft(tmp.dir, "viz", "values.ts", "-o", "greeting", "--input", "x")).code).toBe(2);
  });
});
