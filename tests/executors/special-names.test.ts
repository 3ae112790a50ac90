/** Issue 10, part 6: worker nodes with names and parameters that are keys of Object.prototype. */
import { describe, expect, test } from "bun:test";
import { Builder } from "../../mod.ts";
import * as flow from "../fixtures/special-names-workers.ts";

describe("worker nodes with special names", () => {
  test("a worker node named constructor runs on its input named toString", async () => {
    await using dr = await new Builder().withModules(flow).withWorkers({ size: 1 }).build();
    expect(await dr.execute(["constructor"], { inputs: { toString: 21 } })).toEqual({ constructor: 42 });
  });

  test("a destructured worker node leaves optional isPrototypeOf and toString to their defaults", async () => {
    await using dr = await new Builder().withModules(flow).withWorkers({ size: 1 }).build();
    expect(await dr.execute(["defaults"], { inputs: { valueOf: 1 } })).toEqual({ defaults: [1, 5, 6] });
  });

  test("a destructured worker node receives its parameter named __proto__", async () => {
    await using dr = await new Builder().withModules(flow).withWorkers({ size: 1 }).build();
    expect(await dr.execute(["proto"], { inputs: Object.fromEntries([["__proto__", 1]]) })).toEqual({ proto: 2 });
  });

  test("a worker rebuilds a node chosen by a config key named hasOwnProperty", async () => {
    await using dr = await new Builder().withModules(flow).withConfig({ hasOwnProperty: "a" }).withWorkers({ size: 1 }).build();
    expect(await dr.execute(["picked"])).toEqual({ picked: "A" });
  });
});
