import { describe, expect, test } from "bun:test";
import { Builder, from, MaterializationError, MemoryTextFiles, MissingInputError, source, to } from "../../../mod.ts";

// Hamilton's tests/test_end_to_end.py: processed_data(input_data), input_data loaded by from_.json(target=...).
function setup() {
  const files = new MemoryTextFiles();
  files.files.set("/in/unprocessed.json", JSON.stringify({ processed: false }));
  const flow = { processedData: (inputData: { processed: boolean }) => ({ ...inputData, processed: true }) };
  return { files, flow, load: from.using(files), save: to.using(files) };
}

describe("driver.materialize() with loaders", () => {
  test("test_materialize_and_loaders_end_to_end: a loader's data is its target's value in the run", async () => {
    const { files, flow, load, save } = setup();
    const dr = await new Builder().withModules(flow).build();
    const { materialized, outputs } = await dr.materialize([
      load.json({ path: "/in/unprocessed.json", target: "inputData" }),
      save.json({ id: "materializer", dependencies: ["processedData"], path: "/out/processed.json" }),
    ], { outputs: ["processedData"] });
    expect(outputs).toEqual({ processedData: { processed: true } });
    expect(Object.keys(materialized).sort()).toEqual(["inputData", "materializer"]);
    expect(materialized.inputData).toEqual({ path: "/in/unprocessed.json", format: "json", rows: 1, bytes: 19 });
    expect(JSON.parse(files.files.get("/out/processed.json")!)).toEqual({ processed: true });
  });

  test("test_materialize_and_loaders_end_to_end_without_to: loaders and outputs only", async () => {
    const { flow, load } = setup();
    const dr = await new Builder().withModules(flow).build();
    const { outputs } = await dr.materialize([load.json({ path: "/in/unprocessed.json", target: "inputData", id: "in" })], { outputs: ["processedData"] });
    expect(outputs).toEqual({ processedData: { processed: true } });
  });

  test("a loader whose target is a function node overrides it, and reads its path from an input", async () => {
    const { files, load } = setup();
    files.files.set("/in/rows.json", JSON.stringify([1, 2, 3]));
    let called = false;
    const dr = await new Builder().withModules({ rows: () => ((called = true), [0]), total: (rows: number[]) => rows.reduce((a, b) => a + b, 0) }).build();
    const { outputs } = await dr.materialize([load.json({ path: source("rowsPath"), target: "rows" })], { outputs: ["total"], inputs: { rowsPath: "/in/rows.json" } });
    expect(outputs).toEqual({ total: 6 });
    expect(called).toBe(false);
  });

  test("a loader that cannot read is a MaterializationError naming it; a path input that is missing a MissingInputError", async () => {
    const { flow, load } = setup();
    const dr = await new Builder().withModules(flow).build();
    const error = await dr.materialize([load.json({ path: "/nope.json", target: "inputData" })], { outputs: ["processedData"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaterializationError);
    expect((error as MaterializationError).id).toBe("inputData");
    await expect(dr.materialize([load.json({ path: source("p"), target: "inputData" })], { outputs: ["processedData"] })).rejects.toBeInstanceOf(MissingInputError);
  });

  test("rejects a loader without a target and two loaders of one target", async () => {
    const { flow, load } = setup();
    const dr = await new Builder().withModules(flow).build();
    await expect(dr.materialize([load.json({ path: "/in/unprocessed.json" }) as never])).rejects.toThrow("materialize() takes loaders made with a target");
    const twice = load.json({ path: "/in/unprocessed.json", target: "inputData" });
    await expect(dr.materialize([twice, twice])).rejects.toThrow('materialize() got two loaders for "inputData"; load it once');
  });

  test("validateMaterialization() counts a loader's target as given, reading nothing", async () => {
    const { flow, load } = setup();
    const dr = await new Builder().withModules(flow).build();
    expect(dr.validateMaterialization([load.json({ path: "/does/not/exist.json", target: "inputData" })], { outputs: ["processedData"] })).toBeUndefined();
    expect(() => dr.validateMaterialization([], { outputs: ["processedData"] })).toThrow(MissingInputError);
  });
});
