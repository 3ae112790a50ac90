import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { forgetAnalyses } from "../../cache/code/module-analysis.ts";
import { Builder, node, type NodeEndEvent } from "../../mod.ts";
import * as codeFlow from "./fixtures/code-flow.ts";
import * as codeFlowOther from "./fixtures/code-flow-other.ts";
import { moduleFile as sharedModuleFile, tempDir } from "./_helpers.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A module file in a temp dir, re-imported fresh after each edit; removed after the test. */
function moduleFile(text: string) {
  const m = sharedModuleFile("code-driver", text);
  cleanups.push(m.remove);
  return m;
}

/** Runs `outputs` on a fresh driver; returns the results, which nodes computed, explanations and warnings. */
async function run(module: object, db: string, outputs: string[], inputs: Record<string, unknown> = {}) {
  const events: NodeEndEvent[] = [];
  const warnings: string[] = [];
  await using dr = await new Builder()
    .withModules(module)
    .withCache({ path: db })
    .withHooks({ afterNode: (e) => void events.push(e) })
    .withWarnings((w) => warnings.push(w.message))
    .build();
  const results = await dr.execute(outputs, { inputs });
  const computed = events.filter((e) => e.cache?.status !== "hit").map((e) => e.node).sort();
  const explain = (node: string) => dr.cache!.explain(node).message;
  return { results, computed, warnings, explain: Object.fromEntries(events.map((e) => [e.node, explain(e.node)])) };
}

const NOTEBOOK = `export interface Sale { readonly region: string; readonly units: number; readonly price: number }

export function sales(days: number): Sale[] {
  return Array.from({ length: days * 4 }, (_, i) => ({ region: ["n", "s"][i % 2]!, units: (i * 7) % 13, price: 10 }));
}

export const cleaned = (sales: Sale[]) => sales.filter((s) => s.units > 0);

export function features(cleaned: Sale[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of cleaned) out[s.region] = (out[s.region] ?? 0) + s.units * s.price;
  return out;
}

export function summary(features: Record<string, number>): string {
  return Object.entries(features).map(([r, v]) => r + "=" + v).join(",");
}
`;

