// driver.watch on Node, from the built files in dist/: the module hooks give every project file the generation
// of the module importing it, so an edited helper is imported afresh; a syntax error names its file and line.
// Run `npm run build` first.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { Builder } from "weft";

const helper = (factor) => `export function scale(x) {\n  return x * ${factor};\n}\n`;
const flow = `import { scale } from "./helper.mjs";
export function base(n) { return n + 1; }
export function scaled(base) { return scale(base); }
export function other(n) { return n * 100; }
export function report(scaled, other) { return \`\${scaled}/\${other}\`; }
`;

async function next(it) {
  const r = await it.next();
  assert.equal(r.done, false, "the watch ended");
  return r.value;
}

const statuses = (run) => Object.fromEntries(run.nodes.map((n) => [n.node, n.status]));

test("driver.watch() on Node recomputes what an edited helper reaches, reports a syntax error, then runs the fix", async () => {
  const dir = mkdtempSync(join(tmpdir(), "weft-watch-node-"));
  const flowFile = join(dir, "flow.mjs");
  const helperFile = join(dir, "helper.mjs");
  writeFileSync(helperFile, helper(2));
  writeFileSync(flowFile, flow);
  const url = pathToFileURL(flowFile).href;
  const dr = await new Builder().withModules({ name: "flow", exports: await import(url), url }).withCache({ path: join(dir, "weft.db") }).build();
  const it = dr.watch(["report"], { inputs: { n: 1 } });
  try {
    assert.deepEqual((await next(it)).results, { report: "4/100" });
    writeFileSync(helperFile, helper(3));
    const edited = await next(it);
    assert.deepEqual(edited.results, { report: "6/100" });
    assert.deepEqual(statuses(edited), { base: "from cache", other: "from cache", scaled: "computed", report: "computed" });
    writeFileSync(helperFile, "export function scale(x) {\n  return x *;\n}\n");
    const broken = await next(it);
    assert.equal(broken.ok, false);
    assert.equal(broken.error.kind, "module-load");
    assert.deepEqual([broken.error.file, broken.error.line], [helperFile, 2]);
    writeFileSync(helperFile, helper(5));
    assert.deepEqual((await next(it)).results, { report: "10/100" });
  } finally {
    await it.return();
    await dr.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
