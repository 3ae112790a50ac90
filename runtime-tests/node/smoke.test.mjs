// Node smoke suite: the built package, imported by its name as a user would, on Node. Run `npm run build` first.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Builder, MissingInputError, NodeExecutionError } from "weft"; // the package itself: exports resolve to dist/mod.js on Node

const flow = {
  rows: (count) => Array.from({ length: count }, (_, i) => i + 1),
  doubled: async (rows) => rows.map((r) => r * 2),
  total: ({ doubled, offset = 0 }) => doubled.reduce((a, b) => a + b, 0) + offset,
};

test("execute() runs a mixed flow from dist/ on Node", async () => {
  const dr = await new Builder().withModules(flow).build();
  assert.deepEqual(await dr.execute(["total"], { inputs: { count: 3, offset: 1 } }), { total: 13 });
});

test("execute() reports missing inputs on Node", async () => {
  const dr = await new Builder().withModules(flow).build();
  await assert.rejects(dr.execute(["total"]), MissingInputError);
});

test("execute() wraps a node failure on Node", async () => {
  const dr = await new Builder().withModules({ bad: () => { throw new Error("no"); } }).build();
  await assert.rejects(dr.execute(["bad"]), (e) => e instanceof NodeExecutionError && e.node === "bad");
});

test("worker nodes run on worker_threads on Node", async () => {
  const flow = await import("./fixtures/workers.mjs");
  const dr = await new Builder().withModules(flow).withWorkers({ size: 1 }).build();
  try {
    const { square } = await dr.execute(["square"], { inputs: { x: 7 } });
    assert.equal(square.value, 49);
    assert.notEqual(square.threadId, 0); // 0 is the main thread
  } finally {
    await dr.close();
  }
});