describe("code versions in a driver", () => {
  test("a value-preserving edit of one node recomputes it only: its dependents hit (early cut-off)", async () => {
    const m = moduleFile(NOTEBOOK);
    const first = await run(await m.load(), m.db, ["summary"], { days: 3 });
    expect(first.computed).toEqual(["cleaned", "features", "sales", "summary"]);
    expect((await run(await m.load(), m.db, ["summary"], { days: 3 })).computed).toEqual([]);
    const edited = await run(await m.load((t) => t.replace("s.units > 0", "s.units >= 1")), m.db, ["summary"], { days: 3 });
    expect(edited.computed).toEqual(["cleaned"]);
    expect(edited.results).toEqual(first.results);
    expect(edited.explain.cleaned).toBe('miss: code of "cleaned" changed (flow.ts:7)');
    expect(edited.explain.features).toMatch(/^hit: /);
    expect(edited.warnings).toEqual([]);
  });

  test("editing a non-exported helper or a constant recomputes the node, never a stale hit", async () => {
    const m = moduleFile(`const RATE = 2;\n\nfunction normalize(x: number) {\n  return x / 10;\n}\n\nexport const priced = (units: number) => normalize(units) * RATE;\n`);
    expect((await run(await m.load(), m.db, ["priced"], { units: 50 })).results).toEqual({ priced: 10 });
    const helper = await run(await m.load((t) => t.replace("x / 10", "x / 5")), m.db, ["priced"], { units: 50 });
    expect(helper.results).toEqual({ priced: 20 });
    expect(helper.explain.priced).toBe('miss: helper "normalize" changed (flow.ts:3)');
    const constant = await run(await m.load((t) => t.replace("RATE = 2", "RATE = 3")), m.db, ["priced"], { units: 50 });
    expect(constant.results).toEqual({ priced: 30 });
    expect(constant.explain.priced).toBe('miss: constant "RATE" changed (flow.ts:1)');
  });

  test("a file edited after its module was imported, with the old module built again, is not cached: its key would hold the old code's value", async () => {
    const m = moduleFile(`export const priced = (units: number) => units * 2;\nexport const label = (priced: number) => \`\${priced} EUR\`;\n`);
    const module = await m.load();
    expect((await run(module, m.db, ["label"], { units: 5 })).results).toEqual({ label: "10 EUR" });
    // The file changes; the process still holds the module it imported (a notebook cell re-run, a long-lived script).
    writeFileSync(m.file, "export const priced = (units: number) => units * 3;\nexport const label = (priced: number) => `${priced} EUR`;\n");
    const stale = await run(module, m.db, ["label"], { units: 5 });
    expect(stale.results).toEqual({ label: "10 EUR" }); // the old code ran: it is what is in memory
    expect(stale.warnings).toEqual([
      'Not caching node "priced": its code version is unknown: its code changed on disk (in flow.ts or a file it imports) after flow.ts was imported, so the function in memory is the old code; import the module afresh (a new process, or a fresh import such as import("./flow.ts?v=2")) to run and cache the new code',
    ]);
    // Nothing was stored under the new code's key: a fresh import computes the new value, and caches it.
    const fresh = await run(await m.load((t) => t.replace("units * 2", "units * 3")), m.db, ["label"], { units: 5 });
    expect(fresh.results).toEqual({ label: "15 EUR" });
    expect(fresh.computed).toEqual(["label", "priced"]);
    expect((await run(await m.load(), m.db, ["label"], { units: 5 })).computed).toEqual([]);
  });

  test("a module imported by the file that calls withModules() is found without a URL", async () => {
    const { dir, remove } = tempDir("code-found");
    cleanups.push(remove);
    const r = await run(codeFlow, join(dir, "weft.db"), ["tripled"], { seed: 1 });
    expect(r.results).toEqual({ tripled: 6 });
    expect(r.warnings).toEqual([]);
    expect(r.explain.tripled).toBe('miss: no cached result for "tripled" yet');
  });

  test("a copy or a subset of an imported module's exports is found too", async () => {
    const { dir, remove } = tempDir("code-found-copy");
    cleanups.push(remove);
    const r = await run({ base: codeFlow.base, tripled: codeFlow.tripled }, join(dir, "weft.db"), ["tripled"], { seed: 1 });
    expect(r.results).toEqual({ tripled: 6 });
    expect(r.warnings).toEqual([]);
  });

  test("an object merging the exports of two modules finds each node's file; a function of its own that closes over a variable is not tracked", async () => {
    const { dir, remove } = tempDir("code-found-merged");
    cleanups.push(remove);
    const factor = 10;
    const r = await run({ ...codeFlow, ...codeFlowOther, extra: (plusOne: number) => plusOne * factor }, join(dir, "weft.db"), ["extra"], { seed: 1 });
    expect(r.results).toEqual({ extra: 70 });
    expect(r.warnings).toEqual([
      'The cache does not fully track the code of node "extra": its module file is unknown; a change there may not recompute it; export it from a module file and pass that module to withModules(), or give it a manual version with node(fn, { version })',
    ]);
  });

  test("a module the calling file loads with import(\"…\") is found too", async () => {
    const { dir, remove } = tempDir("code-found-dynamic");
    cleanups.push(remove);
    const r = await run(await import("./fixtures/code-flow-dynamic.ts"), join(dir, "weft.db"), ["doubled"], { n: 4 });
    expect(r.results).toEqual({ doubled: 8 });
    expect(r.warnings).toEqual([]);
  });

  test("a node that reaches a dynamic import is not fully tracked: one warning, and explain says so; a manual version silences it", async () => {
    const m = moduleFile(`import { node } from ${JSON.stringify(pathToFileURL(join(import.meta.dir, "../../mod.ts")).href)};\nexport const loads = async (name: string) => (await import("node:path")).basename(name);\nexport const pinned = node(async (name: string) => (await import("node:path")).extname(name), { version: "1" });\n`);
    const r = await run(await m.load(), m.db, ["loads", "pinned"], { name: "/a/b.txt" });
    expect(r.results).toEqual({ loads: "b.txt", pinned: ".txt" });
    expect(r.warnings).toEqual([
      'The cache does not fully track the code of node "loads": it calls import(); a change there may not recompute it; give it a manual version with node(fn, { version })',
    ]);
    expect(r.explain.loads).toBe('miss: no cached result for "loads" yet; its code is not fully tracked: it calls import()');
    expect(r.explain.pinned).toBe('miss: no cached result for "pinned" yet');
  });

  test("a plain object of functions that use only their parameters and globals is fully tracked by their text: no warning", async () => {
    const { dir, remove } = tempDir("code-plain");
    cleanups.push(remove);
    const r = await run({ a: () => Math.max(1, 0), b: (a: number) => a + 1 }, join(dir, "weft.db"), ["b"]);
    expect(r.results).toEqual({ b: 2 });
    expect(r.warnings).toEqual([]);
  });

  test("a plain object whose functions close over variables has no module file to read them from: one warning naming those nodes", async () => {
    const { dir, remove } = tempDir("code-plain-closure");
    cleanups.push(remove);
    const offset = 1;
    const r = await run({ a: () => 1, b: (a: number) => a + offset }, join(dir, "weft.db"), ["b"]);
    expect(r.results).toEqual({ b: 2 });
    expect(r.warnings).toEqual([
      'The cache does not fully track the code of node "b": its module file is unknown; a change there may not recompute it; export it from a module file and pass that module to withModules(), or give it a manual version with node(fn, { version })',
    ]);
  });

  test("withModules() rejects a url that is not a URL", () => {
    expect(() => new Builder().withModules({ name: "flow", exports: codeFlow, url: "flow.ts" })).toThrow(
      new TypeError('withModules() option "url" of module "flow" must be the module\'s file URL (import.meta.url), got "flow.ts"'),
    );
  });
});

