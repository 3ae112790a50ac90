import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { Builder, config, node, type NodeEndEvent } from "../../mod.ts";
import { tempDir } from "../cache/_helpers.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** Three async nodes that count how many of them run at once. */
function wide() {
  let now = 0;
  let max = 0;
  const step = async () => {
    max = Math.max(max, ++now);
    await new Promise((r) => setTimeout(r, 20));
    now--;
    return 1;
  };
  return { mod: { a: step, b: step, c: step }, max: () => max, reset: () => void (max = 0) };
}

describe("Builder.copy()", () => {
  test("copies modules and config; later changes to either leave the other as it was", async () => {
    const base = new Builder()
      .withModules({ price__us: config.when({ region: "us" }, () => 3), price__eu: config.when({ region: "eu" }, () => 2) })
      .withConfig({ region: "us" });
    const eu = base.copy().withConfig({ region: "eu" }).withModules({ extra: (price: number) => price * 10 });
    const us = await base.build();
    const euDriver = await eu.build();
    expect(await us.execute(["price"])).toEqual({ price: 3 });
    expect(await euDriver.execute(["price", "extra"])).toEqual({ price: 2, extra: 20 });
    expect(us.listAvailableVariables().map((v) => v.name)).not.toContain("extra");
  });

  test("copies hooks, the concurrency limit and module overrides", async () => {
    const seen: string[] = [];
    const w = wide();
    const base = new Builder()
      .withModules(w.mod)
      .withHooks({ afterNode: (e: NodeEndEvent) => void seen.push(e.node) })
      .withConcurrency(1)
      .allowModuleOverrides();
    const copy = base.copy().withHooks({ afterNode: () => void seen.push("second hook") });
    const dr = await copy.withModules({ name: "later", exports: { a: async () => 2 } }).build();
    const r = await dr.execute(["a", "b", "c"]);
    expect(r).toEqual({ a: 2, b: 1, c: 1 });
    expect(w.max()).toBe(1);
    expect(seen.filter((s) => s === "second hook")).toHaveLength(3);
    // The original keeps one hook and no override module.
    seen.length = 0;
    expect(await (await base.build()).execute(["a"])).toEqual({ a: 1 });
    expect(seen).toEqual(["a"]);
  });

  test("copies the resource pools", async () => {
    const w = wide();
    const mod = Object.fromEntries(Object.entries(w.mod).map(([k, f]) => [k, node(f, { tags: { pool: "api" } })]));
    const base = new Builder().withModules(mod).withPools({ api: 1 });
    await (await base.copy().build()).execute(["a", "b", "c"]);
    expect(w.max()).toBe(1);
  });

  test("copies the cache and tracking settings", async () => {
    const { dir, remove } = tempDir("copy");
    cleanups.push(remove);
    let calls = 0;
    const base = new Builder().withModules({ n: node(() => ++calls, { version: "1" }) }).withCache({ path: join(dir, "weft.db") }).withTracking();
    {
      await using first = await base.build();
      await first.execute(["n"]);
    }
    await using copied = await base.copy().build();
    expect(await copied.execute(["n"])).toEqual({ n: 1 });
    expect(calls).toBe(1);
    expect(copied.history?.listRuns().runs).toHaveLength(2);
    // withCache() once per builder: the copy has it already.
    expect(() => base.copy().withCache()).toThrow("Cannot call withCache() twice on one Builder");
  });
});
