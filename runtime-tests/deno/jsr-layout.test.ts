/**
 * weft as a JSR user gets it: the files `deno publish --dry-run` lists are copied into a Deno app made in a
 * temporary directory outside the repository, whose deno.json maps "@weft/weft" and its subpaths to that copy
 * and every npm dependency to the `npm:` specifier `deno publish` rewrites its bare imports to (served from
 * this checkout's node_modules). The app (fixtures/jsr-app/) runs a flow twice with the cache, a worker node
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
const app = fromFileUrl(new URL("./fixtures/jsr-app/", import.meta.url));

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
    ["LICENSE", "README.md", "bullmq.ts", "cache", "cli", "compose.ts", "deno.json", "executors", "history", "lib", "mod.ts", "runtime", "server", "sqlite", "visualize.ts"],
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
    for (const file of ["main.ts", "flow.ts"]) await Deno.copyFile(join(app, file), join(dir, file));

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
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
