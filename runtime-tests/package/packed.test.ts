/**
 * The package as its users install it: `npm pack` (which builds dist/), the
 * tarball installed into a new app outside the repository, and a real flow
 * run there on Node, Bun and Deno, the CLI on Node with no Bun on PATH, and
 * tsc on the app's typed driver. Run by `npm test` (step "package").
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const repo = join(import.meta.dir, "..", "..");
const STEP_MS = 240_000;
let tmp = "";
let app = "";
let tarball = "";
let pack: { filename: string; size: number; unpackedSize: number; entryCount: number; files: { path: string }[] };

function tool(name: string): string {
  const found = Bun.which(name) ?? Bun.which(name, { PATH: join(repo, "node_modules", ".bin") });
  if (!found) throw new Error(`${name} is not on PATH`);
  return found;
}

/** Runs `cmd` in `cwd`; resolves to its output, or fails with it. */
async function run(cmd: string[], options: { cwd?: string; env?: Record<string, string | undefined>; expectExit?: number } = {}) {
  const proc = Bun.spawn(cmd, { cwd: options.cwd ?? app, env: options.env ?? process.env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exit] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (exit !== (options.expectExit ?? 0)) {
    throw new Error(`${cmd.join(" ")} exited with ${exit} (expected ${options.expectExit ?? 0}):\n${stdout}\n${stderr}`);
  }
  return { stdout, stderr };
}

/** Links a package of the repository's node_modules into the app (peers the app would install itself). */
function linkPeer(name: string): void {
  const target = join(app, "node_modules", name);
  mkdirSync(dirname(target), { recursive: true });
  if (!existsSync(target)) symlinkSync(join(repo, "node_modules", name), target, "dir");
}

function hasDir(root: string, name: string): boolean {
  return existsSync(join(root, "node_modules", name));
}

/** Directories under `root` that hold a natively built addon (node-gyp's build/Release). */
function nativeBuilds(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 6) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.isSymbolicLink()) continue;
      const path = join(dir, entry.name);
      if (entry.name === "Release" && dir.endsWith("build")) found.push(path);
      else walk(path, depth + 1);
    }
  };
  walk(join(root, "node_modules"), 0);
  return found;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "weft-packed-"));
  const packed = await run([tool("npm"), "pack", "--json", "--pack-destination", tmp], { cwd: repo });
  pack = (JSON.parse(packed.stdout.slice(packed.stdout.indexOf("["))) as (typeof pack)[])[0]!;
  tarball = join(tmp, pack.filename);
  app = join(tmp, "app");
  cpSync(join(import.meta.dir, "app"), app, { recursive: true });
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "weft-packed-app", private: true, type: "module" }, null, 2));
  const started = performance.now();
  await run([tool("npm"), "install", "--no-audit", "--no-fund", "--prefer-offline", tarball]);
  console.log(`packed: ${(pack.size / 1024).toFixed(0)} KiB tarball, ${pack.entryCount} files, ${(pack.unpackedSize / 1024 / 1024).toFixed(1)} MiB unpacked; npm install of it took ${((performance.now() - started) / 1000).toFixed(1)} s`);
}, STEP_MS);

// Removing an installed app's node_modules takes seconds on a loaded machine: more than a hook's default 5 s.
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}, STEP_MS);

describe("the packed package", () => {
  test("ships dist/ for every runtime, the sources Bun runs, and no tests", () => {
    const files = new Set(pack.files.map((f) => f.path));
    const required = ["dist/mod.js", "dist/mod.d.ts", "dist/cli/weft.js", "dist/server/start-server.js", "dist/runtime/node/platform.js", "dist/runtime/node/typescript-hooks.js", "dist/runtime/deno/platform.js", "dist/runtime/deno/worker.js", "dist/runtime/bun/platform.js", "mod.ts", "cli/weft.ts", "bin/weft.mjs", "LICENSE", "README.md"];
    expect(required.filter((file) => !files.has(file))).toEqual([]);
    expect([...files].filter((f) => /(^|\/)(tests|bench|runtime-tests|scripts)\/|\.test\.ts$/.test(f))).toEqual([]);
  });

  test("installs without the optional peers: no SQLite driver, Redis client, Graphviz, Arrow or PostgreSQL client, and nothing built natively", () => {
    expect(["better-sqlite3", "bullmq", "ioredis", "@viz-js/viz", "apache-arrow", "postgres"].filter((peer) => hasDir(app, peer))).toEqual([]);
    expect(nativeBuilds(app)).toEqual([]);
  });

  test("tells a Node 20 user which package the cache needs", async () => {
    const script = `import { Builder } from "weft";
const dr = await new Builder().withModules({ a: (x) => x + 1 }).withCache({ path: process.argv[1] + "/weft.db" }).build();
await dr.execute(["a"], { inputs: { x: 1 } });`;
    const { stderr } = await run(["node", "--input-type=module", "-e", script, tmp], { expectExit: 1 });
    expect(stderr).toMatch(/"better-sqlite3" is not installed; run "npm install better-sqlite3", or use Node 22\.13 or later/);
  });

  test("tells a Node 20 user of the CLI which package a TypeScript flow needs", async () => {
    const node = (await run(["node", "--version"])).stdout.trim();
    if (!/^v20\./.test(node)) return; // Node 22.18 and later remove types themselves: nothing to install
    const { stderr } = await run(["node", join(app, "node_modules", ".bin", "weft"), "run", "flow.ts", "--outputs", "label", "--input", "count=3"], { expectExit: 1 });
    expect(stderr).toContain(`Cannot import the TypeScript module "${join(app, "flow.ts")}" on Node ${node}: "oxc-transform" is not installed; run "npm install oxc-transform"`);
  });
});

