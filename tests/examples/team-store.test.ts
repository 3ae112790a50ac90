import { expect, test } from "bun:test";
import { join } from "node:path";

const root = join(import.meta.dir, "../..");

test("examples/team-store: a second machine reuses what the first computed, and the history holds both runs", async () => {
  const env: Record<string, string | undefined> = { ...process.env, POSTGRES_URL: undefined };
  const proc = Bun.spawn([process.execPath, "examples/team-store/main.ts"], { cwd: root, env, stdout: "pipe", stderr: "pipe", timeout: 90_000 });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  expect({ code, err: code === 0 ? "" : err }).toEqual({ code: 0, err: "" });
  expect(out).toMatch(/^alice: mean 110\.03, max 120; computed \[prices, summary\], from the team store \[\]\nbob: mean 110\.03, max 120; computed \[\], from the team store \[prices, summary\]\nthe team's history: 2 runs, from hosts \S+\n$/);
}, 90_000);
