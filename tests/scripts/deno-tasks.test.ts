/**
 * The deno.json tasks work in a checkout after `npm install`, where a task's bare `deno` would resolve to
 * node_modules/.bin/deno (npm's native binary, which `deno task` starts as a JavaScript file and fails on):
 * each task is run as a user runs it, with `npx deno task <name>`.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "../..");
const tasks = (JSON.parse(readFileSync(join(root, "deno.json"), "utf8")) as { tasks: Record<string, string> }).tasks;

async function task(...args: string[]): Promise<{ code: number; out: string }> {
  // Deno colours its output whenever FORCE_COLOR is set, even to 0 (npm test sets it so): leave it out, and strip colours anyway.
  const { FORCE_COLOR: _, ...env } = process.env;
  const proc = Bun.spawn(["npx", "deno", "task", ...args], { cwd: root, stdout: "pipe", stderr: "pipe", env: { ...env, NO_COLOR: "1" } });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { code: await proc.exited, out: (out + err).replace(/\x1b\[[0-9;]*m/g, "") };
}

// A cold `deno check` of the entries takes about 30 s on this 2-core machine (10 s warm): 90 s is room, not a measurement.
const SLOW = 90_000;

describe("deno.json tasks", () => {
  test("deno task check type-checks the entries and exits 0", async () => {
    const { code, out } = await task("check");
    expect(out).toContain("Check mod.ts");
    expect(code).toBe(0);
  }, SLOW);

  test("deno task demo runs the quick start and prints its report", async () => {
    const { code, out } = await task("demo");
    expect(out).toContain("3 orders, revenue €228.00");
    expect(out).toContain("revenueEur = 228");
    expect(code).toBe(0);
  }, SLOW);

  test("deno task test runs the Deno suite with the permissions it needs (the web view's loopback port)", async () => {
    const { code, out } = await task("test", "--filter", "withTracking() records a run on Deno");
    expect(out).toMatch(/ok \| 1 passed \| 0 failed/);
    expect(code).toBe(0);
  }, SLOW);

  test("deno task test takes the flags of the deno step of scripts/test.ts", () => {
    const source = readFileSync(join(root, "scripts/test.ts"), "utf8");
    const step = source.match(/name: "deno", cmd: (\[[^\]]*\])/);
    expect(step).not.toBeNull();
    const [, ...args] = JSON.parse(step![1]!) as string[];
    expect(tasks.test!.split(" ").slice(1)).toEqual(args);
  });
});
