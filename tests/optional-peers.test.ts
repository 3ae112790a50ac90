/**
 * weft without its optional peer dependencies, as in an app that ran
 * `npm install weft` alone: each part that needs one fails with the message
 * that names what to install, and everything else works. The packages are
 * hidden from a child Bun by tests/fixtures/hide-packages.ts.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const ALL = "@viz-js/viz,bullmq,ioredis,better-sqlite3,apache-arrow,postgres";

async function bun(args: readonly string[], hide: string): Promise<{ code: number; out: string; err: string }> {
  const proc = Bun.spawn([process.execPath, "--preload", join(root, "tests/fixtures/hide-packages.ts"), ...args], {
    cwd: root, env: { ...process.env, WEFT_HIDE: hide }, stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout: 20_000,
  });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, out, err };
}

const part = async (name: string, hide = ALL) => {
  const { code, out, err } = await bun([join(root, "tests/fixtures/without-peers.ts"), name], hide);
  if (code !== 0) throw new Error(`without-peers.ts ${name} exited ${code}: ${err}`);
  return JSON.parse(out) as unknown;
};

describe("weft without its optional peers", () => {
  test("a driver runs and draws DOT and Mermaid without any optional peer", async () => {
    expect(await part("plain")).toEqual({ b: 4, dot: true, mermaid: true });
  }, 30_000);

  test("SVG without @viz-js/viz is a MissingPackageError that names it", async () => {
    expect(await part("svg")).toEqual({
      name: "MissingPackageError", kind: "missing-package",
      message: 'Cannot draw SVG: "@viz-js/viz" is not installed; run "npm install @viz-js/viz", or draw DOT or Mermaid, which need no package',
    });
  }, 30_000);

  test("tableResult without apache-arrow is a MissingPackageError that names it; rowsResult works", async () => {
    expect(await part("table")).toEqual({
      rows: [{ a: 2, b: 4 }],
      table: {
        name: "MissingPackageError", kind: "missing-package",
        message: 'Cannot build a table: "apache-arrow" is not installed; run "npm install apache-arrow", or use rowsResult or objectResult, which need no package',
      },
    });
  }, 30_000);

  test("the BullMQ executor without bullmq fails build() naming bullmq and ioredis", async () => {
    expect(await part("bullmq")).toEqual({
      name: "MissingPackageError", kind: "missing-package",
      message: 'Cannot start the BullMQ executor: "bullmq" is not installed; run "npm install bullmq ioredis"',
    });
  }, 30_000);

  test("the BullMQ executor with bullmq but without ioredis names ioredis and says to install both", async () => {
    expect(await part("bullmq", "ioredis")).toMatchObject({
      message: 'Cannot start the BullMQ executor: "ioredis" is not installed; run "npm install bullmq ioredis"',
    });
  }, 30_000);

  test("weft/postgres without postgres is a MissingPackageError that names it", async () => {
    expect(await part("postgres")).toEqual({
      name: "MissingPackageError", kind: "missing-package",
      message: 'Cannot use the PostgreSQL team store: "postgres" is not installed; run "npm install postgres"',
    });
  }, 30_000);

  test("weft ui --db postgres://… without postgres exits 1 naming it", async () => {
    const { code, err } = await bun([join(root, "cli/weft.ts"), "ui", "--port", "0", "--db", "postgres://weft@127.0.0.1:1/weft"], ALL);
    expect([code, err]).toEqual([1, 'weft: Cannot use the PostgreSQL team store: "postgres" is not installed; run "npm install postgres"\n']);
  }, 30_000);

  test("the web view serves every page without @viz-js/viz, with a note in place of the drawing", async () => {
    const web = (await part("web")) as { list: number; page: number; drawing: number; dag: string };
    expect({ ...web, dag: undefined }).toEqual({ list: 200, page: 200, drawing: 200, dag: undefined });
    expect(web.dag).toContain('<p class="note">No drawing: "@viz-js/viz" is not installed; run "npm install @viz-js/viz" to draw the DAG here</p>');
  }, 30_000);

  test("weft viz --format svg without @viz-js/viz exits 1 with the message; --format dot works", async () => {
    const flow = join(root, "tests/fixtures/flow.ts");
    const svg = await bun([join(root, "cli/weft.ts"), "viz", flow, "--outputs", "total", "--format", "svg"], ALL);
    expect([svg.code, svg.err]).toEqual([1, 'weft: Cannot draw SVG: "@viz-js/viz" is not installed; run "npm install @viz-js/viz", or draw DOT or Mermaid, which need no package\n']);
    const dot = await bun([join(root, "cli/weft.ts"), "viz", flow, "--outputs", "total", "--format", "dot"], ALL);
    expect([dot.code, dot.out.startsWith("digraph")]).toEqual([0, true]);
  }, 30_000);

  test("weft worker without bullmq exits 1 naming bullmq and ioredis", async () => {
    const { code, err } = await bun([join(root, "cli/weft.ts"), "worker", "--modules", "tests/fixtures/workers.ts", "--redis", "redis://127.0.0.1:1"], ALL);
    expect([code, err]).toEqual([1, 'weft worker: Cannot start a BullMQ worker: "bullmq" is not installed; run "npm install bullmq ioredis"\n']);
  }, 30_000);
});
