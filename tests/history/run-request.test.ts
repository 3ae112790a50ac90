/** What a run records of its request for a later plan of it: requestValues(), and withTracking() through the Builder. */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { Builder, MemoryRunStore } from "../../mod.ts";
import { requestValues, REQUEST_VALUES_LIMIT } from "../../lib/history/request-values.ts";
import type { RequestValues } from "../../lib/ports/run-store.ts";
import { tempDir } from "../cache/_helpers.ts";
import * as flow from "./fixtures/request-flow.ts";

const tmp = tempDir("run-request");
afterAll(tmp.remove);
const inputs = (values: Record<string, unknown>): RequestValues => ({ inputs: values, overrides: {}, config: {} });

describe("requestValues()", () => {
  test("requestValues() keeps JSON-safe values as a copy that reads back equal", () => {
    const given = { day: "2026-11-22", rows: [1, { a: null, "b c": [true, 2.5, "é\u{1F600}"] }], empty: {} };
    const kept = requestValues({ inputs: given, overrides: { n: 3 }, config: { mode: "fast" } });
    expect(kept).toEqual({ values: { inputs: given, overrides: { n: 3 }, config: { mode: "fast" } } });
    expect((kept as { values: RequestValues }).values.inputs).not.toBe(given);
    expect(JSON.parse(JSON.stringify(kept))).toEqual(kept);
  });

  test("requestValues() says why a value JSON cannot give back exactly is not replayable, naming it and where", () => {
    const why = (v: unknown) => (requestValues(inputs({ x: v })) as { notReplayable: string }).notReplayable;
    expect(why(new Map())).toBe('input "x" is a Map, which JSON cannot hold exactly');
    expect(why(new Date(0))).toBe('input "x" is a Date, which JSON cannot hold exactly');
    expect(why(new Float64Array(2))).toBe('input "x" is a Float64Array, which JSON cannot hold exactly');
    expect(why(undefined)).toBe('input "x" is undefined, which JSON cannot hold exactly');
    expect(why(10n)).toBe('input "x" is a bigint, which JSON cannot hold exactly');
    expect(why(Number.NaN)).toBe('input "x" is NaN, which JSON cannot hold exactly');
    expect(why(-0)).toBe('input "x" is -0, which JSON cannot hold exactly');
    expect(why({ rows: [{ when: new Date(0) }] })).toBe('input "x" holds a Date at .rows[0].when, which JSON cannot hold exactly');
    expect(why([1, , 3])).toBe('input "x" holds a hole (an array with holes) at [1], which JSON cannot hold exactly');
    const shared = { a: 1 };
    expect(why({ p: shared, q: shared })).toBe('input "x" holds an object it already holds elsewhere (or itself) at .q, which JSON cannot hold exactly');
    expect((requestValues({ inputs: {}, overrides: {}, config: { opts: Object.create(null) } }) as { notReplayable: string }).notReplayable)
      .toBe('config value "opts" is an object without a prototype, which JSON cannot hold exactly');
    expect((requestValues({ inputs: {}, overrides: { y: () => 1 }, config: {} }) as { notReplayable: string }).notReplayable)
      .toBe('override "y" is a function, which JSON cannot hold exactly');
  });

  test("requestValues() refuses values over the limit without walking all of a large one", () => {
    const big = Array.from({ length: 2_000_000 }, () => 1);
    expect(requestValues(inputs({ big }))).toEqual({ notReplayable: "the inputs, overrides and config take more than 64 KiB as JSON, more than the history keeps for replay" });
    expect(requestValues(inputs({ s: "x".repeat(REQUEST_VALUES_LIMIT) }))).toHaveProperty("notReplayable");
    expect(requestValues(inputs({ s: "x".repeat(REQUEST_VALUES_LIMIT - 100) }))).toHaveProperty("values");
  });
});

describe("withTracking() records the request", () => {
  test("withTracking() records the module file found for a namespace, the cache file and the values of each run", async () => {
    const path = join(tmp.dir, "a", "weft.db");
    await using dr = await new Builder().withModules(flow, { name: "extra", exports: { extra: () => 1 } }).withConfig({ mode: "fast" }).withConcurrency(3)
      .withCache({ path, recompute: ["doubled"] }).withTracking().build();
    await dr.execute(["total"], { inputs: { n: 2 } });
    await dr.execute(["total"], { inputs: { n: new Map() as unknown as number } }).catch(() => {});
    const [second, first] = dr.history!.listRuns().runs;
    expect(dr.history!.getRun(first!.id)!.request).toEqual({
      modules: [{ name: "module 1", url: new URL("./fixtures/request-flow.ts", import.meta.url).href }, { name: "extra" }],
      cache: { kind: "file", recompute: ["doubled"] },
      concurrency: 3,
      values: { inputs: { n: 2 }, overrides: {}, config: { mode: "fast" } },
    });
    expect(dr.history!.getRun(second!.id)!.request).toMatchObject({ notReplayable: 'input "n" is a Map, which JSON cannot hold exactly' });
  });

  test("withTracking() records a memory cache and no cache as such", async () => {
    const store = new MemoryRunStore();
    await using memory = await new Builder().withModules(flow).withCache({ memory: true }).withTracking({ store }).build();
    await memory.execute(["doubled"], { inputs: { n: 1 } });
    await using none = await new Builder().withModules(flow).withTracking({ store }).build();
    await none.execute(["doubled"], { inputs: { n: 1 } });
    const [b, a] = store.listRuns().runs.map((r) => store.getRun(r.id)!.request!);
    expect(a!.cache).toEqual({ kind: "memory" });
    expect(b!.cache).toEqual({ kind: "none" });
  });
});
