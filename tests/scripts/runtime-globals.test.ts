import { expect, test } from "bun:test";
import { join } from "node:path";
import { findRuntimeGlobals } from "../../scripts/layers/runtime-globals.ts";

test("findRuntimeGlobals() reports a runtime global used in lib/, not a type nor runtime/", () => {
  expect(findRuntimeGlobals(join(import.meta.dir, "../fixtures/layers"))).toEqual([
    'lib/engine.ts: uses the runtime global "process"; move that code to runtime/<name>/',
  ]);
});
