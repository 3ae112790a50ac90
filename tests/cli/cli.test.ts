/** The weft CLI, driven through runCli() with a test host, on real files. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openSqliteRunStore } from "../../history/open-sqlite-run-store.ts";
import { runCli } from "../../cli/main.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { tempDir } from "../cache/_helpers.ts";
import { testHost, weft } from "./_host.ts";

const tmp = tempDir("cli");
const flow = join(import.meta.dir, "../fixtures/history-flow.ts");
beforeAll(() => copyFileSync(flow, join(tmp.dir, "sales.ts")));
afterAll(tmp.remove);

// The copied module imports "../../mod.ts": run it from its fixture folder, by absolute path.
const cwd = () => tmp.dir;

describe("weft run", () => {
  test("prints the outputs as JSON, records the run, and reuses the cache with --cache", async () => {
    const first = await weft(cwd(), "run", flow, "--outputs", "report,revenue", "--inputs", "day=2026-11-22", "--cache");
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ report: "revenue 255.15, top customer grace, audited 255.15", revenue: expect.closeTo(255.15, 6) });
    expect(first.stderr).toMatch(/^weft: run [0-9a-f-]{36}: 10 nodes$/m);
    expect(first.stderr).toContain('weft: orders done in');
    const second = await weft(cwd(), "run", flow, "-o", "report", "-i", "day=2026-11-22", "--cache");
    expect(second.stderr).toContain("weft: orders done in");
    expect(second.stderr).toContain("(cache hit)");
    expect(existsSync(join(tmp.dir, ".weft/weft.db"))).toBe(true);
  });

  test("reads --inputs-file, and --inputs values as JSON when they parse", async () => {
    writeFileSync(join(tmp.dir, "inputs.json"), JSON.stringify({ day: "2026-01-01", slowMs: 1 }));
    const res = await weft(cwd(), "run", flow, "-o", "orders", "--inputs-file", "inputs.json", "-i", "slowMs=2", "--db", "other.db");
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).orders[0]).toMatchObject({ id: 1, day: "2026-01-01" });
  });

  test("a failing run exits 1 with the error in words and says the run is recorded", async () => {
    const res = await weft(cwd(), "run", flow, "-o", "report", "-i", "day=2026-11-22", "-i", "fail=audit refused");
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/weft: Node "audit" failed \(needed by "report"\): audit refused; run [0-9a-f-]{36} is recorded, see it with weft ui --db \.weft\/weft\.db\n$/);
    expect(res.stderr).not.toContain("    at ");
  });

  test("Ctrl-C cancels the run, which is recorded as cancelled, and exits 130", async () => {
    const host = testHost(cwd(), ["run", flow, "-o", "report", "-i", "day=x", "-i", "slowMs=5000", "--db", "cancel.db"]);
    const running = runCli(host);
    for (let i = 0; i < 200 && !/: 10 nodes/.test(host.err.join("")); i++) await new Promise((r) => setTimeout(r, 10));
    host.interrupt();
    expect(await running).toBe(130);
    expect(host.err.join("")).toContain("weft: Interrupted (Ctrl-C); run ");
    const history = openSqliteRunStore(join(tmp.dir, "cancel.db"), bunCacheDrivers, { alive: () => true, existing: true });
    if (history.status !== "open") throw new Error(history.reason);
    expect(history.store.listRuns().runs.map((r) => r.status)).toEqual(["cancelled"]);
    history.store.close();
  });

  test("a missing module and a missing --outputs are usage errors: exit 2 with the reason", async () => {
    const missing = await weft(cwd(), "run", "nope.ts", "-o", "a");
    expect([missing.code, missing.stderr]).toEqual([2, `weft: Cannot load the module "nope.ts": there is no such file in ${tmp.dir}; pass the path of a module whose exported functions are the nodes\n`]);
    const noOutputs = await weft(cwd(), "run", flow);
    expect(noOutputs.code).toBe(2);
    expect(noOutputs.stderr).toContain("required option '-o, --outputs <names>' not specified");
  });
});

describe("weft cache", () => {
  test("ls, explain, clear and gc work on the database", async () => {
    await weft(cwd(), "run", flow, "-o", "report", "-i", "day=2026-11-22", "--cache", "--db", "c.db");
    const ls = await weft(cwd(), "cache", "ls", "--db", "c.db");
    expect(ls.stdout).toMatch(/^node\s+entries\s+bytes\s+last used$/m);
    expect(ls.stdout).toMatch(/^orders\s+1\s+\d+ B\s+\d{4}-/m);
    await weft(cwd(), "run", flow, "-o", "report", "-i", "day=2026-11-23", "--cache", "--db", "c.db");
    const explain = await weft(cwd(), "cache", "explain", "orders", "--db", "c.db");
    expect(explain.stdout).toMatch(/^orders in run [0-9a-f-]{36}: miss: input "day" changed/);
    expect((await weft(cwd(), "cache", "clear", "orders", "--db", "c.db")).stdout).toBe('Cleared "orders"\n');
    expect((await weft(cwd(), "cache", "ls", "--db", "c.db")).stdout).not.toMatch(/^orders /m);
    expect((await weft(cwd(), "cache", "gc", "--max-age", "0ms", "--db", "c.db")).stdout).toMatch(/^Removed \d+ results/);
    expect((await weft(cwd(), "cache", "gc", "--max-age", "soon", "--db", "c.db")).stderr).toContain('Option "--max-age" must be a duration');
  });

  test("gc says the age in human units", async () => {
    await weft(cwd(), "run", flow, "-o", "revenue", "-i", "day=2026-11-22", "--cache", "--db", "gc.db");
    const week = await weft(cwd(), "cache", "gc", "--max-age", "7d", "--db", "gc.db");
    expect(week).toEqual({ code: 0, stdout: "Removed 0 results (0 B), 0 entries, 0 files unused for 7 d\n", stderr: "" });
    expect((await weft(cwd(), "cache", "gc", "--max-age", "90m", "--db", "gc.db")).stdout).toEndWith(" unused for 1 h 30 min\n");
  });

  test("a missing or damaged database is a clear message, not a stack trace", async () => {
    const missing = await weft(cwd(), "cache", "ls", "--db", "none.db");
    expect([missing.code, missing.stderr]).toEqual([1, `weft: There is no cache at "${join(tmp.dir, "none.db")}": run a flow with withCache() or "weft run --cache" first, or pass the database with --db\n`]);
    expect(existsSync(join(tmp.dir, "none.db"))).toBe(false);
    writeFileSync(join(tmp.dir, "junk.db"), "junk ".repeat(50));
    const damaged = await weft(cwd(), "cache", "explain", "x", "--db", "junk.db");
    expect(damaged.stderr).toStartWith(`weft: Cannot open the cache "${join(tmp.dir, "junk.db")}": the file is not a SQLite database; delete "${join(tmp.dir, "junk.db")}"`);
  });
});

describe("weft ui", () => {
  test("a missing or damaged database exits 1 with the reason", async () => {
    const missing = await weft(cwd(), "ui", "--db", "none.db", "--port", "0");
    expect([missing.code, missing.stderr]).toEqual([1, `weft: There is no run history at "${join(tmp.dir, "none.db")}": run a flow with withTracking() or "weft run" first, or pass the database with --db\n`]);
    const damaged = await weft(cwd(), "ui", "--db", "junk.db", "--port", "0");
    expect(damaged.stderr).toStartWith(`weft: Cannot open the run history "${join(tmp.dir, "junk.db")}": the file is not a SQLite database`);
  });

  test("serves the history until interrupted", async () => {
    const host = testHost(cwd(), ["ui", "--port", "0"]);
    const serving = runCli(host);
    let url: string | undefined;
    for (let i = 0; i < 100 && url === undefined; i++) {
      await new Promise((r) => setTimeout(r, 20));
      url = /run history at (http:\S+)/.exec(host.out.join(""))?.[1];
    }
    expect((await (await fetch(`${url}api/runs`)).json()).total).toBeGreaterThan(0);
    host.interrupt();
    expect(await serving).toBe(0);
  });

  test("--allow-run prints the URL with the session token on stderr, and the server then takes re-run POSTs", async () => {
    const host = testHost(cwd(), ["ui", "--port", "0", "--allow-run"]);
    const serving = runCli(host);
    let printed: RegExpExecArray | null = null;
    for (let i = 0; i < 200 && printed === null; i++) {
      await new Promise((r) => setTimeout(r, 20));
      printed = /^weft: re-runs are allowed: open (http:\/\/127\.0\.0\.1:\d+\/)\?token=([0-9a-f]{64}) to re-run from this browser; the token is required on every POST, and anyone who has it can run this database's flows on this machine$/m.exec(host.err.join(""));
    }
    try {
      expect(printed).not.toBeNull();
      const [, url, token] = printed!;
      const post = (headers: Record<string, string>) => fetch(`${url}runs/nope/rerun`, { method: "POST", headers: { origin: url!.slice(0, -1), ...headers } });
      expect((await post({})).status).toBe(403);
      // The right token gets past the checks, to the run it names.
      expect((await post({ "x-weft-token": token! })).status).toBe(404);
    } finally {
      host.interrupt();
      expect(await serving).toBe(0);
    }
  });

  test("--allow-host adds the names it answers to when bound to 0.0.0.0; others are 403", async () => {
    const host = testHost(cwd(), ["ui", "--port", "0", "--host", "0.0.0.0", "--allow-host", "box.lan", "--allow-host", "other.lan:9"]);
    const serving = runCli(host);
    let port: string | undefined;
    for (let i = 0; i < 100 && port === undefined; i++) {
      await new Promise((r) => setTimeout(r, 20));
      port = /run history at http:\/\/0\.0\.0\.0:(\d+)\//.exec(host.out.join(""))?.[1];
    }
    const statusOf = async (name: string) => (await fetch(`http://127.0.0.1:${port}/api/runs`, { headers: { host: name } })).status;
    try {
      expect(await statusOf(`box.lan:${port}`)).toBe(200);
      expect(await statusOf("other.lan:9")).toBe(200);
      expect(await statusOf(`other.lan:${port}`)).toBe(403);
      expect(await statusOf(`attacker.example:${port}`)).toBe(403);
      expect(await statusOf(`localhost:${port}`)).toBe(200);
    } finally {
      host.interrupt();
      expect(await serving).toBe(0);
    }
  });

  test("--allow-host with something that is not a host name exits 2", async () => {
    expect(await weft(cwd(), "ui", "--port", "0", "--allow-host", "127.0.0.1@evil.com")).toEqual({
      code: 2, stdout: "", stderr: 'weft: Option "--allow-host" must be a host name, optionally with ":port", got "127.0.0.1@evil.com"\n',
    });
  });
});

describe("weft viz", () => {
  test("draws DOT, Mermaid and SVG without running anything", async () => {
    const dot = await weft(cwd(), "viz", flow, "-o", "report", "-f", "dot");
    expect(dot.stdout).toStartWith("digraph weft {");
    expect((await weft(cwd(), "viz", flow, "-o", "report", "-f", "mermaid")).stdout).toStartWith("flowchart LR");
    await weft(cwd(), "viz", flow, "-o", "report", "--out", "flow.svg");
    expect(readFileSync(join(tmp.dir, "flow.svg"), "utf8")).toContain("<svg");
    expect(await weft(cwd(), "viz", flow, "-o", "report", "-f", "png")).toEqual({ code: 2, stdout: "", stderr: 'weft: Unknown format "png": use "svg", "dot", "mermaid"\n' });
  });
});

describe("weft exit codes", () => {
  test("a wrong command line exits 2: unknown command or option, bad option values", async () => {
    for (const args of [["nope"], ["run", flow, "-o", "report", "--frobnicate"], ["ui", "--port", "99999"], ["cache", "gc", "--max-bytes", "-1"], ["cache", "gc", "--max-age", "soon"], ["cache"]]) {
      const res = await weft(cwd(), ...args);
      expect([args, res.code, res.stdout]).toEqual([args, 2, ""]);
      expect(res.stderr).not.toBe("");
    }
  });

  test("a command that fails for another reason exits 1", async () => {
    expect((await weft(cwd(), "cache", "ls", "--db", "none.db")).code).toBe(1);
  });
});

describe("weft --help", () => {
  test("every command and subcommand has help", async () => {
    for (const args of [["--help"], ["run", "--help"], ["ui", "--help"], ["cache", "--help"], ["cache", "explain", "--help"], ["cache", "gc", "--help"], ["viz", "--help"], ["watch", "--help"]]) {
      const res = await weft(cwd(), ...args);
      expect(res.code).toBe(0);
      expect(res.stdout).toStartWith("Usage: weft");
    }
  });
});
