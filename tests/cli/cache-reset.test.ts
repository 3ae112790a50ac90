/**
 * `weft cache clear` on a file it cannot clear in place: not SQLite, truncated,
 * or damaged inside. The advice in every damaged-file message is run as
 * written, in a real shell, from another directory, and must leave a working
 * empty cache.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Builder, CacheError, node } from "../../mod.ts";
import { tempDir } from "../cache/_helpers.ts";
import { weft } from "./_host.ts";

const tmp = tempDir("cache-reset");
afterAll(tmp.remove);
const cli = join(import.meta.dir, "..", "..", "cli", "weft.ts");
let computed = 0;
// `label` counts its calls in a variable of this file: a manual version says its code is known.
const mod = { doubled: (x: number) => x * 2, label: node((doubled: number) => (computed++, `value ${doubled} `.repeat(200)), { version: "1" }) };

/** Runs the flow through a cache at `path`; returns whether `label` was a hit and the warnings. */
async function runFlow(path: string): Promise<{ hit: boolean; warnings: string[] }> {
  const warnings: string[] = [];
  const before = computed;
  await using dr = await new Builder().withModules(mod).withCache({ path }).withWarnings((w) => void warnings.push(w.message)).build();
  expect(await dr.execute(["label"], { inputs: { x: 21 } })).toEqual({ label: "value 42 ".repeat(200) });
  return { hit: computed === before, warnings };
}

/** The command a message advises, run as written by a shell in another directory. */
function runAdvice(message: string): { code: number; stdout: string; stderr: string } {
  const command = /run "(weft cache clear --db .+)" to start an empty cache$/.exec(message.trim())?.[1];
  expect(command).toBeDefined();
  const elsewhere = join(tmp.dir, "elsewhere");
  mkdirSync(elsewhere, { recursive: true });
  const p = Bun.spawnSync(["sh", "-c", `weft() { "${process.execPath}" "${cli}" "$@"; }; ${command}`], { cwd: elsewhere });
  return { code: p.exitCode, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

/** A cache with a few hundred entries at `path`, closed. */
async function populated(path: string): Promise<void> {
  mkdirSync(join(path, ".."), { recursive: true });
  const many: Record<string, (x: number) => string> = {};
  for (let i = 0; i < 300; i++) many[`n${i}`] = new Function("x", `return "${i} ".repeat(100) + x`) as (x: number) => string;
  await using dr = await new Builder().withModules(many).withCache({ path }).build();
  await dr.execute(Object.keys(many), { inputs: { x: 1 } });
}

describe("weft cache clear on a file it cannot clear in place", () => {
  test("a file that is not SQLite: the advice of weft cache ls, run as written, starts an empty cache", async () => {
    const dir = join(tmp.dir, "it's a dir");
    mkdirSync(dir);
    const path = join(dir, "weft.db");
    writeFileSync(path, "this is a text file, not a cache\n".repeat(10));
    const ls = await weft(dir, "cache", "ls", "--db", "weft.db");
    expect(ls.code).toBe(1);
    expect(ls.stderr).toStartWith(`weft: Cannot open the cache "${path}": the file is not a SQLite database; delete "${path}"`);
    const advice = runAdvice(ls.stderr);
    expect(advice).toEqual({
      code: 0,
      stdout: `Cleared the cache: "${path}" could not be cleared in place (the file is not a SQLite database), so it was started anew, without its run history\n`,
      stderr: "",
    });
    expect(await weft(dir, "cache", "ls", "--db", "weft.db")).toEqual({ code: 0, stdout: "The cache is empty.\n", stderr: "" });
    expect(await runFlow(path)).toEqual({ hit: false, warnings: [] });
    expect(await runFlow(path)).toEqual({ hit: true, warnings: [] });
  });

  test("a truncated database: build() names it, and its advice run as written starts an empty cache", async () => {
    const path = join(tmp.dir, "truncated", "weft.db");
    await populated(path);
    truncateSync(path, Math.floor(statSync(path).size / 2));
    const error = await runFlow(path).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CacheError);
    expect(runAdvice((error as Error).message)).toMatchObject({ code: 0, stderr: "" });
    expect(await runFlow(path)).toEqual({ hit: false, warnings: [] });
    expect(await runFlow(path)).toEqual({ hit: true, warnings: [] });
  });

  test("a database damaged inside (its header intact): clear starts it anew; clearing named nodes says how", async () => {
    const path = join(tmp.dir, "damaged", "weft.db");
    await populated(path);
    const bytes = readFileSync(path);
    // Every page after the schema's is overwritten: the header and the schema still read.
    for (let at = 4096 * 4; at < bytes.length; at++) bytes[at] = 0x5a;
    writeFileSync(path, bytes);
    const named = await weft(tmp.dir, "cache", "clear", "n1", "--db", path);
    expect(named.code).toBe(1);
    expect(named.stderr).toContain("the file is damaged");
    expect(named.stderr.trim()).toEndWith(`run "weft cache clear --db ${path}" to start an empty cache`);
    const all = runAdvice(named.stderr);
    expect(all.code).toBe(0);
    expect(all.stdout).toStartWith(`Cleared the cache: "${path}" could not be cleared in place (`);
    expect(await runFlow(path)).toEqual({ hit: false, warnings: [] });
    expect(await runFlow(path)).toEqual({ hit: true, warnings: [] });
  });
});
