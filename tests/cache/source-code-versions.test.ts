import { WEFT_VERSION } from "../../lib/version.ts";
import { afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { SourceCodeVersions, type SourceVersion } from "../../cache/code/source-code-versions.ts";
import { explainMiss } from "../../cache/explain-miss.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { tempDir } from "./_helpers.ts";
import { loadParsers } from "../../cache/code/_parsers.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A directory of module files; `version(file, name)` reads them as a new build would. */
function project() {
  const { dir, remove } = tempDir("code");
  cleanups.push(remove);
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  };
  const version = (file: string, name: string): SourceVersion & { ok: true } => {
    const v = new SourceCodeVersions(bunCacheDrivers.fs, bunCacheDrivers.hasher).ofExport(pathToFileURL(join(dir, file)).href, name);
    if (!v.ok) throw new Error(v.reason);
    return v;
  };
  /** Why `name` would miss after the edit, as explain says it. */
  const why = (before: SourceVersion & { ok: true }, after: SourceVersion & { ok: true }, name: string) =>
    explainMiss(
      { node: name, codeVersion: before.codeVersion, codeParts: before.parts, inputs: {}, config: {} },
      { node: name, codeVersion: after.codeVersion, codeParts: after.parts, inputs: {}, config: {} },
    );
  return { dir, write, version, why };
}

beforeAll(loadParsers);

