import { describe, expect, test } from "bun:test";
import { codeVersion } from "../../executors/code-version.ts";

const version = (fn: Function, v?: string) => codeVersion({ source: fn, options: v === undefined ? {} : { version: v } });

describe("codeVersion()", () => {
  test("ignores whitespace, comments, quote style and the spelling of numbers", async () => {
    const a = (x: number) => x * 1000 + "s".length;
    // prettier-ignore
    const b = (x: number) => /* scaled */ x   *   1e3 +
      's'.length; // same tokens
    expect(await version(b)).toBe(await version(a));
  });

  test("changes when the code changes", async () => {
    expect(await version((x: number) => x + 1)).not.toBe(await version((x: number) => x + 2));
    expect(await version((x: number) => x + 1)).not.toBe(await version((y: number) => y + 1));
  });

  test("tells a string from a name and a bigint from a number", async () => {
    expect(await version(() => "a")).not.toBe(await version(() => a));
    expect(await version(() => 5n)).not.toBe(await version(() => 5));
  });

  test("uses a manual version when the node sets one", async () => {
    expect(await version((x: number) => x, "2")).toBe("manual:2");
  });

  test("is a SHA-256 otherwise", async () => {
    expect(await version(() => 1)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

const a = 1;
