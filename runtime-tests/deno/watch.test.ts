/**
 * driver.watch on Deno: each generation imports rewritten copies of the project files beside them, so an edited
 * helper is imported afresh; a syntax error names its file and line; the copies are gone when the watch ends, and
 * Deno's sanitizers check that no file watcher is left open. Run with `deno test --allow-read --allow-write
 * --allow-env --allow-run --allow-ffi`.
 */
import { deepStrictEqual, strictEqual } from "node:assert";
import { Builder } from "../../mod.ts";
import type { WatchRun } from "../../lib/driver/watch.ts";

const helper = (factor: number) => `export function scale(x: number): number {\n  return x * ${factor};\n}\n`;
const flow = `import { scale } from "./helper.ts";
export function base(n: number): number { return n + 1; }
export function scaled(base: number): number { return scale(base); }
export function other(n: number): number { return n * 100; }
export function report(scaled: number, other: number): string { return \`\${scaled}/\${other}\`; }
`;

async function next(it: AsyncIterator<WatchRun>): Promise<WatchRun> {
  const r = await it.next();
  if (r.done) throw new Error("the watch ended");
  return r.value;
}

const statuses = (run: WatchRun) => Object.fromEntries(run.nodes.map((n) => [n.node, n.status]));

Deno.test("driver.watch() on Deno recomputes what an edited helper reaches, reports a syntax error, then runs the fix", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "weft-watch-deno-" });
  const helperFile = `${dir}/helper.ts`;
  Deno.writeTextFileSync(helperFile, helper(2));
  Deno.writeTextFileSync(`${dir}/flow.ts`, flow);
  const url = new URL(`file://${dir}/flow.ts`).href;
  const dr = await new Builder().withModules({ name: "flow", exports: await import(url), url }).withCache({ path: `${dir}/weft.db` }).build();
  const it = dr.watch(["report"], { inputs: { n: 1 } });
  try {
    const first = await next(it);
    deepStrictEqual(first.ok && first.results, { report: "4/100" });
    Deno.writeTextFileSync(helperFile, helper(3));
    const edited = await next(it);
    deepStrictEqual(edited.ok && edited.results, { report: "6/100" });
    deepStrictEqual(statuses(edited), { base: "from cache", other: "from cache", scaled: "computed", report: "computed" });
    Deno.writeTextFileSync(helperFile, "export function scale(x: number): number {\n  return x *;\n}\n");
    const broken = await next(it);
    const error = broken.ok ? undefined : broken.error as { kind: string; file: string; line: number };
    deepStrictEqual([error?.kind, error?.file, error?.line], ["module-load", helperFile, 2]);
    Deno.writeTextFileSync(helperFile, helper(5));
    const fixed = await next(it);
    deepStrictEqual(fixed.ok && fixed.results, { report: "10/100" });
  } finally {
    await it.return!();
    await dr.close();
  }
  const left = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.includes(".weft-"));
  strictEqual(left.length, 0, `copies left behind: ${left.join(", ")}`);
  Deno.removeSync(dir, { recursive: true });
});