describe("SourceCodeVersions.ofExport()", () => {
  test("ofExport() does not count a parameter named like an export", () => {
    const p = project();
    p.write("flow.ts", `export function cleaned(sales: number[]) { return sales.filter((s) => s > 0); }\nexport function features(cleaned: number[]) { return cleaned.length; }\n`);
    const before = p.version("flow.ts", "features");
    p.write("flow.ts", `export function cleaned(sales: number[]) { return sales.filter((s) => s >= 1); }\nexport function features(cleaned: number[]) { return cleaned.length; }\n`);
    expect(p.version("flow.ts", "features").codeVersion).toBe(before.codeVersion);
    expect(before.parts.map((x) => x.name)).toEqual(["features"]);
  });

  test("ofExport() does not count a destructured parameter or a local that shadows an export", () => {
    const p = project();
    const flow = (body: string) => `export const rate = () => ${body};\nexport const a = ({ rate }: { rate: number }) => rate * 2;\nexport function b() { const rate = 3; return rate; }\n`;
    p.write("flow.ts", flow("1"));
    const [a, b] = [p.version("flow.ts", "a"), p.version("flow.ts", "b")];
    p.write("flow.ts", flow("2"));
    expect(p.version("flow.ts", "a").codeVersion).toBe(a.codeVersion);
    expect(p.version("flow.ts", "b").codeVersion).toBe(b.codeVersion);
  });

  test("ofExport() counts a non-exported helper, and the miss names it with its line", () => {
    const p = project();
    const flow = (n: string) => `export const cleaned = (rows: number[]) => rows.map(normalize);\n\nfunction normalize(x: number) {\n  return x / ${n};\n}\n`;
    p.write("flow.ts", flow("10"));
    const before = p.version("flow.ts", "cleaned");
    p.write("flow.ts", flow("100"));
    const after = p.version("flow.ts", "cleaned");
    expect(after.codeVersion).not.toBe(before.codeVersion);
    expect(p.why(before, after, "cleaned")).toBe('helper "normalize" changed (flow.ts:3)');
  });

  test("ofExport() counts a module constant and a let's initializer, through helpers", () => {
    const p = project();
    const flow = (rate: string) => `const RATE = ${rate};\nlet state = { n: 0 };\nconst scale = (x: number) => x * RATE + state.n;\nexport function priced(units: number) { return scale(units); }\n`;
    p.write("flow.ts", flow("2"));
    const before = p.version("flow.ts", "priced");
    p.write("flow.ts", flow("0.2"));
    const after = p.version("flow.ts", "priced");
    expect(p.why(before, after, "priced")).toBe('constant "RATE" changed (flow.ts:1)');
    expect(after.parts.map((x) => `${x.kind} ${x.name}`)).toEqual(["constant RATE", "code priced", "helper scale", "variable state"]);
  });

  test("ofExport() follows a relative import into its file, and only the binding used", () => {
    const p = project();
    const other = (body: string) => `export function helper(x: number) {\n  return ${body};\n}\nexport function unused() { return 1; }\n`;
    p.write("flow.ts", `import { helper } from "./lib/other.ts";\nexport const total = (xs: number[]) => xs.map(helper);\n`);
    p.write("lib/other.ts", other("x + 1"));
    const before = p.version("flow.ts", "total");
    p.write("lib/other.ts", other("x + 1").replace("return 1", "return 2"));
    expect(p.version("flow.ts", "total").codeVersion).toBe(before.codeVersion);
    p.write("lib/other.ts", other("x + 2"));
    expect(p.why(before, p.version("flow.ts", "total"), "total")).toBe('function "helper" of ./lib/other.ts changed (other.ts:1)');
  });

  test("ofExport() follows re-exports, default exports and namespace members", () => {
    const p = project();
    p.write("a.ts", `export function f() { return 1; }\nexport function g() { return 1; }\nexport default function () { return 1; }\n`);
    p.write("b.ts", `export { f as h } from "./a.ts";\nexport * from "./a.ts";\n`);
    p.write("flow.ts", `import * as ns from "./b.ts";\nimport d from "./a.ts";\nexport const x = () => ns.h() + d();\n`);
    const before = p.version("flow.ts", "x");
    p.write("a.ts", `export function f() { return 1; }\nexport function g() { return 2; }\nexport default function () { return 1; }\n`);
    expect(p.version("flow.ts", "x").codeVersion).toBe(before.codeVersion);
    p.write("a.ts", `export function f() { return 3; }\nexport function g() { return 2; }\nexport default function () { return 1; }\n`);
    const after = p.version("flow.ts", "x");
    expect(p.why(before, after, "x")).toBe('function "f" of ./a.ts changed (a.ts:1)');
    expect(after.untracked).toBeUndefined();
  });

  test("ofExport() counts a bare import as the resolved package's version", () => {
    const p = project();
    const pkg = (v: string) => p.write("node_modules/lodash/package.json", JSON.stringify({ name: "lodash", version: v }));
    p.write("src/flow.ts", `import { chunk } from "lodash";\nimport { readFileSync } from "node:fs";\nexport const pages = (rows: number[]) => chunk(rows, 2).length + (readFileSync ? 0 : 1);\n`);
    pkg("4.17.20");
    const before = p.version("src/flow.ts", "pages");
    pkg("4.17.21");
    const after = p.version("src/flow.ts", "pages");
    expect(p.why(before, after, "pages")).toBe('package "lodash" changed from 4.17.20 to 4.17.21');
    expect(after.parts.map((x) => x.id)).toEqual(["#pages", "package:lodash"]);
  });

  test("ofExport() says a dynamic import, eval or a computed namespace member is not fully tracked", () => {
    const p = project();
    p.write("lib.ts", `export const a = 1;\n`);
    p.write("flow.ts", [
      `import * as lib from "./lib.ts";`,
      `export const loads = async (name: string) => (await import("./lib.ts")).a + name.length;`,
      `export const evals = (code: string) => eval(code);`,
      `export const picks = (key: string) => (lib as Record<string, number>)[key];`,
      `const inner = () => import("./lib.ts");`,
      `export const indirect = () => inner();`,
      `export const plain = (x: number) => x + lib.a;`,
    ].join("\n"));
    expect(p.version("flow.ts", "loads").untracked).toBe("it calls import()");
    expect(p.version("flow.ts", "evals").untracked).toBe("it calls eval()");
    expect(p.version("flow.ts", "picks").untracked).toBe('it reads a computed member of namespace "lib"');
    expect(p.version("flow.ts", "indirect").untracked).toBe('helper "inner" calls import()');
    expect(p.version("flow.ts", "plain").untracked).toBeUndefined();
  });

  test("ofExport() gives the same version after a type-only edit", () => {
    const p = project();
    p.write("flow.ts", `interface Row { a: number }\nexport const f = (rows: Row[]): number => (rows as Row[]).length!;\n`);
    const before = p.version("flow.ts", "f");
    p.write("flow.ts", `interface Row { a: string; b?: boolean }\ntype Rows = readonly Row[];\nexport const f = <T,>(rows: Rows): number => (rows satisfies Rows).length;\n`);
    expect(p.version("flow.ts", "f").codeVersion).toBe(before.codeVersion);
  });

  test("ofExport() gives the same version after a comment or formatting edit", () => {
    const p = project();
    p.write("flow.ts", `export function f(rows: string[]) { return rows.filter((r) => r !== "") }\n`);
    const before = p.version("flow.ts", "f");
    p.write("flow.ts", `// header\n\nexport function f(rows: string[]) {\n  // drop empty rows\n  return rows.filter(r => r !== '');  /* done */\n}\n`);
    expect(p.version("flow.ts", "f").codeVersion).toBe(before.codeVersion);
  });

  test("ofExport() hashes a modifier call's whole initializer", () => {
    const p = project();
    p.write("flow.ts", `import { node } from "weft";\nexport const f = node((x: number) => x, { tags: { a: "1" } });\n`);
    const before = p.version("flow.ts", "f");
    p.write("flow.ts", `import { node } from "weft";\nexport const f = node((x: number) => x, { tags: { a: "2" } });\n`);
    const after = p.version("flow.ts", "f");
    expect(p.why(before, after, "f")).toBe('code of "f" changed (flow.ts:2)');
    expect(after.parts.map((x) => x.id)).toEqual(["#f", "package:weft"]);
  });

  test("ofExport() takes weft imported as \"weft\", \"@weft/weft\" or jsr:@weft/weft as the running weft, fully tracked", () => {
    for (const spec of ["weft", "@weft/weft", "jsr:@weft/weft@0.1.0", "npm:weft"]) {
      const p = project();
      p.write("flow.ts", `import { node } from "${spec}";\nexport const f = node((x: number) => x, { tags: { a: "1" } });\n`);
      const v = p.version("flow.ts", "f");
      expect(v.untracked).toBeUndefined();
      expect(v.parts.map((x) => x.id)).toEqual(["#f", "package:weft"]);
      expect(v.parts.find((x) => x.id === "package:weft")?.version).toBe(WEFT_VERSION);
    }
  });

  test("ofExport() says why when the export is not declared in the file", () => {
    const p = project();
    p.write("flow.ts", `export const f = 1;\n`);
    const v = new SourceCodeVersions(bunCacheDrivers.fs, bunCacheDrivers.hasher).ofExport(pathToFileURL(join(p.dir, "flow.ts")).href, "g");
    expect(v).toEqual({ ok: false, reason: 'export "g" is not declared in flow.ts' });
  });
});

