import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { runCli } from "../executors/_processes.ts";

const root = join(import.meta.dir, "../..");

describe("weft worker", () => {
  test("--help lists every option", async () => {
    const { code, out } = await runCli(["worker", "--help"]);
    expect(code).toBe(0);
    for (const flag of ["--modules", "--redis", "--concurrency", "--queue", "--cache", "--lock-duration", "--stalled-interval", "--max-stalled", "--connect-timeout"]) {
      expect(out).toContain(flag);
    }
  });

  test("a missing option is a usage error: status 2, naming the option", async () => {
    const { code, err } = await runCli(["worker", "--modules", "flow.ts"]);
    expect(code).toBe(2);
    expect(err).toContain("required option '--redis <url>' not specified");
  });

  test("rejects a concurrency that is not a positive integer with status 2", async () => {
    const { code, err } = await runCli(["worker", "--modules", "flow.ts", "--redis", "redis://127.0.0.1:1", "--concurrency", "0"]);
    expect(code).toBe(2);
    expect(err).toContain('expected an integer of at least 1, got "0"');
  });

  test("--store, removed, fails with status 1 and names --cache", async () => {
    const { code, err } = await runCli(["worker", "--modules", "flow.ts", "--redis", "redis://127.0.0.1:1", "--store", "/mnt/weft"]);
    expect(code).toBe(1);
    expect(err).toContain("weft worker: --store was removed: large values now travel through the cache's result store; pass --cache naming the drivers' cache (withCache({ path })) instead");
  });

  test("fails with status 1 when a module cannot be imported, naming it", async () => {
    const { code, err } = await runCli(["worker", "--modules", "no-such-flow.ts", "--redis", "redis://127.0.0.1:1"]);
    expect(code).toBe(1);
    expect(err).toContain(`weft worker: Cannot import module "file://${root}/no-such-flow.ts": `);
  });
});

test("bin/weft.mjs starts the CLI on Node, from dist/", async () => {
  const proc = Bun.spawn(["node", join(root, "bin/weft.mjs"), "--help"], { cwd: root, stdout: "pipe", stderr: "pipe" });
  const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  expect(code).toBe(0);
  expect(out).toContain("worker [options]");
});
