/** userFrame(): the first stack frame outside weft's own files and node_modules. */
import { describe, expect, test } from "bun:test";
import { userFrame } from "../../server/user-frame.ts";

const root = "/app/node_modules/weft/";
const weftRoot = "/src/weft/";

describe("userFrame()", () => {
  test("skips node_modules, weft's folders and files without a path, and returns the user's frame", () => {
    const stack = [
      "NodeExecutionError: boom",
      "    at #fail (/src/weft/lib/engine/run.ts:256:23)",
      "    at runLoop (/app/node_modules/effect/dist/internal/effect.js:476:88)",
      "    at <anonymous> (native)",
      "    at node:internal/process/task_queues:95:5",
      "    at square (/app/flow.ts:30:11)",
      "    at main (/app/main.ts:3:1)",
    ].join("\n");
    expect(userFrame([stack], weftRoot)).toBe("at square (/app/flow.ts:30:11)");
  });

  test("reads file URLs (Deno) and counts weft's own tests and examples as the user's", () => {
    expect(userFrame(["Error: x\n    at file:///src/weft/mod.ts:1:1\n    at f (file:///src/weft/examples/flow%20a.ts:4:2)"], weftRoot)).toBe("at f (file:///src/weft/examples/flow%20a.ts:4:2)");
  });

  test("looks through the stacks in order and answers undefined when every frame is weft's", () => {
    const weftOnly = `Error: x\n    at run (${root}dist/lib/engine/run.js:1:1)`;
    expect(userFrame([weftOnly, undefined], root)).toBeUndefined();
    expect(userFrame([weftOnly, "Error: y\n    at g (/app/flow.ts:2:2)"], root)).toBe("at g (/app/flow.ts:2:2)");
  });
});
