import { expect, test } from "bun:test";
import { InProcessExecutor } from "../../mod.ts";
import { executorContract } from "./executor-contract.ts";

executorContract("InProcessExecutor", () => new InProcessExecutor({ capacity: 2 }));

test("InProcessExecutor rejects a capacity below 1", () => {
  expect(() => new InProcessExecutor({ capacity: 0 })).toThrow(RangeError);
});
