/**
 * Result builders: `withResultBuilder`, `execute(outputs, { resultBuilder })`,
 * and the builders weft ships. Cases from Hamilton's tests/test_base.py keep
 * its test name (and parametrize id) in theirs.
 */
import { describe, expect, test } from "bun:test";
import { Effect } from "effect";
import { Table, tableFromArrays } from "apache-arrow";
import { Builder, MemoryTextFiles, node, objectResult, rowsResult, to, type ResultMeta } from "../../../mod.ts";
import { tableResult } from "../../../arrow.ts";

const meta: ResultMeta = { runId: "r", outputs: [], nodes: {} };
const rows = (outputs: Record<string, unknown>) => rowsResult(outputs, meta) as Record<string, unknown>[];
const table = (outputs: Record<string, unknown>) => tableResult(outputs, meta) as Promise<Table>;
const columns = (t: Table) => Object.fromEntries(t.schema.fields.map((f) => [f.name, [...t.getChild(f.name)!]]));
function* ints(n: number) {
  yield* Array.from({ length: n }, (_, i) => i);
}

const flow = {
  day: () => ["mon", "tue", "wed"],
  spend: (day: string[]) => new Float64Array(day.map((_, i) => 10 * (i + 1))),
  region: () => "eu",
  total: node((spend: Float64Array) => spend.reduce((a, b) => a + b, 0), { doc: "Spend over the days", tags: { unit: "eur" } }),
};

describe("objectResult", () => {
  test("objectResult returns the outputs by name (Hamilton: DictResult.build_result)", () => {
    const outputs = { a: 1, b: [2] };
    expect(objectResult(outputs, meta)).toBe(outputs);
  });
});

