/** Every example runs as documented in the README (from the repository root, with Bun). */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dir, "..");

async function run(file: string, cwd = root): Promise<string> {
  const proc = Bun.spawn([process.execPath, join(root, file)], { cwd, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${file} exited with ${code}: ${err}`);
  return out;
}

describe("examples", () => {
  test("quickstart prints the report and the concurrency gain", async () => {
    const out = await run("examples/quickstart/main.ts");
    expect(out).toContain("3 orders, revenue €228.00");
    expect(out).toMatch(/weft: \d+ ms; the async nodes one after another: \d+ ms/);
  });

  test("cpu-workers computes pi on worker threads", async () => {
    expect(await run("examples/cpu-workers/main.ts")).toMatch(/pi ≈ 3\.14\d+ \(same on the main thread: true\)/);
  }, 30_000);

  test("map-reduce counts the words of 200 files", async () => {
    const out = await run("examples/map-reduce/main.ts");
    expect(out).toContain("counted 400000 words in 200 files");
    expect(out).toMatch(/^weft\s+\d+$/m);
  }, 30_000);

  test("modifiers runs its marketing-spend flow", async () => {
    const out = await run("examples/modifiers/main.ts");
    expect(out).toContain("eu: spend 6120, revenue 16415, ROI 2.68");
    expect(out).toContain("spend nodes: searchSpend, socialSpend, tvSpend");
  }, 30_000);

  test("notebook computes everything once, then reuses it all from the cache", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "weft-notebook-"));
    try {
      const first = await run("examples/notebook/run.ts", cwd);
      expect(first).toContain("best region: west (2218)");
      expect(first.match(/computed/g)).toHaveLength(4);
      const second = await run("examples/notebook/run.ts", cwd);
      expect(second.match(/from cache/g)).toHaveLength(4);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 30_000);
});
