import { describe, expect, test } from "bun:test";
import { nodeCodeVersioner } from "../../cache/node-code-version.ts";
import { bunHasher } from "../../runtime/bun/mod.ts";

const versionOf = nodeCodeVersioner(async () => bunHasher);
const version = (fn: Function, v?: string, module?: object) => versionOf({ source: fn, options: v === undefined ? {} : { version: v } }, module);

describe("nodeCodeVersioner()", () => {
  test("ignores whitespace, comments and layout", async () => {
    const a = (x: number) => x * 1000 + "s".length;
    // prettier-ignore
    const b = (x: number) => /* scaled */ x   *   1000 +
      "s".length; // same code
    expect(await version(b)).toBe(await version(a));
  });

  test("changes when the code changes", async () => {
    expect(await version((x: number) => x + 1)).not.toBe(await version((x: number) => x + 2));
  });

  test("counts a same-module helper the node calls when given the module's exports", async () => {
    const node = (x: number) => helper(x);
    const v1 = await version(node, undefined, { node, helper: (x: number) => x + 1 });
    const v2 = await version(node, undefined, { node, helper: (x: number) => x + 2 });
    expect(v1).not.toBe(v2);
  });

  test("uses a manual version when the node sets one, a SHA-256 otherwise", async () => {
    expect(await version((x: number) => x, "2")).toBe("manual:2");
    expect(await version(() => 1)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

declare function helper(x: number): number;