describe("rowsResult", () => {
  test("rowsResult broadcasts a scalar over array columns (test_numpymatrixresult_int)", () => {
    expect(rows({ a: [1, 7, 3], b: new Float64Array(3), c: 1 })).toEqual([
      { a: 1, b: 0, c: 1 }, { a: 7, b: 0, c: 1 }, { a: 3, b: 0, c: 1 },
    ]);
  });

  test("rowsResult makes one row of scalars (test_PandasDataFrameResult_build_result[test-multiple-scalars])", () => {
    expect(rows({ a: 1, bar: 2 })).toEqual([{ a: 1, bar: 2 }]);
  });

  test("rowsResult reads generators as columns (test_PandasDataFrameResult_build_result[test-multiple-generators])", () => {
    expect(rows({ a: ints(2), b: ints(2) })).toEqual([{ a: 0, b: 0 }, { a: 1, b: 1 }]);
  });

  test("rowsResult keeps an output named __proto__ as a field", () => {
    const [row] = rows({ ["__proto__"]: [1] });
    expect(Object.keys(row!)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });

  test("rowsResult rejects columns of different lengths, naming them (test_numpymatrixresult_raise_length_mismatch)", () => {
    expect(() => rows({ a: [1, 2, 3], b: [1, 2], c: 1 })).toThrow(new RangeError(
      'Cannot build rows: the columns differ in length: "a" has 3 values, "b" has 2 values; return arrays of one length (a single value is repeated on every row)',
    ));
  });
});

describe("tableResult", () => {
  const cases: [id: string, outputs: () => Record<string, unknown>, expected: Record<string, unknown[]>][] = [
    ["test-single-scalar", () => ({ a: 1 }), { a: [1] }],
    ["test-single-list", () => ({ a: [1, 2, 3] }), { a: [1, 2, 3] }],
    ["test-single-array", () => ({ a: new Int32Array([1, 2, 3]) }), { a: [1, 2, 3] }],
    ["test-single-generator", () => ({ a: ints(3) }), { a: [0, 1, 2] }],
    ["test-multiple-scalars", () => ({ a: 1, bar: 2 }), { a: [1], bar: [2] }],
    ["test-multiple-lists", () => ({ a: [1, 2, 3], b: [4, 5, 6] }), { a: [1, 2, 3], b: [4, 5, 6] }],
    ["test-multiple-arrays", () => ({ a: new Float64Array([1, 2, 3]), b: new Float64Array([4, 5, 6]) }), { a: [1, 2, 3], b: [4, 5, 6] }],
    ["test-multiple-generators", () => ({ a: ints(3), b: ints(3) }), { a: [0, 1, 2], b: [0, 1, 2] }],
    ["test-scalar-and-list", () => ({ a: [1, 2, 3], b: 4 }), { a: [1, 2, 3], b: [4, 4, 4] }],
    ["test-multiple-series-with-scalar", () => ({ a: [1, 2, 3], b: [11, 12, 13], c: 1 }), { a: [1, 2, 3], b: [11, 12, 13], c: [1, 1, 1] }],
    [
      "test-multiple-dataframes",
      () => ({ a: tableFromArrays({ a: [1, 2, 3], b: [11, 12, 13] }), b: tableFromArrays({ c: [1, 3, 5], d: [14, 15, 16] }) }),
      { "a.a": [1, 2, 3], "a.b": [11, 12, 13], "b.c": [1, 3, 5], "b.d": [14, 15, 16] },
    ],
    [
      "test-multiple-series-with-dataframe",
      () => ({ a: [1, 2, 3], b: [11, 12, 13], c: tableFromArrays({ d: [0, 0, 0] }) }),
      { a: [1, 2, 3], b: [11, 12, 13], "c.d": [0, 0, 0] },
    ],
  ];
  for (const [id, outputs, expected] of cases) {
    test(`tableResult builds the table (test_PandasDataFrameResult_build_result[${id}])`, async () => {
      expect(columns(await table(outputs()))).toEqual(expected);
    });
  }

  test("tableResult returns a single Table output as it is (test_PandasDataFrameResult_build_result[test-single-dataframe])", async () => {
    const t = tableFromArrays({ a: [1, 2, 3], b: [11, 12, 13] });
    expect(await table({ a: t })).toBe(t);
  });

  test("tableResult keeps a typed array's type (Float32 stays Float32)", async () => {
    const t = await table({ x: new Float32Array([0.5, 1.5]), n: new BigInt64Array([1n, 2n]) });
    expect(t.schema.fields.map((f) => String(f.type))).toEqual(["Float32", "Int64"]);
  });

  const mismatches: [id: string, outputs: () => Record<string, unknown>, detail: string][] = [
    ["test-mismatched-lists", () => ({ a: [1, 2], b: [3, 4, 5] }), '"a" has 2 values, "b" has 3 values'],
    ["test-mismatched-arrays", () => ({ a: new Int32Array(2), b: new Int32Array(3), c: new Int32Array(3) }), '"a" has 2 values, "b", "c" have 3 values'],
    ["test-mismatched-generators", () => ({ a: ints(3), b: ints(4) }), '"a" has 3 values, "b" has 4 values'],
  ];
  for (const [id, outputs, detail] of mismatches) {
    test(`tableResult rejects columns of different lengths, naming them (test_PandasDataFrameResult_build_result_errors[${id}])`, async () => {
      await expect(table(outputs())).rejects.toThrow(new RangeError(
        `Cannot build a table: the columns differ in length: ${detail}; return arrays of one length (a single value is repeated on every row)`,
      ));
    });
  }
});

describe("execute() with a result builder", () => {
  test("withResultBuilder() makes every execute() result (test_SimplePythonGraphAdapter)", async () => {
    const esoteric = { build: (outputs: Readonly<Record<string, unknown>>): Record<string, unknown> => ({ ...outputs, esoteric: "function" }) };
    await using dr = await new Builder().withModules(flow).withResultBuilder(esoteric).build();
    expect(await dr.execute(["region"])).toEqual({ region: "eu", esoteric: "function" });
  });

  test("execute() option resultBuilder overrides the Builder's for one call", async () => {
    await using dr = await new Builder().withModules(flow).withResultBuilder(rowsResult).build();
    expect(await dr.execute(["day", "region"])).toEqual([
      { day: "mon", region: "eu" }, { day: "tue", region: "eu" }, { day: "wed", region: "eu" },
    ]);
    expect(await dr.execute(["region"], { resultBuilder: objectResult })).toEqual({ region: "eu" });
  });

  test("execute() awaits an async builder: tableResult gives an Arrow Table of the outputs", async () => {
    await using dr = await new Builder().withModules(flow).build();
    const t = await dr.execute(["day", "spend", "region"], { resultBuilder: tableResult });
    expect(t).toBeInstanceOf(Table);
    expect(columns(t)).toEqual({ day: ["mon", "tue", "wed"], spend: [10, 20, 30], region: ["eu", "eu", "eu"] });
  });

  test("execute() gives the builder the run id, the outputs in request order and their variables", async () => {
    const seen: ResultMeta[] = [];
    const hooks = { runs: [] as string[], beforeGraph(e: { runId: string }) { this.runs.push(e.runId); } };
    await using dr = await new Builder().withModules(flow).withHooks(hooks).build();
    const keys = await dr.execute(["total", "day"], { resultBuilder: (outputs, m) => (seen.push(m), Object.keys(outputs)) });
    expect(keys).toEqual(["total", "day"]);
    expect(seen[0]!.runId).toBe(hooks.runs[0]!);
    expect(seen[0]!.outputs).toEqual(["total", "day"]);
    expect(Object.keys(seen[0]!.nodes)).toEqual(["total", "day"]);
    expect(seen[0]!.nodes.total).toMatchObject({ name: "total", documentation: "Spend over the days", tags: { unit: "eur" } });
  });

  test("executeEffect() runs the builder too", async () => {
    await using dr = await new Builder().withModules(flow).build();
    const n = await Effect.runPromise(dr.executeEffect(["day"], { resultBuilder: async (o) => o.day.length }));
    expect(n).toBe(3);
  });

  test("execute() rejects with what the builder threw", async () => {
    await using dr = await new Builder().withModules(flow).build();
    const boom = new Error("no table today");
    await expect(dr.execute(["day"], { resultBuilder: () => { throw boom; } })).rejects.toBe(boom);
    await expect(dr.execute(["day"], { resultBuilder: () => Promise.reject(boom) })).rejects.toBe(boom);
  });

  test("execute() and withResultBuilder() reject a builder that is neither a function nor has build()", async () => {
    await using dr = await new Builder().withModules(flow).build();
    expect(() => dr.execute(["day"], { resultBuilder: { make: () => 1 } as never })).toThrow(new TypeError(
      'execute() option "resultBuilder" must be a function (outputs, meta) => result, or an object with a build(outputs, meta) method: got an object without a build method',
    ));
    expect(() => new Builder().withResultBuilder(42 as never)).toThrow(new TypeError(
      "withResultBuilder() argument must be a function (outputs, meta) => result, or an object with a build(outputs, meta) method: got number",
    ));
  });

  test("driver.materialize() reads the outputs by name whatever the driver's builder", async () => {
    const files = new MemoryTextFiles();
    await using dr = await new Builder().withModules(flow).withResultBuilder(tableResult).build();
    const { outputs } = await dr.materialize([to.using(files).json({ dependencies: ["day"], path: "day.json" })], { outputs: ["region"] });
    expect(outputs).toEqual({ region: "eu" });
    expect(JSON.parse(files.files.get("day.json")!)).toEqual(["mon", "tue", "wed"]);
  });
});
