import { describe, expect, test } from "bun:test";
import { LocalModules } from "../../executors/local-modules.ts";

const url = new URL("../fixtures/worker-modifiers.ts", import.meta.url).href;
const load = () => LocalModules.load([url], async (spec) => `v-${(spec as { readonly name?: string }).name}`);

describe("LocalModules", () => {
  test("find() finds each node a parameterized export defines, with its own code version", async () => {
    const modules = await load();
    const double = await modules.find({ moduleUrl: url, exportName: "scaled", nodeName: "double" }, {}, "c");
    const triple = await modules.find({ moduleUrl: url, exportName: "scaled", nodeName: "triple" }, {}, "c");
    expect([double.spec.name, double.version, double.moduleUrl]).toEqual(["double", "v-double", url]);
    expect([triple.spec.name, triple.version]).toEqual(["triple", "v-triple"]);
  });

  test("find() shapes a config-dependent node by the config of each job", async () => {
    const modules = await load();
    const node = { moduleUrl: url, exportName: "shifted__eu", nodeName: "shifted" };
    const eu = await modules.find(node, { region: "eu" }, "eu");
    const us = await modules.find({ ...node, exportName: "shifted__us" }, { region: "us" }, "us");
    expect((eu.spec.fn as (x: number) => number)(1)).toBe(101);
    expect((us.spec.fn as (x: number) => number)(1)).toBe(-99);
    // The same export under a config that leaves it out defines no node there.
    await expect(modules.find(node, { region: "us" }, "us")).rejects.toThrow('no module that defines node "shifted"');
  });

  test("find() rejects a node no module defines, naming it", async () => {
    const modules = await load();
    await expect(modules.find({ moduleUrl: url, exportName: "scaled", nodeName: "quadruple" }, {}, "c")).rejects.toThrow('node "quadruple"');
  });
});
