import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Builder, from, isWeftError, MaterializationError, MemoryTextFiles, source, to, type Format, type Materializer,
} from "../../../mod.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-materialize-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const flow = {
  rows: () => [{ channel: "search", spend: 3, note: 'says "hi", twice' }, { channel: "social", spend: 4, note: "line\nbreak" }],
  summary: async (rows: { spend: number }[]) => ({ total: rows.reduce((s, r) => s + r.spend, 0) }),
};

describe("driver.materialize()", () => {
  test("writes JSON, NDJSON and CSV files and returns their metadata", async () => {
    const dr = await new Builder().withModules(flow).build();
    const result = await dr.materialize([
      to.json({ dependencies: ["summary"], path: join(dir, "out/summary.json"), id: "summary" }),
      to.ndjson({ dependencies: ["rows"], path: join(dir, "out/rows.ndjson"), id: "ndjson" }),
      to.csv({ dependencies: ["rows"], path: join(dir, "out/rows.csv"), id: "csv" }),
    ], { outputs: ["summary"] });
    const json = readFileSync(join(dir, "out/summary.json"), "utf8");
    const csv = readFileSync(join(dir, "out/rows.csv"), "utf8");
    expect(JSON.parse(json)).toEqual({ total: 7 });
    expect(readFileSync(join(dir, "out/rows.ndjson"), "utf8").trim().split("\n").map((l) => JSON.parse(l))).toEqual(flow.rows());
    expect(csv).toBe('channel,spend,note\r\nsearch,3,"says ""hi"", twice"\r\nsocial,4,"line\nbreak"\r\n');
    expect(result.materialized).toEqual({
      summary: { path: join(dir, "out/summary.json"), format: "json", rows: 1, bytes: Buffer.byteLength(json) },
      ndjson: { path: join(dir, "out/rows.ndjson"), format: "ndjson", rows: 2, bytes: expect.any(Number) },
      csv: { path: join(dir, "out/rows.csv"), format: "csv", rows: 2, bytes: Buffer.byteLength(csv) },
    });
    expect(result.outputs).toEqual({ summary: { total: 7 } });
  });

  test("writes several dependencies as one object by name", async () => {
    const dr = await new Builder().withModules(flow).build();
    const path = join(dir, "both.json");
    await dr.materialize([to.json({ dependencies: ["summary", "rows"], path })]);
    expect(Object.keys(JSON.parse(readFileSync(path, "utf8")))).toEqual(["summary", "rows"]);
  });

  test("accepts a materializer of the user's own, and a format of the user's own", async () => {
    const dr = await new Builder().withModules(flow).build();
    const seen: unknown[] = [];
    const custom: Materializer<{ count: number }> = { id: "memory", dependencies: ["rows"], save: async (v) => (seen.push(v.rows), { count: 1 }) };
    const tsv: Format = { name: "tsv", encode: (v) => ({ text: (v as { spend: number }[]).map((r) => `${r.spend}`).join("\t"), rows: 2 }), decode: (t) => ({ value: t.split("\t"), rows: 2 }) };
    const path = join(dir, "spend.tsv");
    const { materialized } = await dr.materialize([custom, to.file({ dependencies: ["rows"], path, format: tsv })]);
    expect(materialized).toEqual({ memory: { count: 1 }, [path]: { path, format: "tsv", rows: 2, bytes: 3 } });
    expect(seen).toHaveLength(1);
  });

  test("a materializer that fails to write is a MaterializationError naming it", async () => {
    const dr = await new Builder().withModules({ scalar: () => 3 }).build();
    const error = await dr.materialize([to.csv({ dependencies: ["scalar"], path: join(dir, "x.csv"), id: "scalarCsv" })]).catch((e) => e);
    expect(error).toBeInstanceOf(MaterializationError);
    expect(isWeftError(error, "materialization")).toBe(true);
    expect(error.message).toBe('Cannot materialize "scalarCsv": Cannot write CSV: expected an array of rows, got number 3');
  });

  test("rejects bad materializers and duplicate ids", async () => {
    const dr = await new Builder().withModules(flow).build();
    await expect(dr.materialize([{ id: "x" } as never])).rejects.toThrow(TypeError);
    const m = to.json({ dependencies: ["rows"], path: join(dir, "d.json") });
    await expect(dr.materialize([m, m])).rejects.toThrow(`materialize() got two materializers with id "${join(dir, "d.json")}"; give one another id`);
    expect(() => to.json({ dependencies: [], path: "x" })).toThrow('to.json() option "dependencies" must be a non-empty list of node names, got an array');
  });
});

describe("from.*() loaders", () => {
  test("from.csv() reads a file given by an input, with numbers, and reports metadata", async () => {
    const path = join(dir, "in.csv");
    writeFileSync(path, 'channel,spend\r\nsearch,3\r\n"so,cial",4.5\r\n');
    const dr = await new Builder().withModules({ spendRows: from.csv({ path: source("spendPath"), numbers: true }) }).build();
    const r = await dr.execute(["spendRows", "spendRows.metadata"], { inputs: { spendPath: path } });
    expect(r.spendRows).toEqual([{ channel: "search", spend: 3 }, { channel: "so,cial", spend: 4.5 }]);
    expect(r["spendRows.metadata"]).toEqual({ path, format: "csv", rows: 2, bytes: 40 });
  });

  test("from.json() and from.ndjson() read fixed paths", async () => {
    writeFileSync(join(dir, "a.json"), '{"a":1}');
    writeFileSync(join(dir, "b.ndjson"), '{"b":1}\n{"b":2}\n');
    const dr = await new Builder().withModules({ a: from.json({ path: join(dir, "a.json") }), b: from.ndjson({ path: join(dir, "b.ndjson") }) }).build();
    expect(await dr.execute(["a", "b"])).toEqual({ a: { a: 1 }, b: [{ b: 1 }, { b: 2 }] });
  });

  test("from.using() and to.using() work over any TextFiles (memory here), round-tripping CSV", async () => {
    const fs = new MemoryTextFiles();
    const dr = await new Builder().withModules(flow).build();
    await dr.materialize([to.using(fs).csv({ dependencies: ["rows"], path: "rows.csv" })]);
    const back = await new Builder().withModules({ rows: from.using(fs).csv({ path: "rows.csv", numbers: true }) }).build();
    expect((await back.execute(["rows"])).rows).toEqual(flow.rows());
  });

  test("a missing file fails the loader node", async () => {
    const dr = await new Builder().withModules({ a: from.json({ path: join(dir, "nope.json") }) }).build();
    const error = await dr.execute(["a"]).catch((e) => e);
    expect(error.node).toBe("a.raw");
  });
});
