/**
 * `npm test`: every check the project has, in order; every step runs even
 * after one fails, then one summary of the failed steps and one line with the
 * test counts of all runners.
 *
 *   bun scripts/test.ts            # everything
 *   bun scripts/test.ts bun deno   # only the named steps
 */
import { readdirSync } from "node:fs";

const steps: { name: string; cmd: string[]; counts?: (out: string) => [number, number] }[] = [
  // First: dist/ for Node and Deno (tsconfig.build.json checked with Node's types; the Bun and Deno adapters emitted
  // unchecked), which bin/weft.mjs runs on Node, so the CLI tests that start `weft` under Node need it.
  { name: "build", cmd: ["npm", "run", "build"] },
  { name: "bun", cmd: ["bun", "test"], counts: (o) => [num(o, /^\s*(\d+) pass$/m), num(o, /^\s*(\d+) fail$/m)] },
  { name: "types", cmd: ["tsc", "-p", "."] },
  { name: "deno-check", cmd: ["deno", "check", "mod.ts", "bullmq.ts", "visualize.ts", "arrow.ts", "postgres.ts", "examples/", "runtime/deno/"] },
  // The cache suite writes a cache in a temporary directory and runs Bun to write one: read, write, run;
  // the history suite serves the web view on a loopback port: net; code versions load oxc-parser's native addon: ffi.
  { name: "deno", cmd: ["deno", "test", "--allow-read", "--allow-write", "--allow-env", "--allow-run", "--allow-ffi", "--allow-net=127.0.0.1", "runtime-tests/deno/"], counts: (o) => [num(o, /(\d+) passed/), num(o, /(\d+) failed/)] },
  // What JSR would receive: fails on any publish error (a slow type in the public API, a missing license, a module
  // that does not resolve); its warnings (dynamic imports of users' module URLs) are explained in docs/guide/runtimes.md.
  { name: "jsr", cmd: ["deno", "publish", "--dry-run", "--allow-dirty"] },
  // Files, not the folder: Node 22 and later read a folder argument as a file name.
  { name: "node", cmd: ["node", "--test", ...nodeTestFiles()], counts: (o) => [num(o, /^# pass (\d+)$/m), num(o, /^# fail (\d+)$/m)] },
  // npm pack, the tarball installed in a new app outside the repository, flows on Node, Bun and Deno, the CLI on Node.
  { name: "package", cmd: ["bun", "test", "./runtime-tests/package/"], counts: (o) => [num(o, /^\s*(\d+) pass$/m), num(o, /^\s*(\d+) fail$/m)] },
  // examples/notebook/notebook.ipynb executed twice by Debian's `jupyter nbconvert` on Deno's kernel (installed into a
  // temporary Jupyter folder): fails without jupyter-nbconvert under CI=true, skips with a message elsewhere.
  { name: "notebook", cmd: ["bun", "test", "./runtime-tests/notebook/"], counts: (o) => [num(o, /^\s*(\d+) pass$/m), num(o, /^\s*(\d+) fail$/m)] },
  // dependency-cruiser with .dependency-cruiser.cjs (folder rules, cycles with type-only imports), then runtime globals.
  { name: "layers", cmd: ["bun", "scripts/check-layers.ts"] },
];

function nodeTestFiles(): string[] {
  return readdirSync("runtime-tests/node").filter((f) => f.endsWith(".test.mjs")).sort().map((f) => `runtime-tests/node/${f}`);
}

function num(out: string, re: RegExp): number {
  // Strip ANSI colours before matching.
  const m = out.replace(/\x1b\[[0-9;]*m/g, "").match(re);
  return m ? Number(m[1]) : 0;
}

const only = new Set(process.argv.slice(2));
let passed = 0;
let failed = 0;
const failedSteps: string[] = [];
for (const step of steps) {
  if (only.size > 0 && !only.has(step.name)) continue;
  console.log(`\n== ${step.name}: ${step.cmd.join(" ")}`);
  const proc = Bun.spawn(step.cmd, { stdout: "pipe", stderr: "pipe", env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" } });
  const [out, err] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  process.stdout.write(out);
  process.stderr.write(err);
  let stepFailed = 0;
  if (step.counts) {
    const [p, f] = step.counts(out + err);
    passed += p;
    stepFailed = f;
  }
  if (proc.exitCode !== 0) {
    // A step that fails without a failing test (a type error, a crash) still counts as one failure.
    stepFailed = Math.max(stepFailed, 1);
    failedSteps.push(`${step.name} (exit ${proc.exitCode})`);
  }
  failed += stepFailed;
}
if (failedSteps.length > 0) console.log(`\n== failed steps: ${failedSteps.join(", ")}`);
console.log(`weft: ${passed} passed, ${failed} failed`);
process.exit(failedSteps.length > 0 ? 1 : 0);
