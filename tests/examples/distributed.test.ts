import { expect, test } from "bun:test";
import { join } from "node:path";

const root = join(import.meta.dir, "../..");

test("examples/distributed runs a map/reduce over three weft worker processes", async () => {
  const env: Record<string, string | undefined> = { ...process.env, REDIS_URL: undefined };
  const proc = Bun.spawn([process.execPath, "examples/distributed/main.ts"], { cwd: root, env, stdout: "pipe", stderr: "pipe", timeout: 30_000 });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  expect({ code, err: code === 0 ? "" : err }).toEqual({ code: 0, err: "" });
  expect(out).toMatch(/^3 workers on redis:\/\/127\.0\.0\.1:\d+\npi ~ 3\.14\d\d from 12 chunks in \d+ ms\n/);
  // Every worker process took part, and the chunk counts add up.
  const chunks = [...out.matchAll(/^worker process \d+: (\d+) chunks$/gm)].map((m) => Number(m[1]));
  expect(chunks.length).toBe(3);
  expect(chunks.reduce((a, b) => a + b, 0)).toBe(12);
}, 30_000);
