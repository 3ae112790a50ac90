import { describe, expect, test } from "bun:test";
import { Builder, dataloader, datasaver, NodeExecutionError } from "../../../mod.ts";

describe("dataloader()", () => {
  test("defines the data node and <node>.metadata from [data, metadata] (sync)", async () => {
    const mod = { spend: dataloader((region: string) => [[1, 2, 3], { source: `db:${region}`, rows: 3 }] as const) };
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["spend", "spend.metadata"], { inputs: { region: "us" } })).toEqual({ spend: [1, 2, 3], "spend.metadata": { source: "db:us", rows: 3 } });
  });

  test("works on an async loader, tagged as a loader", async () => {
    const mod = { spend: dataloader(async () => [[1], { rows: 1 }] as const), total: (spend: number[]) => spend.length };
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["total"])).toEqual({ total: 1 });
    expect(dr.listAvailableVariables({ tags: { "weft.role": "loader" } }).map((v) => v.name)).toEqual(["spend.raw", "spend", "spend.metadata"]);
  });

  test("fails the node when the function does not return [data, metadata]", async () => {
    const dr = await new Builder().withModules({ spend: dataloader(() => [1, 2, 3]) }).build();
    const error = await dr.execute(["spend"]).catch((e) => e);
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect(error.node).toBe("spend.raw");
    expect(error.cause.message).toBe('dataloader() on "spend" expects the function to return [data, metadata], got an array');
  });

  test("rejects a value that is not a function", () => {
    expect(() => dataloader(undefined as never)).toThrow(new TypeError("dataloader() expects a function as its first argument, got undefined undefined"));
  });
});

describe("datasaver()", () => {
  test("its node holds the metadata the saver returns (async), tagged as a saver", async () => {
    const written: unknown[] = [];
    const mod = { saved: datasaver(async (report: string) => (written.push(report), { rows: 1, target: "memory" })) };
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["saved"], { inputs: { report: "r" } })).toEqual({ saved: { rows: 1, target: "memory" } });
    expect(written).toEqual(["r"]);
    expect(dr.listAvailableVariables()[0]!.tags["weft.role"]).toBe("saver");
  });

  test("fails the node when the saver returns no metadata object (sync)", async () => {
    const dr = await new Builder().withModules({ saved: datasaver(() => "done") }).build();
    const error = await dr.execute(["saved"]).catch((e) => e);
    expect(error.cause.message).toBe('datasaver() on "saved" expects the function to return a metadata object, got the string "done"');
  });
});
