import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { tempDir } from "../../cache/_helpers.ts";
import { Builder, type Driver, from, MemoryTextFiles, MissingInputError, to, UnknownNodeError } from "../../../mod.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const flow = {
  a: () => 1,
  b: (a: number) => ({ b: a + 1 }),
  jsonToSave1: () => ({ one: 1 }),
  jsonToSave2: () => ({ two: 2 }),
};

describe("Builder.withMaterializers()", () => {
  test("test_builder_with_saver_materializer: a materializer is a node named by its id, whose value is its metadata", async () => {
    const files = new MemoryTextFiles();
    const saver = to.using(files).json({ id: "saverNode", dependencies: ["b"], path: "/my/file.json" });
    const dr = (await new Builder().withModules(flow).withMaterializers(saver).build()) as unknown as Driver;
    expect(dr.listAvailableVariables().some((v) => v.name === "saverNode")).toBe(true);
    const r = await dr.execute(["saverNode"]);
    expect(r).toEqual({ saverNode: { path: "/my/file.json", format: "json", rows: 1, bytes: expect.any(Number) } });
    expect(JSON.parse(files.files.get("/my/file.json")!)).toEqual({ b: 2 });
  });

  test("test_builder_materializer_and_execution_materializer: builder materializers run beside materialize()'s", async () => {
    const files = new MemoryTextFiles();
    const save = to.using(files);
    const dr = await new Builder().withModules(flow)
      .withMaterializers(save.json({ id: "staticSaver", dependencies: ["jsonToSave1"], path: "/file.json" }))
      .build();
    const { materialized, outputs } = await dr.materialize([save.json({ id: "dynamicSaver", dependencies: ["jsonToSave2"], path: "/file2.json" })], {
      outputs: ["staticSaver"],
    });
    expect(Object.keys(materialized)).toEqual(["dynamicSaver"]);
    expect(Object.keys(outputs)).toEqual(["staticSaver"]);
    expect([...files.files.keys()].sort()).toEqual(["/file.json", "/file2.json"]);
  });

  test("is never cached: every run writes again", async () => {
    const { dir, remove } = tempDir("materializers");
    cleanups.push(remove);
    const files = new MemoryTextFiles();
    let writes = 0;
    const counting = { ...files, readText: files.readText.bind(files), writeText: (p: string, t: string) => (writes++, files.writeText(p, t)) };
    const dr = (await new Builder().withModules(flow).withCache({ path: join(dir, "weft.db") }).withMaterializers(to.using(counting).json({ id: "s", dependencies: ["a"], path: "/a.json" })).build()) as unknown as Driver;
    await dr.execute(["s"]);
    await dr.execute(["s"]);
    expect(writes).toBe(2);
    await dr.close();
  });

  test("test_builder_materializer_error: a list is a TypeError that says to spread it; so is an id given twice", () => {
    const m = to.using(new MemoryTextFiles()).json({ id: "x", dependencies: ["a"], path: "/x.json" });
    expect(() => new Builder().withMaterializers([m] as never)).toThrow("withMaterializers() expects materializers, got an array; spread it: withMaterializers(...materializers)");
    expect(() => new Builder().withMaterializers(m).withMaterializers(m)).toThrow('withMaterializers() got two materializers with id "x"; give one another id');
  });

  test("is copied by Builder.copy()", async () => {
    const files = new MemoryTextFiles();
    const base = new Builder().withModules(flow).withMaterializers(to.using(files).json({ id: "s", dependencies: ["a"], path: "/a.json" }));
    const dr = (await base.copy().build()) as unknown as Driver;
    await dr.execute(["s"]);
    expect(files.files.has("/a.json")).toBe(true);
  });
});

describe("driver.validateMaterialization()", () => {
  const dr = new Builder().withModules({ b: (a: number) => a + 1 }).build();
  const m = (deps: string[]) => to.using(new MemoryTextFiles()).json({ id: "1", dependencies: deps, path: "/foo.json" });

  test("test_validate_materialization_happy: passes when the dependencies can be computed, writing nothing", async () => {
    expect((await dr).validateMaterialization([m(["b"])], { inputs: { a: 1 } })).toBeUndefined();
  });

  test("test_validate_materialization_sad: an unknown dependency or a missing input throws what materialize would", async () => {
    await expect((async () => (await dr).validateMaterialization([m(["c"])], { inputs: {} }))()).rejects.toBeInstanceOf(UnknownNodeError);
    await expect((async () => (await dr).validateMaterialization([m(["b"])], { inputs: {} }))()).rejects.toBeInstanceOf(MissingInputError);
    await expect((async () => (await dr).validateMaterialization([], {}))()).rejects.toThrow("validateMaterialization() got nothing to do");
  });
});

describe("Builder.withMaterializers() with loaders", () => {
  test("test_builder_with_loader_materializer: a loader with a target defines that node and its metadata", async () => {
    const files = new MemoryTextFiles();
    files.files.set("/my/file.json", JSON.stringify({ x: 1 }));
    const dr = (await new Builder()
      .withModules({ expectsLoader: (external: { x: number }) => external.x + 1 })
      .withMaterializers(from.using(files).json({ path: "/my/file.json", target: "external" }))
      .build()) as unknown as Driver;
    expect(await dr.execute(["expectsLoader", "external.metadata"])).toEqual({
      expectsLoader: 2, "external.metadata": { path: "/my/file.json", format: "json", rows: 1, bytes: 7 },
    });
  });

  test("a loader without a target is a TypeError naming withMaterializers()", () => {
    expect(() => new Builder().withMaterializers(from.using(new MemoryTextFiles()).json({ path: "/x.json" }) as never))
      .toThrow("withMaterializers() takes loaders made with a target");
  });
});
