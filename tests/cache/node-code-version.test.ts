import { afterEach, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { nodeCodeVersioner } from "../../cache/node-code-version.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { tempDir } from "./_helpers.ts";

const versionOf = nodeCodeVersioner(async () => bunCacheDrivers);
const version = (fn: Function, v?: string, module?: object) =>
  versionOf({ source: fn, exportName: "f", options: v === undefined ? {} : { version: v } }, module === undefined ? undefined : { exports: module });

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe("nodeCodeVersioner()", () => {
  test("reads the module file when given its URL: helpers that are not exported count", async () => {
    const { dir, remove } = tempDir("versioner");
    cleanups.push(remove);
    const file = join(dir, "flow.ts");
    const url = pathToFileURL(file).href;
    const f = () => 0;
    writeFileSync(file, `const k = 1;\nexport const f = (x: number) => x + k;\n`);
    const v1 = await versionOf({ source: f, exportName: "f", options: {} }, { url });
    writeFileSync(file, `const k = 2;\nexport const f = (x: number) => x + k;\n`);
    const v2 = await versionOf({ source: f, exportName: "f", options: {} }, { url });
    expect(v1).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(v2).not.toBe(v1);
  });

  test("without a file, ignores whitespace, comments and layout of the function", async () => {
    const a = (x: number) => x * 1000 + "s".length;
    // prettier-ignore
    const b = (x: number) => /* scaled */ x   *   1000 +
      "s".length; // same code
    expect(await version(b)).toBe(await version(a));
    expect(await version((x: number) => x + 1)).not.toBe(await version((x: number) => x + 2));
  });

  test("without a file, counts a same-module export the node calls", async () => {
    const node = (x: number) => helper(x);
    const v1 = await version(node, undefined, { node, helper: (x: number) => x + 1 });
    const v2 = await version(node, undefined, { node, helper: (x: number) => x + 2 });
    expect(v1).not.toBe(v2);
  });

  test("uses a manual version when the node sets one", async () => {
    expect(await version((x: number) => x, "2")).toBe("manual:2");
  });
});

declare function helper(x: number): number;
