// Node smoke suite: the built package, imported by its name as a user would, on Node. Run `npm run build` first.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Builder, config, MissingInputError, NodeExecutionError, parameterize, to, value } from "weft"; // the package itself: exports resolve to dist/mod.js on Node

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

test("modifiers, SVG and materialize run from dist/ on Node", async () => {
  const { mkdtemp, readFile, rm } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dr = await new Builder().withModules({
    rate__eu: config.when({ region: "eu" }, () => 2),
    scaled: parameterize({ double: { k: value(2) } }, (x, k, rate) => x * k * rate),
  }).withConfig({ region: "eu" }).build();
  assert.deepEqual(await dr.execute(["double"], { inputs: { x: 3 } }), { double: 12 });
  const svg = await dr.visualizeExecution(["double"], { inputs: { x: 3 }, format: "svg" });
  assert.match(svg, /<svg/);
  const dir = await mkdtemp(join(tmpdir(), "weft-node-"));
  try {
    const path = join(dir, "out.json");
    const { materialized } = await dr.materialize([to.json({ dependencies: ["double"], path, id: "double" })], { inputs: { x: 3 } });
    assert.deepEqual(materialized.double, { path, format: "json", rows: 1, bytes: 3 });
    assert.equal(await readFile(path, "utf8"), "12\n");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
