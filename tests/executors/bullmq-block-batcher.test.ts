import { describe, expect, test } from "bun:test";
import { allAborted, BLOCK_SPREAD, BlockBatcher } from "../../executors/bullmq-blocks.ts";
import type { BlockOutcome, ExecutorBlock } from "../../lib/ports/executor.ts";

const config = {};
const block = (i: number, signal = new AbortController().signal): ExecutorBlock => ({
  expand: "item", nodes: [{ moduleUrl: "file:///flow.ts", exportName: "plusOne", nodeName: "plusOne" }], config, inputs: { item: i }, outputs: ["plusOne"], signal,
});

/** A batcher whose sends are held until released, recording each batch's items. */
function held(size: number) {
  const sent: number[][] = [];
  const release: (() => void)[] = [];
  const batcher = new BlockBatcher(() => size, (blocks) => new Promise<readonly BlockOutcome[]>((resolve) => {
    sent.push(blocks.map((b) => b.inputs.item as number));
    release.push(() => resolve(blocks.map((b) => ({ nodes: [], values: { plusOne: (b.inputs.item as number) + 1 } }))));
  }));
  return { batcher, sent, release };
}

describe("BlockBatcher", () => {
  test("add() spreads the items of one turn over BLOCK_SPREAD jobs while none are in flight, and each item gets its own outcome", async () => {
    const { batcher, sent, release } = held(16);
    const outcomes = Array.from({ length: 64 }, (_, i) => batcher.add(block(i)));
    await Promise.resolve();
    expect(sent.map((b) => b.length)).toEqual(Array(BLOCK_SPREAD).fill(64 / BLOCK_SPREAD));
    release.forEach((r) => r());
    expect((await Promise.all(outcomes)).map((o) => o.values!.plusOne)).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
  });

  test("add() fills batches up to the batch size once BLOCK_SPREAD jobs are in flight", async () => {
    const { batcher, sent } = held(16);
    for (let i = 0; i < BLOCK_SPREAD; i++) void batcher.add(block(i));
    await Promise.resolve();
    for (let i = 0; i < 40; i++) void batcher.add(block(100 + i));
    await Promise.resolve();
    expect(sent.slice(BLOCK_SPREAD).map((b) => b.length)).toEqual([16, 16, 8]);
  });

  test("add() never puts more than the batch size in one job", async () => {
    const { batcher, sent } = held(4);
    for (let i = 0; i < 100; i++) void batcher.add(block(i));
    await Promise.resolve();
    expect(sent.map((b) => b.length)).toEqual(Array(25).fill(4));
  });
});

test("allAborted() fires once every signal has fired, with the last reason", () => {
  const [a, b] = [new AbortController(), new AbortController()];
  const both = allAborted([a.signal, b.signal]);
  a.abort(new Error("a"));
  expect(both.aborted).toBe(false);
  b.abort(new Error("b"));
  expect([both.aborted, (both.reason as Error).message]).toEqual([true, "b"]);
});
