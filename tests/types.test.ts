/**
 * Type tests: `tsc --noEmit` (part of `npm test`) fails if a `@ts-expect-error`
 * line stops being an error, so these prove what the compiler rejects.
 */
import { describe, expect, test } from "bun:test";
import { Effect } from "effect";
import { Builder, collect, node, parallelizable } from "../mod.ts";
import * as flow from "./fixtures/flow.ts";

describe("types", () => {
  test("execute() returns exactly the requested keys with their awaited types", async () => {
    const dr = await new Builder().withModules(flow).build();
    const r = await dr.execute(["total", "doubled"], { inputs: { count: 2 } });
    const total: number = r.total;
    const doubled: number[] = r.doubled; // Promise<number[]> awaited
    // @ts-expect-error: "rows" was not requested
    r.rows;
    expect([total, doubled]).toEqual([6, [2, 4]]);
  });

  test('execute(outputs, { onError: "continue", sentinel }) types each result as its value or the sentinel', async () => {
    const dr = await new Builder().withModules(flow).build();
    const r = await dr.execute(["total"], { inputs: { count: 2 }, onError: "continue", sentinel: null });
    const total: number | null = r.results.total;
    // @ts-expect-error: the sentinel is part of the type
    const strict: number = r.results.total;
    // @ts-expect-error: "rows" was not requested
    r.results.rows;
    const plain = await dr.execute(["total"], { inputs: { count: 2 } });
    // @ts-expect-error: without onError the result has no "results" wrapper
    plain.results;
    expect([total, strict, r.ok, r.failures]).toEqual([6, 6, true, []]);
  });

  test("an unknown output is a compile error (and a runtime UnknownNodeError)", async () => {
    const dr = await new Builder().withModules(flow).build();
    // @ts-expect-error: "totl" is not a node of the flow
    const pending = dr.execute(["totl"], { inputs: { count: 1 } });
    await expect(pending).rejects.toThrow('did you mean "total"?');
  });

  test("an input given in the call can be requested as an output, with its type", async () => {
    const dr = await new Builder().withModules(flow).build();
    const r = await dr.execute(["count"], { inputs: { count: 5 } });
    const count: number = r.count;
    expect(count).toBe(5);
  });

  test("an Effect node produces its success type; config values are typed outputs", async () => {
    const dr = await new Builder()
      .withModules({ answer: (base: number) => Effect.succeed(base + 1), wrapped: node(async () => "s") })
      .withConfig({ base: 41 })
      .build();
    const r = await dr.execute(["answer", "base", "wrapped"]);
    const answer: number = r.answer;
    const base: number = r.base;
    const wrapped: string = r.wrapped;
    expect([answer, base, wrapped]).toEqual([42, 41, "s"]);
  });

  test("overrides are checked against the node's type", async () => {
    const dr = await new Builder().withModules(flow).build();
    // @ts-expect-error: "rows" produces number[], not a string
    const pending = dr.execute(["total"], { overrides: { rows: "not rows" } });
    await expect(pending).rejects.toThrow();
  });

  test("a destructured edge whose parameter type rejects the producer's type is a compile error", async () => {
    const bad = { label: () => "text", next: ({ label }: { label: number }) => label + 1 };
    // @ts-expect-error: "next" declares label: number, but "label" returns a string
    await new Builder().withModules(bad).build();
    const good = { label: () => 1, next: ({ label }: { label: number }) => label + 1 };
    const dr = await new Builder().withModules(good).build();
    expect(await dr.execute(["next"])).toEqual({ next: 2 });
  });

  test("an edge across two modules is checked too", async () => {
    const producer = { label: async () => "text" };
    const consumer = { shout: ({ label }: { label: string }) => label.toUpperCase() };
    const wrong = { count: ({ label }: { label: number[] }) => label.length };
    const dr = await new Builder().withModules(producer, consumer).build();
    expect(await dr.execute(["shout"])).toEqual({ shout: "TEXT" });
    // @ts-expect-error: "count" declares label: number[], but "label" resolves to a string
    await new Builder().withModules(producer).withModules(wrong).build();
  });

  test("a parallelizable's dependents receive one item; a collect's block parameters receive arrays", async () => {
    const files = parallelizable(async () => ["a", "bb"]);
    const length = ({ files }: { files: string }) => files.length;
    const total = collect(({ length }: { length: number[] }) => length.reduce((a, b) => a + b, 0));
    const dr = await new Builder().withModules({ files, length, total }).build();
    const r = await dr.execute(["total"]);
    const t: number = r.total;
    expect(t).toBe(3);
    const wrong = ({ files }: { files: string[] }) => files.length;
    const sum = collect((wrong: number[]) => wrong.length);
    // @ts-expect-error: a dependent of "files" receives one string, not string[]
    await new Builder().withModules({ files, wrong, sum }).build();
  });

  test("the parallelizable and the nodes that run per item are not offered as outputs (a MapReduceError at run time)", async () => {
    const files = parallelizable(async () => ["a", "bb"]);
    const length = ({ files }: { files: string }) => files.length;
    const doubled = ({ length }: { length: number }) => length * 2;
    const total = collect(({ doubled }: { doubled: number[] }) => doubled.reduce((a, b) => a + b, 0));
    const report = ({ total }: { total: number }) => `total ${total}`;
    const dr = await new Builder().withModules({ files, length, doubled, total, report }).build();
    expect(await dr.execute(["total", "report"])).toEqual({ total: 6, report: "total 6" });
    // @ts-expect-error: "doubled" runs once per item of "files"
    await expect(dr.execute(["doubled"])).rejects.toThrow('"doubled" runs once per item of "files"');
    // @ts-expect-error: "length" runs once per item of "files"
    await expect(dr.execute(["length"])).rejects.toThrow('"length" runs once per item of "files"');
    // @ts-expect-error: "files" yields the items of a map/reduce block
    await expect(dr.execute(["files"])).rejects.toThrow('"files" yields the items of a map/reduce block');
  });

  test("a positional parameter of a record type is not mistaken for a destructured one", async () => {
    const flow = {
      counts: () => ({ a: 1, b: 2 }) as Record<string, number>,
      best: (counts: Record<string, number>) => Object.keys(counts)[0],
    };
    const dr = await new Builder().withModules(flow).build();
    expect(await dr.execute(["best"])).toEqual({ best: "a" });
  });
});
