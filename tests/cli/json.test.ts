/** `--json` on every command that prints data: one JSON document on stdout, nothing else there. */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { runCli } from "../../cli/main.ts";
import { tempDir } from "../cache/_helpers.ts";
import { testHost, weft } from "./_host.ts";

const tmp = tempDir("cli-json");
afterAll(tmp.remove);
const flow = join(import.meta.dir, "../fixtures/history-flow.ts");
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Runs `weft <args> --json` and parses all of stdout as one document. */
async function json(...args: string[]): Promise<{ code: number; doc: unknown; stderr: string }> {
  const res = await weft(tmp.dir, ...args, "--json");
  return { code: res.code, doc: JSON.parse(res.stdout), stderr: res.stderr };
}

describe("--json", () => {
  test("weft run --json prints the outputs alone and no progress", async () => {
    const res = await json("run", flow, "-o", "revenue,topCustomer", "-i", "day=2026-11-22", "--cache", "--db", "j.db");
    expect(res).toEqual({ code: 0, doc: { revenue: expect.closeTo(255.15, 6), topCustomer: "grace" }, stderr: "" });
  });

  test("weft run --json keeps what nodes print off stdout: it goes to stderr (a process of its own, as a user runs it)", async () => {
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(tmp.dir, "noisy.ts"), 'export const loud = (n: number) => { console.log("computing", n); console.info("info too"); return n * 2; };\n');
    const proc = Bun.spawn([process.execPath, join(import.meta.dir, "../../cli/weft.ts"), "run", "noisy.ts", "-o", "loud", "-i", "n=21", "--json"], { cwd: tmp.dir, stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ loud: 42 });
    expect(err).toContain("computing 21");
    expect(err).toContain("info too");
  });

  test("weft run --json that fails prints nothing on stdout and the error on stderr", async () => {
    const res = await weft(tmp.dir, "run", flow, "-o", "report", "-i", "day=x", "-i", "fail=no", "--db", "j.db", "--json");
    expect([res.code, res.stdout]).toEqual([1, ""]);
    expect(res.stderr).toStartWith('weft: Node "audit" failed');
  });

  test("weft cache ls --json lists the nodes with ISO times; an empty cache is []", async () => {
    const res = await json("cache", "ls", "--db", "j.db");
    expect(res.code).toBe(0);
    const rows = res.doc as { node: string; entries: number; bytes: number; lastUsedAt: string }[];
    expect(rows.map((r) => r.node).sort()).toEqual(["customers", "orders", "rates", "regionTotal[0]", "regionTotal[1]", "regionTotal[2]", "regions", "revenue", "topCustomer", "totals"]);
    for (const r of rows) {
      expect(r.entries).toBe(1);
      expect(r.bytes).toBeGreaterThan(0);
      expect(r.lastUsedAt).toMatch(ISO);
    }
    await weft(tmp.dir, "run", flow, "-o", "orders", "-i", "day=x", "--cache", "--db", "empty.db");
    await weft(tmp.dir, "cache", "clear", "--db", "empty.db");
    expect(await json("cache", "ls", "--db", "empty.db")).toEqual({ code: 0, doc: [], stderr: "" });
  });

  test("weft cache explain --json gives the explanation", async () => {
    const res = await json("cache", "explain", "revenue", "--db", "j.db");
    expect(res.code).toBe(0);
    expect(res.doc).toEqual({
      node: "revenue", runId: expect.stringMatching(/^[0-9a-f-]{36}$/), status: "miss", dataVersion: expect.any(String),
      message: 'miss: no cached result for "revenue" yet',
    });
  });

  test("weft cache gc --json gives the counts and the limits", async () => {
    expect(await json("cache", "gc", "--max-age", "7d", "--max-bytes", "1000000", "--db", "j.db")).toEqual({
      code: 0, doc: { results: 0, entries: 0, bytes: 0, files: 0, maxBytes: 1_000_000, maxAgeMs: 604_800_000 }, stderr: "",
    });
  });

  test("weft cache clear --json names what it cleared", async () => {
    expect(await json("cache", "clear", "orders", "rates", "--db", "j.db")).toEqual({ code: 0, doc: { cleared: ["orders", "rates"] }, stderr: "" });
    expect(await json("cache", "clear", "--db", "j.db")).toEqual({ code: 0, doc: { cleared: "all" }, stderr: "" });
  });

  test("weft ui --json prints the address as one JSON line", async () => {
    const host = testHost(tmp.dir, ["ui", "--port", "0", "--db", "j.db", "--json"]);
    const serving = runCli(host);
    for (let i = 0; i < 100 && host.out.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const printed = host.out.join("");
    expect(printed).toMatch(/^\{"url":"http:\/\/127\.0\.0\.1:\d+\/"\}\n$/);
    expect((await fetch(`${JSON.parse(printed).url}api/runs`)).status).toBe(200);
    host.interrupt();
    expect(await serving).toBe(0);
  });
});
