import { describe, expect, test } from "bun:test";
import { Builder, node, tag } from "../../../mod.ts";

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
