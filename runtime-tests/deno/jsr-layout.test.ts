/**
 * weft as a JSR user gets it: the files `deno publish --dry-run` lists are copied into a Deno app made in a
 * temporary directory outside the repository, whose deno.json maps "@weft/weft" and its subpaths to that copy
 * and every npm dependency to the `npm:` specifier `deno publish` rewrites its bare imports to (served from
 * this checkout's node_modules). The app (FLOW and MAIN below) runs a flow twice with the cache, a worker node
 * and tracking in one SQLite file, then serves the web view and reads /api/runs.
 *
 * The app runs with the permissions docs/guide/runtimes.md documents, no more: read, write to its own
 * directory only, env, ffi, and net to 127.0.0.1 only (no run, no sys).
 * Run with `deno test --allow-read --allow-write --allow-env --allow-run runtime-tests/deno/`.
 */
import { deepStrictEqual, strictEqual } from "node:assert";
import { dirname, join, relative } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";

const root = fromFileUrl(new URL("../../", import.meta.url));

// The app's files, written into its directory (they import "@weft/weft", which only the app's import map resolves).
const FLOW = `/** The flow of the JSR consumer app: an async loader, a worker node, a sum. */
import { node } from "@weft/weft";

export async function numbers(count: number): Promise<number[]> {
  await new Promise((resolve) => setTimeout(resolve, 1));
  return Array.from({ length: count }, (_, i) => i + 1);
}

export const squares = node((numbers: number[]) => numbers.map((n) => n * n), { worker: true });

export function total(squares: number[]): number {
  return squares.reduce((a, b) => a + b, 0);
}
`;

const MAIN = `/**
 * A Deno app that uses weft as a JSR user would: \`@weft/weft\` from its import map, a cache and a run history
 * in one SQLite file beside it, a worker node, and the web view. It executes the flow twice: the second run hits
 * the cache.
 * Prints one JSON line for the test.
 */
import { Builder } from "@weft/weft";
import { startHistoryServer } from "@weft/weft/server";
import * as flow from "./flow.ts";

const path = new URL("./weft.db", import.meta.url).pathname;
const runs = [];
{
  await using dr = await new Builder().withModules(flow).withWorkers({ size: 1 }).withCache({ path }).withTracking().build();
  for (let i = 0; i < 2; i++) {
    const { total } = await dr.execute(["total"], { inputs: { count: 4 } });
    const [last] = dr.history!.listRuns({ limit: 1 }).runs;
    const nodes = dr.history!.nodesOf(last!.id).map((n) => \`\${n.node}: \${n.cache?.status} in \${n.executor}\`).sort();
    runs.push({ total, nodes });
  }
}
const server = await startHistoryServer({ path, port: 0 });
try {
  const listed = await (await fetch(\`\${server.url}api/runs\`)).json() as { total: number; runs: { status: string }[] };
  console.log(JSON.stringify({ runs, hostname: server.hostname, listed: { total: listed.total, statuses: listed.runs.map((r) => r.status) } }));
} finally {
  await server.close();
}
`;

/** What `deno publish` would upload, as paths relative to the repository root. */
async function publishedFiles(): Promise<string[]> {
  // --no-check: the `jsr` step of scripts/test.ts runs the full check; here only the file list matters.
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["publish", "--dry-run", "--allow-dirty", "--no-check"],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`deno publish --dry-run failed:\n${text}`);
  const listed = [...text.matchAll(/^\s+(file:\/\/\S+) \([^)]*\)$/gm)].map((m) => relative(root, fromFileUrl(m[1]!)));
  if (listed.length === 0) throw new Error(`deno publish --dry-run listed no files:\n${text}`);
  return listed.sort();
}

/** The app's import map: the package's exports onto the copy, its npm dependencies as publish rewrites them. */
function importMap(): Record<string, string> {
  const deno = JSON.parse(Deno.readTextFileSync(join(root, "deno.json"))) as { name: string; exports: Record<string, string> };
  const pkg = JSON.parse(Deno.readTextFileSync(join(root, "package.json"))) as { dependencies: Record<string, string> };
  const imports: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(deno.exports)) imports[deno.name + subpath.slice(1)] = `./weft/${target.slice(2)}`;
  for (const [name, range] of Object.entries(pkg.dependencies)) {
    imports[name] = `npm:${name}@${range}`;
    imports[`${name}/`] = `npm:/${name}@${range}/`;
  }
  return imports;
}

Deno.test("deno publish ships only the package: the entries, the source folders, README.md and LICENSE", async () => {
  const files = await publishedFiles();
  const top = new Set(files.map((f) => f.split("/")[0]!));
  deepStrictEqual(
    [...top].sort(),
    ["LICENSE", "README.md", "arrow.ts", "bullmq.ts", "cache", "cli", "compose.ts", "deno.json", "executors", "history", "lib", "mod.ts", "postgres", "postgres.ts", "runtime", "server", "sqlite", "visualize.ts"],
  );
  strictEqual(files.some((f) => /\.test\.tsx?$|(^|\/)fixtures\//.test(f)), false, "no test files");
});

Deno.test("a Deno app outside the repository runs weft from the published files: cache hits, a worker node, tracking, the web view", async () => {
  const dir = await Deno.makeTempDir({ prefix: "weft-jsr-app-" });
  try {
    for (const file of await publishedFiles()) {
      await Deno.mkdir(dirname(join(dir, "weft", file)), { recursive: true });
      await Deno.copyFile(join(root, file), join(dir, "weft", file));
    }
    await Deno.writeTextFile(join(dir, "deno.json"), JSON.stringify({ nodeModulesDir: "manual", imports: importMap() }, null, 2));
    await Deno.symlink(await Deno.realPath(join(root, "node_modules")), join(dir, "node_modules"));
    await Deno.writeTextFile(join(dir, "flow.ts"), FLOW);
    await Deno.writeTextFile(join(dir, "main.ts"), MAIN);

    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", `--allow-write=${dir}`, "--allow-env", "--allow-ffi", "--allow-net=127.0.0.1", "main.ts"],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    if (!out.success) throw new Error(`the app failed (exit ${out.code}):\n${stdout}\n${new TextDecoder().decode(out.stderr)}`);
    deepStrictEqual(JSON.parse(stdout.trim().split("\n").at(-1)!), {
      runs: [
        { total: 30, nodes: ["numbers: miss in in-process", "squares: miss in worker", "total: miss in in-process"] },
        { total: 30, nodes: ["numbers: hit in in-process", "squares: hit in worker", "total: hit in in-process"] },
      ],
      hostname: "127.0.0.1",
      listed: { total: 2, statuses: ["succeeded", "succeeded"] },
    });
    strictEqual((await Deno.stat(join(dir, "weft.db"))).isFile, true, "the SQLite file is in the app's directory");
    // A node made with node() from "@weft/weft" is fully tracked: the running weft's version is weft's own.
    strictEqual(/not fully tracked/.test(new TextDecoder().decode(out.stderr)), false, new TextDecoder().decode(out.stderr));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
