/**
 * Issue 10, part 6: with the cache on, names that are keys of
 * `Object.prototype` key, hit, miss and explain like any other name, in
 * memory and in SQLite (whose metadata keeps inputs as JSON).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { explainMiss } from "../../cache/explain-miss.ts";
import { Builder, node, parameterize, type CacheOptions, type Driver } from "../../mod.ts";
import { tempDir } from "./_helpers.ts";

const NAMES = ["constructor", "toString", "__proto__", "valueOf", "hasOwnProperty"] as const;
const tmp = tempDir("special-names");
afterAll(tmp.remove);
let files = 0;

function rec(name: string, v: unknown): Record<string, unknown> {
  return Object.fromEntries([[name, v]]);
}

/** Node `out` reading input `name`, counting its calls. */
function reader(name: string) {
  const calls: unknown[] = [];
  return { mod: { out: node((v: unknown) => (calls.push(v), `got ${String(v)}`), { deps: [name] }) }, calls };
}

/** Node `name` (from parameterize() for `__proto__`, whose export would be private) reading input `x`. */
function named(name: string) {
  const calls: unknown[] = [];
  const fn = (x: number) => (calls.push(x), x + 1);
  return { mod: name.startsWith("_") ? { t: parameterize(rec(name, {}) as Record<string, never>, fn) } : rec(name, fn), calls };
}

const stores: [string, () => CacheOptions][] = [
  ["memory", () => ({ memory: true })],
  ["SQLite", () => ({ path: join(tmp.dir, `c${++files}`, "weft.db") })],
];

describe.each(stores)("withCache() (%s)", (_, options) => {
  describe.each(NAMES)("%s", (name) => {
    test(`a re-run with the same input named "${name}" hits`, async () => {
      const { mod, calls } = reader(name);
      await using dr = await new Builder().withModules(mod).withCache(options()).build();
      expect(await dr.execute(["out"], { inputs: rec(name, 21) })).toEqual({ out: "got 21" });
      expect(await dr.execute(["out"], { inputs: rec(name, 21) })).toEqual({ out: "got 21" });
      expect(calls).toEqual([21]);
    });

    test(`a changed input named "${name}" misses`, async () => {
      const { mod, calls } = reader(name);
      await using dr = await new Builder().withModules(mod).withCache(options()).build();
      await dr.execute(["out"], { inputs: rec(name, 21) });
      expect(await dr.execute(["out"], { inputs: rec(name, 22) })).toEqual({ out: "got 22" });
      expect(calls).toEqual([21, 22]);
    });

    test(`explain() names the changed input "${name}"`, async () => {
      const { mod } = reader(name);
      await using dr = await new Builder().withModules(mod).withCache(options()).build();
      await dr.execute(["out"], { inputs: rec(name, "a") });
      await dr.execute(["out"], { inputs: rec(name, "b") });
      expect(dr.cache!.explain("out").message).toMatch(new RegExp(`^miss: input "${name}" changed from "a" \\(\\w+\\) to "b" \\(\\w+\\)(; its code is not fully tracked: its module file is unknown)$`));
    });

    test(`a node named "${name}" hits on a re-run and misses on a changed input`, async () => {
      const { mod, calls } = named(name);
      await using dr = (await new Builder().withModules(mod).withCache(options()).build()) as unknown as Driver;
      await dr.execute([name], { inputs: { x: 1 } });
      const again = await dr.execute([name], { inputs: { x: 1 } });
      const changed = await dr.execute([name], { inputs: { x: 2 } });
      expect([(again as Record<string, unknown>)[name], (changed as Record<string, unknown>)[name]]).toEqual([2, 3]);
      expect(calls).toEqual([1, 2]);
    });

    test(`dataVersions() has an own entry for the node "${name}"`, async () => {
      const { mod } = named(name);
      await using dr = (await new Builder().withModules(mod).withCache(options()).build()) as unknown as Driver;
      await dr.execute([name], { inputs: { x: 1 } });
      const versions = dr.cache!.dataVersions();
      expect(Object.hasOwn(versions, name) && typeof versions[name]).toBe("string");
    });
  });
});

describe.each(NAMES)("withCache() over runs (SQLite): %s", (name) => {
  test(`a config value named "${name}" that changes makes the node reading it miss`, async () => {
    const { mod, calls } = reader(name);
    const path = join(tmp.dir, `c${++files}`, "weft.db");
    const run = async (v: string) => {
      await using dr = await new Builder().withModules(mod).withConfig(rec(name, v)).withCache({ path }).build();
      return dr.execute(["out"]);
    };
    expect(await run("a")).toEqual({ out: "got a" });
    expect(await run("a")).toEqual({ out: "got a" });
    expect(await run("b")).toEqual({ out: "got b" });
    expect(calls).toEqual(["a", "b"]);
  });
});

describe("withCache() and results with special keys (SQLite)", () => {
  test("a result with own keys constructor and toString hits and comes back equal", async () => {
    const path = join(tmp.dir, `c${++files}`, "weft.db");
    const calls: number[] = [];
    const mod = { v: (n: number) => (calls.push(n), { constructor: n, toString: "s" }) };
    const values: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      await using dr = await new Builder().withModules(mod).withCache({ path }).build();
      values.push((await dr.execute(["v"], { inputs: { n: 1 } })).v);
    }
    expect(calls).toEqual([1]);
    expect(values.map((v) => Object.entries(v as object))).toEqual([[["constructor", 1], ["toString", "s"]], [["constructor", 1], ["toString", "s"]]]);
  });

  test("a result with an own key __proto__ is cached and comes back with that own key, its prototype untouched", async () => {
    const path = join(tmp.dir, `c${++files}`, "weft.db");
    let calls = 0;
    const mod = { v: node((n: number) => (calls++, rec("__proto__", n)), { version: "1" }) };
    const results: Record<string, unknown>[] = [];
    for (let i = 0; i < 2; i++) {
      await using dr = await new Builder().withModules(mod).withCache({ path }).build();
      results.push((await dr.execute(["v"], { inputs: { n: 1 } })).v as Record<string, unknown>);
    }
    expect(calls).toBe(1);
    for (const v of results) {
      expect(Object.keys(v)).toEqual(["__proto__"]);
      expect(Object.getOwnPropertyDescriptor(v, "__proto__")?.value).toBe(1);
      expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    }
  });
});

describe("explainMiss()", () => {
  test("says an input named constructor is new when only the current key has it", () => {
    const before = { node: "out", codeVersion: "c", inputs: {}, config: {} };
    const after = { node: "out", codeVersion: "c", inputs: { constructor: "dv-1" }, config: {} };
    expect(explainMiss(before, after)).toBe('input "constructor" is new');
  });

  test("says an input named toString is no longer used when only the previous key has it", () => {
    const before = { node: "out", codeVersion: "c", inputs: { toString: "dv-1" }, config: {} };
    const after = { node: "out", codeVersion: "c", inputs: {}, config: {} };
    expect(explainMiss(before, after)).toBe('input "toString" is no longer used');
  });
});