describe("stored module analyses", () => {
  const codeOf = (db: string, node: string) => {
    const sqlite = new Database(db, { readonly: true });
    try {
      return (sqlite.prepare("SELECT code_version AS v FROM cache_entries WHERE node = ? ORDER BY rowid DESC LIMIT 1").get(node) as { v: string }).v;
    } finally {
      sqlite.close();
    }
  };

  test("a new process reads a file's stored analysis instead of parsing it; a row whose digest does not match is not used", async () => {
    const m = moduleFile(`export const f = (x: number) => x + 1;\n`);
    const module = await m.load();
    await run(module, m.db, ["f"], { x: 1 });
    const real = codeOf(m.db, "f");
    const sqlite = new Database(m.db);
    const rows = sqlite.prepare("SELECT content_hash AS hash, analysis FROM code_analyses").all() as { hash: string; analysis: string }[];
    expect(rows).toHaveLength(1);
    // Another valid analysis under the file's hash, with its digest: proof that the stored row is what is read.
    const forged = rows[0]!.analysis.replace(/"hash":"[0-9a-f]{64}"/, `"hash":"${"0".repeat(64)}"`);
    const digest = new Bun.CryptoHasher("sha256").update(forged).digest("hex");
    sqlite.prepare("UPDATE code_analyses SET analysis = ?, digest = ?").run(forged, digest);
    forgetAnalyses();
    // A fresh import: the function the old analysis was made for would read as stale code in memory.
    await run(await m.load(), m.db, ["f"], { x: 2 });
    expect(codeOf(m.db, "f")).not.toBe(real);
    // A damaged row (digest does not match): ignored, the file is parsed again.
    sqlite.prepare("UPDATE code_analyses SET digest = ?").run("0".repeat(64));
    sqlite.close();
    forgetAnalyses();
    await run(await m.load(), m.db, ["f"], { x: 3 });
    expect(codeOf(m.db, "f")).toBe(real);
  });
});