describe("SourceCodeVersions.ofExport() and imports", () => {
  test("ofExport() takes npm: and jsr: versions from the specifier, ignores builtins, and says when a package's version is unknown", () => {
    const p = project();
    p.write("flow.ts", [
      `import chunk from "npm:lodash@4.17.21/chunk";`,
      `import { join } from "jsr:@std/path@1.0.8";`,
      `import { readFileSync } from "fs";`,
      `import { x } from "not-installed";`,
      `export const a = () => chunk([1], 1).length + join("a").length + (readFileSync ? 0 : 1);`,
      `export const b = () => x;`,
    ].join("\n"));
    const a = p.version("flow.ts", "a");
    expect(a.parts.filter((x) => x.kind === "package").map((x) => `${x.name}@${x.version}`)).toEqual(["@std/path@1.0.8", "lodash@4.17.21"]);
    expect(a.untracked).toBeUndefined();
    expect(p.version("flow.ts", "b").untracked).toBe('the version of package "not-installed" cannot be found (not installed, or an import map alias)');
  });

  test("ofExport() ends on a cycle of re-exports instead of looping", () => {
    const p = project();
    p.write("a.ts", `export { f } from "./b.ts";\n`);
    p.write("b.ts", `export { f } from "./a.ts";\n`);
    p.write("flow.ts", `import { f } from "./a.ts";\nexport const g = () => f();\n`);
    expect(p.version("flow.ts", "g").parts.map((x) => x.id)).toEqual(["#g"]);
  });
});

describe("SourceCodeVersions.ofExport() and module state", () => {
  test("ofExport() counts top-level statements that change a binding the node reads", () => {
    const p = project();
    const flow = (n: string) => `let rate = 1;\nconst config = { debug: false };\nrate = ${n};\nconfig.debug = true;\nexport const f = (x: number) => x * rate;\nexport const g = (x: number) => x;\n`;
    p.write("flow.ts", flow("2"));
    const [f, g] = [p.version("flow.ts", "f"), p.version("flow.ts", "g")];
    p.write("flow.ts", flow("3"));
    expect(p.why(f, p.version("flow.ts", "f"), "f")).toBe('variable "rate" changed (flow.ts:1)');
    expect(p.version("flow.ts", "g").codeVersion).toBe(g.codeVersion);
  });
});
