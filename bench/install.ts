/**
 * The package as users install it: tarball size and file count (`npm pack`),
 * the time and size of `npm install` of the tarball into a new app (from npm's
 * cache: the registry's speed is not weft's), per kind of user, and how long
 * `weft --help` takes to start on Node and on Bun. Baselines run in the same
 * process: `npm install effect` (weft's largest dependency) for installs, and
 * the bare runtime (`node -e 0`, `bun -e 0`) for the CLI start.
 *
 *   npx bun bench/install.ts [rounds]        # rounds of each install (default 3)
 *   WEFT_BENCH_NATIVE=1 npx bun bench/install.ts   # also a Node 20 user's better-sqlite3 (a native build when no prebuilt binary downloads)
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median, spread } from "./_measure.ts";

const ROUNDS = Number(process.argv[2] ?? 3);
const repo = join(import.meta.dir, "..");
const tmp = mkdtempSync(join(tmpdir(), "weft-install-bench-"));

async function sh(cmd: string[], cwd: string): Promise<string> {
  const proc = Bun.spawn(cmd, { cwd, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${cmd.join(" ")} exited with ${code}:\n${out}\n${err}`);
  return out;
}

async function timed(cmd: string[], cwd: string): Promise<number> {
  const t = performance.now();
  await sh(cmd, cwd);
  return performance.now() - t;
}

/** A new app; `npm install <what>` into it; its time in ms, its node_modules size in MiB and package count. */
async function install(what: string[]): Promise<{ ms: number; mib: number; packages: number }> {
  const app = mkdtempSync(join(tmp, "app-"));
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  const ms = await timed(["npm", "install", "--prefer-offline", "--no-audit", "--no-fund", ...what], app);
  const kib = Number((await sh(["du", "-sk", "node_modules"], app)).split("\t")[0]);
  const lock = JSON.parse(await Bun.file(join(app, "package-lock.json")).text()) as { packages: Record<string, unknown> };
  const packages = Object.keys(lock.packages).filter((k) => k !== "").length;
  return { ms, mib: kib / 1024, packages };
}

try {
  const packed = JSON.parse(await sh(["npm", "pack", "--json", "--pack-destination", tmp], repo)) as { filename: string; size: number; unpackedSize: number; entryCount: number }[];
  const tarball = join(tmp, packed[0]!.filename);
  console.log(`tarball: ${(packed[0]!.size / 1024).toFixed(0)} KiB, ${packed[0]!.entryCount} files, ${(packed[0]!.unpackedSize / 1024 / 1024).toFixed(2)} MiB unpacked`);

  const scenarios: [string, string[]][] = [
    ["baseline: npm install effect", ["effect"]],
    ["Bun, Deno or Node >= 22.13 user: npm install weft", [tarball]],
  ];
  if (process.env.WEFT_BENCH_NATIVE) scenarios.push(["Node 20 user with the cache: npm install weft better-sqlite3", [tarball, "better-sqlite3"]]);
  for (const [name, what] of scenarios) {
    const rows = [];
    for (let i = 0; i < ROUNDS; i++) rows.push(await install(what));
    const ms = rows.map((r) => r.ms);
    console.log(`${name}: ${spread(ms.map((x) => x / 1000), 1)} s, ${median(rows.map((r) => r.mib)).toFixed(1)} MiB node_modules, ${rows[0]!.packages} packages`);
  }

  // The CLI's start, from an install of the tarball.
  const app = mkdtempSync(join(tmp, "cli-"));
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  await sh(["npm", "install", "--prefer-offline", "--no-audit", "--no-fund", tarball], app);
  const weft = join(app, "node_modules", "weft");
  const bun = Bun.which("bun") ?? join(repo, "node_modules", ".bin", "bun");
  for (const [name, cmd, baseline] of [
    ["node bin/weft.mjs --help", ["node", join(weft, "bin", "weft.mjs"), "--help"], ["node", "-e", "0"]],
    ["bun cli/weft.ts --help", [bun, join(weft, "cli", "weft.ts"), "--help"], [bun, "-e", "0"]],
  ] as const) {
    const times: number[] = [];
    const bases: number[] = [];
    for (let i = 0; i < 5 * ROUNDS; i++) {
      bases.push(await timed([...baseline], app));
      times.push(await timed([...cmd], app));
    }
    console.log(`${name}: ${spread(times, 0)} ms; bare runtime ${spread(bases, 0)} ms; ratio ${(median(times) / median(bases)).toFixed(2)}x`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
