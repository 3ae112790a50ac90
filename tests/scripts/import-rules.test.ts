import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { checkImportRules } from "../../scripts/layers/import-rules.ts";

const fixture = join(import.meta.dir, "../fixtures/layers");
// One dependency-cruiser run (a Node process) for every test below.
const result = checkImportRules(fixture);

/** The `from` files dependency-cruiser reports under `rule`. */
async function brokenBy(rule: string): Promise<string[]> {
  const { report } = await result;
  return [...report.matchAll(new RegExp(`error ${rule}: (\\S+)`, "g"))].map((m) => m[1]!).sort();
}

describe("checkImportRules()", () => {
  test("checkImportRules() fails on a tree that breaks a rule", async () => {
    expect((await result).ok).toBe(false);
  });

  test("checkImportRules() reports a cycle of type-only imports", async () => {
    const { report } = await result;
    // dependency-cruiser names a cycle once, from whichever of its files it reached first.
    expect(report.replace(/\s+/g, " ")).toMatch(
      /error no-circular: (lib\/graph\.ts → lib\/plan\.ts → lib\/graph\.ts|lib\/plan\.ts → lib\/graph\.ts → lib\/plan\.ts)/,
    );
  });

  test("checkImportRules() reports lib/ importing an implementation folder", async () => {
    expect(await brokenBy("lib-is-the-core")).toEqual(["lib/engine.ts"]);
  });

  test("checkImportRules() reports a type-only import of a node: module outside runtime/", async () => {
    expect(await brokenBy("no-runtime-modules-outside-runtime")).toEqual(["lib/engine.ts"]);
  });

  test("checkImportRules() reports one runtime's folder importing another's, not runtime/shared/", async () => {
    const { report } = await result;
    expect(await brokenBy("runtime-adapters-apart")).toEqual(["runtime/bun/platform.ts"]);
    expect(report).toContain("runtime/bun/platform.ts → runtime/deno/platform.ts");
    expect(report).not.toContain("runtime/bun/platform.ts → runtime/shared/files.ts");
  });

  test("checkImportRules() reports an example importing past mod.ts", async () => {
    expect(await brokenBy("examples-use-the-package")).toEqual(["examples/main.ts"]);
  });
});
