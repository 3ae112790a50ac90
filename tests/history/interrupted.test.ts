/** A run left "running" by a process that died reads as "interrupted". */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { openSqliteRunStore } from "../../history/open-sqlite-run-store.ts";
import { livenessFor } from "../../lib/history/liveness.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { currentProcess, pidIsAlive } from "../../runtime/shared/processes.ts";
import { tempDir } from "../cache/_helpers.ts";

const tmp = tempDir("interrupted");
afterAll(tmp.remove);

describe("interrupted runs", () => {
  test("a tracked run whose process is killed reads as interrupted, and its running nodes too", async () => {
    const path = join(tmp.dir, "weft.db");
    const child = Bun.spawn(["bun", join(import.meta.dir, "../fixtures/history-slow-run.ts"), path, "10000"], { stdout: "pipe", stderr: "inherit" });
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toContain("started");
    const open = () => {
      const opened = openSqliteRunStore(path, bunCacheDrivers, { alive: livenessFor(currentProcess(), pidIsAlive), existing: true });
      if (opened.status !== "open") throw new Error(opened.reason);
      return opened.store;
    };
    const before = open();
    expect(before.listRuns().runs.map((r) => r.status)).toEqual(["running"]);
    before.close();
    child.kill(9);
    await child.exited;
    const after = open();
    const [run] = after.listRuns().runs;
    expect(run!.status).toBe("interrupted");
    expect(after.listRuns({ status: "interrupted" }).total).toBe(1);
    expect(after.nodesOf(run!.id).map((n) => `${n.node}:${n.status}`).sort()).toEqual(["side:interrupted", "step0:interrupted"]);
    after.close();
  });
});

describe("livenessFor()", () => {
  const self = { pid: 100, host: "here" };
  test("asks the OS about a process on this host, whatever its heartbeat", () => {
    const alive = livenessFor(self, (pid) => pid === 7, { now: () => 1_000_000 });
    expect(alive({ pid: 7, host: "here", heartbeat: 0 })).toBe(true);
    expect(alive({ pid: 8, host: "here", heartbeat: 1_000_000 })).toBe(false);
    expect(alive({ pid: 100, host: "here", heartbeat: 0 })).toBe(true);
  });
  test("goes by the heartbeat for another host, or when the OS cannot be asked", () => {
    const alive = livenessFor(self, () => undefined, { now: () => 100_000, staleAfterMs: 30_000 });
    expect(alive({ pid: 7, host: "there", heartbeat: 80_000 })).toBe(true);
    expect(alive({ pid: 7, host: "there", heartbeat: 60_000 })).toBe(false);
    expect(alive({ pid: 7, host: "here", heartbeat: 60_000 })).toBe(false);
  });
  test("never asks the OS when the host name is unknown (it may be another machine)", () => {
    const alive = livenessFor({ pid: 1, host: "unknown" }, () => false, { now: () => 100_000 });
    expect(alive({ pid: 7, host: "unknown", heartbeat: 90_000 })).toBe(true);
  });
});
