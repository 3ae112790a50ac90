/**
 * Runs every ```ts block of the README as a script from the repository root,
 * so the documented examples keep running as written.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const written: string[] = [];

/** Bun's console format without layout: no whitespace, no trailing commas. */
function normalize(text: string): string {
  return text.replace(/\s+/g, "").replace(/,([}\]])/g, "$1");
}

afterAll(() => {
  for (const f of written) rmSync(f, { force: true });
});

describe("README", () => {
  test("has TypeScript examples", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
  });

  blocks.forEach((code, i) => {
    const title = code.split("\n").find((l) => l.trim() !== "")!.slice(0, 60);
    test(`example ${i + 1} runs as written (${title})`, async () => {
      const file = join(root, `.readme-example-${i + 1}.ts`);
      written.push(file);
      writeFileSync(file, code);
      const proc = Bun.spawn([process.execPath, file], { cwd: root, stdout: "pipe", stderr: "pipe" });
      const [out, err, code_] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      expect({ exit: code_, err: code_ === 0 ? "" : err }).toEqual({ exit: 0, err: "" });
      // `console.log(x); // value` documents what is printed: check each, in order.
      const expected = [...code.matchAll(/console\.log\(.*\);[ ]*\/\/ (.+)$/gm)].map((m) => normalize(m[1]!));
      let printed = normalize(out);
      for (const value of expected) {
        expect(printed).toContain(value);
        printed = printed.slice(printed.indexOf(value) + value.length);
      }
    });
  });
});
