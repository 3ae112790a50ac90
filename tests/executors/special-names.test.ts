/** Issue 10, part 6: worker nodes with names and parameters that are keys of Object.prototype. */
import { describe, expect, test } from "bun:test";
import { decodeArgs, type JobData } from "../../executors/bullmq-protocol.ts";
import { JobValues } from "../../executors/bullmq-values.ts";
import { decodeWire, encodeWire, inlineWire } from "../../executors/wire-codec.ts";
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

describe("encodeWire() with special keys", () => {
  test("round-trips own keys named constructor, toString, valueOf and hasOwnProperty", async () => {
    const value = { constructor: 1, toString: 2, valueOf: 3, hasOwnProperty: 4 };
    const back = (await decodeWire(await encodeWire(value))) as Record<string, unknown>;
    expect(Object.entries(back)).toEqual(Object.entries(value));
  });

  test("refuses an own key __proto__, naming where it is (msgpack would read it back as __proto_)", async () => {
    const value = { rows: [{ a: 1 }, Object.fromEntries([["__proto__", 1]])] };
    await expect(encodeWire(value)).rejects.toThrow('the key "__proto__" at .rows[1] cannot travel to a remote worker');
  });

  test("accepts the string \"__proto__\" as a value", async () => {
    expect(await decodeWire(await encodeWire({ key: "__proto__" }))).toEqual({ key: "__proto__" });
  });
});

describe("decodeArgs()", () => {
  test("gives a destructured node's arguments without a prototype, constructor included", async () => {
    const data = { args: { constructor: await inlineWire(21) } } as unknown as JobData;
    const args = (await decodeArgs(data, (w) => new JobValues(undefined, 0).get(w, () => new Error("no cache"), () => new Error("unreadable")))) as Record<string, unknown>;
    expect([Object.getPrototypeOf(args), args.constructor, Object.keys(args)]).toEqual([null, 21, ["constructor"]]);
  });
});
