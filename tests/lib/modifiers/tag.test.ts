import { describe, expect, test } from "bun:test";
import { Builder, extractFields, GraphBuildError, node, tag, tagOutputs } from "../../../mod.ts";

describe("tag()", () => {
  const mod = {
    raw: tag({ stage: "load", owner: "data" }, async (path: string) => [path]),
    clean: tag({ stage: ["transform", "qa"] }, (raw: string[]) => raw.filter(Boolean)),
    report: (clean: string[]) => clean.length,
  };

  test("adds tags to a sync and an async node, queried with Hamilton's filter rules", async () => {
    const dr = await new Builder().withModules({ name: "etl", exports: mod }).build();
    const names = (tags: Record<string, string | string[] | null>) => dr.listAvailableVariables({ tags }).map((v) => v.name);
    expect(names({ stage: "load" })).toEqual(["raw"]);
    expect(names({ stage: ["qa", "load"] })).toEqual(["raw", "clean"]);
    expect(names({ stage: null })).toEqual(["raw", "clean"]);
    expect(names({ stage: null, owner: "data" })).toEqual(["raw"]);
    expect(names({ module: "etl" })).toEqual(["raw", "clean", "report"]);
  });

  test("merges with node() options, later tags winning per key", async () => {
    const fn = tag({ a: "outer", b: "outer" }, node(() => 1, { tags: { a: "inner", c: "inner" }, timeout: 100 }));
    const dr = await new Builder().withModules({ one: fn }).build();
    const v = dr.listAvailableVariables()[0]!;
    expect(v.tags).toEqual({ a: "outer", c: "inner", b: "outer", module: "module 1" });
  });

  test("keeps the node callable as the user's function", async () => {
    expect(await mod.raw("x")).toEqual(["x"]);
  });

  test("rejects a value that is not a function, and a tag value that is not a string", () => {
    expect(() => tag({ a: "b" }, {} as never)).toThrow(new TypeError("tag() expects a function as its second argument, got an object"));
    expect(() => tag({ a: 1 } as never, () => 1)).toThrow(new TypeError('tag() expects tag "a" to be a string or a list of strings, got number 1'));
  });
});

describe("tagOutputs()", () => {
  const fields = () => extractFields(["a", "b"], () => ({ a: 1, b: 2 }));
  async function tagsOf(fn: unknown): Promise<Record<string, Record<string, unknown>>> {
    const dr = await new Builder().withModules({ dummy: fn as () => unknown }).build();
    return Object.fromEntries(dr.listAvailableVariables().map((v) => [v.name, v.tags]));
  }

  test("test_tag_outputs: tags each chosen output of a modifier only", async () => {
    const tags = await tagsOf(tagOutputs({ a: { tagAGets: "a" }, b: { tagBGets: "b" } }, fields()));
    expect(tags.a!.tagAGets).toBe("a");
    expect(tags.b!.tagBGets).toBe("b");
    expect(tags.a!.tagBGets).toBeUndefined();
    expect(tags.dummy!.tagAGets).toBeUndefined();
  });

  test("test_tag_outputs_tags_all: the modifier's own node can be named too", async () => {
    const tags = await tagsOf(tagOutputs({ a: { x: "a" }, b: { x: "b" }, dummy: { x: "fn" } }, fields()));
    expect([tags.a!.x, tags.b!.x, tags.dummy!.x]).toEqual(["a", "b", "fn"]);
  });

  test("test_tag_outputs_and_tag_together: tag() outside adds to every node", async () => {
    const tags = await tagsOf(tag({ everyone: "yes" }, tagOutputs({ a: { x: "a" }, b: { x: "b" } }, fields())));
    expect([tags.a!.x, tags.a!.everyone, tags.b!.x, tags.b!.everyone]).toEqual(["a", "yes", "b", "yes"]);
  });

  test("test_tag_outputs_with_overrides: tagOutputs() outside tag() wins for the nodes it names", async () => {
    const tags = await tagsOf(tagOutputs({ a: { everyone: "just a" } }, tag({ everyone: "yes" }, fields())));
    expect([tags.a!.everyone, tags.b!.everyone]).toEqual(["just a", "yes"]);
  });

  test("naming a node the modifier does not define is a build error listing the ones it does", async () => {
    const error = await new Builder().withModules({ dummy: tagOutputs({ c: { x: "c" } }, fields()) }).build().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphBuildError);
    expect((error as Error).message).toBe('Cannot build the graph: tagOutputs() on "dummy" tags "c", which it does not define; it defines "dummy", "a", "b"');
  });

  test("rejects tags of the wrong shape", () => {
    expect(() => tagOutputs({}, () => 1)).toThrow(TypeError);
    expect(() => tagOutputs({ a: { x: 5 as unknown as string } }, () => 1)).toThrow('tagOutputs() expects tag "x" for node "a" to be a string or a list of strings, got number 5');
  });
});