describe("a flow from the installed package", () => {
  beforeAll(() => {
    for (const peer of ["better-sqlite3", "oxc-transform", "@types/node"]) linkPeer(peer);
  });

  for (const [runtime, cmd] of [
    ["Node", ["node", "run.mjs"]],
    ["Bun", [tool("bun"), "run.mjs"]],
    ["Deno", [tool("deno"), "run", "-A", "run.mjs"]],
  ] as const) {
    test(`runs on ${runtime}: sync, async, destructured, worker and map/reduce nodes, a cached re-run, tracking and the web view`, async () => {
      const dir = join(tmp, `db-${runtime}`);
      mkdirSync(dir);
      const { stdout } = await run([...cmd, dir]);
      const out = JSON.parse(stdout.trim().split("\n").at(-1)!) as { runs: { result: Record<string, unknown>; explain: Record<string, string> }[]; history: { total: number; statuses: string[] } };
      for (const r of out.runs) expect(r.result).toEqual({ total: 21, squares: [1, 4, 9, 16], cubes: 100 });
      for (const message of Object.values(out.runs[0]!.explain)) expect(message).toMatch(/^miss/);
      for (const message of Object.values(out.runs[1]!.explain)) expect(message).toMatch(/^hit/);
      expect(out.history).toEqual({ total: 2, statuses: ["succeeded", "succeeded"] });
      expect(statSync(join(dir, "weft.db")).size).toBeGreaterThan(0);
    }, STEP_MS);
  }

  test("tsc checks the app's driver against the installed declarations", async () => {
    await run([tool("tsc"), "-p", "tsconfig.json"]);
  }, STEP_MS);

  for (const [runtime, weft] of [
    ["Bun", [tool("bun"), "x", "--bun", "weft"]],
    ["Deno", [tool("deno"), "run", "-A", "npm:weft"]],
  ] as const) {
    test(`the CLI runs on ${runtime} from the install: --version, run (a TypeScript flow with a worker node)`, async () => {
      expect((await run([...weft, "--version"])).stdout.trim()).toBe("0.1.0");
      const db = join(tmp, `cli-${runtime}.db`);
      const { stdout } = await run([...weft, "run", "flow.ts", "--outputs", "label,heavy", "--input", "count=4", "--db", db, "--json"]);
      const outputs = JSON.parse(stdout) as { label: string; heavy: { value: number } };
      expect(outputs).toMatchObject({ label: "10 items", heavy: { value: 100 } });
    }, STEP_MS);
  }

  test("the CLI runs on Node with no Bun on PATH: --version, run (a TypeScript flow), a cached re-run, ui", async () => {
    const bin = join(tmp, "bin");
    mkdirSync(bin, { recursive: true });
    if (!existsSync(join(bin, "node"))) symlinkSync(tool("node"), join(bin, "node"));
    const env = { ...process.env, PATH: bin, WEFT_BUN: undefined, FORCE_COLOR: "0", NO_COLOR: "1" };
    expect(Bun.which("bun", { PATH: env.PATH })).toBeNull();
    const weft = join(app, "node_modules", ".bin", "weft");
    expect((await run([weft, "--version"], { env })).stdout.trim()).toBe("0.1.0");
    for (let i = 0; i < 2; i++) {
      const { stdout, stderr } = await run([weft, "run", "flow.ts", "--outputs", "label,heavy", "--input", "count=3", "--cache"], { env });
      const outputs = JSON.parse(stdout) as { label: string; heavy: { value: number; thread: number } };
      expect(outputs.label).toBe("6 items");
      expect(outputs.heavy.value).toBe(60);
      expect(outputs.heavy.thread).toBeGreaterThan(0);
      if (i === 1) expect(stderr).toMatch(/label.*(from cache|hit)/);
    }
    const ui = Bun.spawn([weft, "ui", "--port", "0", "--db", ".weft/weft.db"], { cwd: app, env, stdout: "pipe", stderr: "pipe" });
    try {
      const reader = ui.stdout.getReader();
      let text = "";
      while (!/http:\/\/\S+\//.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`weft ui ended before serving: ${text}${await new Response(ui.stderr).text()}`);
        text += new TextDecoder().decode(value);
      }
      const url = text.match(/http:\/\/\S+\//)![0];
      const list = (await (await fetch(`${url}api/runs`)).json()) as { total: number; runs: { status: string }[] };
      expect(list.total).toBe(2);
      expect(list.runs.map((r) => r.status)).toEqual(["succeeded", "succeeded"]);
    } finally {
      ui.kill("SIGINT");
      expect(await ui.exited).toBe(0);
    }
  }, STEP_MS);
});