describe("code versions of modifiers", () => {
  test("nodes made by parameterize, subdag and pipe take their export's version, with what it references", async () => {
    const weft = JSON.stringify(pathToFileURL(join(import.meta.dir, "../../mod.ts")).href);
    const m = moduleFile(`import { parameterize, pipe, source, step, subdag, value } from ${weft};
import * as region from "./region.ts";

const round = (x: number) => Math.round(x);

export const spendOf = parameterize({ searchSpend: { channel: value("search") }, socialSpend: { channel: value("social") } },
  (channel: string, budget: number) => budget * (channel === "search" ? 2 : 3));
export const usProfit = subdag({ modules: [region], inputs: { spend: source("searchSpend") } }, (profit: number) => profit);
export const revenue = pipe({ output: [step(round)] }, (socialSpend: number) => socialSpend / 7);
`);
    const regionFile = (body: string) => writeFileSync(join(m.db, "..", "region.ts"), `export const profit = (spend: number) => ${body};\n`);
    regionFile("spend - 1");
    const outputs = ["usProfit", "revenue", "socialSpend"];
    const first = await run(await m.load(), m.db, outputs, { budget: 10 });
    expect(first.results).toEqual({ usProfit: 19, revenue: 4, socialSpend: 30 });
    expect(first.warnings).toEqual([]);
    regionFile("spend - 2");
    // flow.ts is imported afresh, but its own import of region.ts comes from the module cache: the old profit()
    // runs, and is not cached under the new code's version (that key would hold the old code's value).
    const region = await run(await m.load(), m.db, outputs, { budget: 10 });
    expect(region.results.usProfit).toBe(19);
    expect(region.explain["usProfit.profit"]).toMatch(/^not cached: its code version is unknown: its code changed on disk \(in flow\.ts or a file it imports\) after flow\.ts was imported/);
    const helper = await run(await m.load((t) => t.replace("Math.round(x)", "Math.floor(x)")), m.db, outputs, { budget: 10 });
    expect(helper.computed.filter((n) => n.startsWith("revenue"))).not.toEqual([]);
    // The stale profit() of region.ts is still the one in memory: still computed, still not cached.
    expect(helper.computed.filter((n) => !n.startsWith("usProfit")).every((n) => n.startsWith("revenue"))).toBe(true);
    expect(Object.entries(helper.explain).filter(([n]) => n.startsWith("revenue")).map(([, e]) => e)).toContain('miss: helper "round" changed (flow.ts:4)');
  });
});

describe("stored module analyses across processes", () => {
  test("a new process whose module files are all analysed in the cache does not load the parsers", async () => {
    const m = moduleFile(`const K = 2;\nexport const f = (x: number) => x * K;\n`);
    const { url } = await m.load();
    const file = new URL(url).pathname;
    const build = () => {
      const out = Bun.spawnSync([process.execPath, join(import.meta.dir, "fixtures/code-build.ts"), file, m.db]);
      if (out.exitCode !== 0) throw new Error(out.stderr.toString());
      return JSON.parse(out.stdout.toString()) as { parsersLoaded: boolean };
    };
    expect(build()).toEqual({ parsersLoaded: true });
    expect(build()).toEqual({ parsersLoaded: false });
  });
});

describe("not fully tracked warnings", () => {
  test("one warning names at most ten nodes and counts the rest", async () => {
    const { dir, remove } = tempDir("code-many");
    cleanups.push(remove);
    const mod = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`n${i}`, (x: number) => x + i]));
    const r = await run(mod, join(dir, "weft.db"), ["n0"], { x: 1 });
    expect(r.warnings).toEqual([
      'The cache does not fully track the code of nodes "n0", "n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9" and 2 more: its module file is unknown; a change there may not recompute them; export them from a module file and pass that module to withModules(), or give each a manual version with node(fn, { version })',
    ]);
  });
});

describe("unknown code versions", () => {
  test("a node whose code cannot be read is not cached, with one warning at build, not one per run", async () => {
    const warnings: string[] = [];
    const flow = { absolute: node(Math.abs.bind(null), { deps: ["x"] }) };
    await using dr = await new Builder().withModules(flow).withCache({ memory: true }).withWarnings((w) => warnings.push(w.message)).build();
    expect(await dr.execute(["absolute"], { inputs: { x: -2 } })).toEqual({ absolute: 2 });
    expect(await dr.execute(["absolute"], { inputs: { x: -2 } })).toEqual({ absolute: 2 });
    expect(dr.cache!.explain("absolute").message).toBe("not cached: its code version is unknown: its source is not available (a native or bound function); give it a manual version with node(fn, { version })");
    expect(warnings).toEqual([
      'Not caching node "absolute": its code version is unknown: its source is not available (a native or bound function); give it a manual version with node(fn, { version })',
    ]);
  });
});
