/**
 * Issue 10, part 6: run history records nodes, inputs, overrides and config
 * whose names are keys of `Object.prototype` like any other, in memory and in SQLite.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { openSqliteRunStore } from "../../history/open-sqlite-run-store.ts";
import { previewOf } from "../../lib/history/preview.ts";
import { Builder, MemoryRunStore, node, parameterize, type RunHistory, type RunStore } from "../../mod.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { tempDir } from "../cache/_helpers.ts";

const tmp = tempDir("tracking-names");
afterAll(tmp.remove);
let files = 0;

function rec(entries: [string, unknown][]): Record<string, unknown> {
  return Object.fromEntries(entries);
}

/** Nodes `constructor` and `__proto__` (from parameterize(): exports starting with `_` are private) reading input `toString`. */
const flow = {
  constructor: node((s: string) => `${s}!`, { deps: ["toString"] }),
  made: parameterize(rec([["__proto__", {}]]) as Record<string, never>, (constructor: string, hasOwnProperty: string) => `${constructor}${hasOwnProperty}`),
};

/** Runs the flow once with tracking into `store` (or a new SQLite file), returning the history and the run id. */
async function recordOnce(store?: RunStore, modules: object = flow): Promise<{ history: RunHistory; runId: string; close: () => void }> {
  const path = join(tmp.dir, `t${++files}`, "weft.db");
  let runId = "";
  {
    await using dr = await new Builder().withModules(modules as Record<string, never>).withConfig(rec([["hasOwnProperty", "?"]]))
      .withTracking(store ? { store } : { path }).withHooks({ beforeGraph: (e) => void (runId = e.runId) }).build();
    const inputs = rec([["toString", "hi"], ...(modules === flow ? [] : [["__proto__", 2] as [string, unknown]])]);
    await dr.execute([modules === flow ? "__proto__" : "out"] as never[], { inputs, overrides: rec([["valueOf", 1]]) });
  }
  if (store) return { history: store, runId, close: () => {} };
  const opened = openSqliteRunStore(path, bunCacheDrivers, { alive: () => true, existing: true });
  if (opened.status !== "open") throw new Error(opened.reason);
  return { history: opened.store, runId, close: () => opened.store.close() };
}

const stores: [string, () => RunStore | undefined][] = [["memory", () => new MemoryRunStore()], ["SQLite", () => undefined]];

describe.each(stores)("withTracking() (%s)", (_, store) => {
  test("records the nodes named constructor and __proto__", async () => {
    const { history, runId, close } = await recordOnce(store());
    const nodes = history.nodesOf(runId).map((n) => [n.node, n.status, n.preview]);
    close();
    expect(nodes.sort()).toEqual([["__proto__", "succeeded", '"hi!?"'], ["constructor", "succeeded", '"hi!"']]);
  });

  test("records inputs named toString and __proto__", async () => {
    const { history, runId, close } = await recordOnce(store(), { out: node((p: number, s: string) => s.repeat(p), { deps: ["__proto__", "toString"] }) });
    const run = history.getRun(runId)!;
    close();
    expect(Object.entries(run.inputs)).toEqual([["toString", '"hi"'], ["__proto__", "2"]]);
  });

  test("records an override named valueOf and a config value named hasOwnProperty", async () => {
    const { history, runId, close } = await recordOnce(store());
    const run = history.getRun(runId)!;
    close();
    expect(Object.entries(run.overrides)).toEqual([["valueOf", "1"]]);
    expect(Object.entries(run.config)).toEqual([["hasOwnProperty", '"?"']]);
  });

  test("records a run whose requested output is __proto__", async () => {
    const { history, runId, close } = await recordOnce(store());
    const run = history.getRun(runId)!;
    close();
    expect(run.outputs).toEqual(["__proto__"]);
  });
});

describe("previewOf()", () => {
  test("shows an object with an own constructor key as a plain object", () => {
    expect(previewOf({ constructor: { name: "Fake" } }, 80)).toBe('{ constructor: { name: "Fake" } }');
  });

  test("shows an own __proto__ key", () => {
    expect(previewOf(rec([["__proto__", 1]]), 80)).toBe("{ __proto__: 1 }");
  });
});
