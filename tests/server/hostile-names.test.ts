/**
 * Issue 15, part 4: a run whose node names look like markup (a handler, a script URL, a script element)
 * has a run page, served by a real server; its drawing shows the names as text and holds nothing active.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { parseFragment, type DefaultTreeAdapterTypes } from "parse5";
import { Builder } from "../../mod.ts";
import { activeContentOf } from "../../server/active-content.ts";
import { startHistoryServer, type HistoryServer } from "../../server/start-server.ts";
import { tempDir } from "../cache/_helpers.ts";

const NAMES = ["x onload=y", "javascript:alert(1)", "<script>alert(1)</script>", 'a" onclick="alert(2)'];
const tmp = tempDir("server-hostile-names");
let server: HistoryServer;
let runId = "";

beforeAll(async () => {
  const path = join(tmp.dir, "weft.db");
  const flow = Object.fromEntries(NAMES.map((name) => [name, (label: string) => `${name}:${label}`]));
  {
    await using dr = await new Builder().withModules(flow).withTracking({ path }).withHooks({ beforeGraph: (e) => void (runId = e.runId) }).build();
    await dr.execute(NAMES as never[], { inputs: { label: "hi" } });
  }
  server = await startHistoryServer({ path, port: 0 });
});
afterAll(async () => {
  await server.close();
  tmp.remove();
});

/** The text of every `<title>` in `markup`, as a browser reads it. */
function titles(markup: string): string[] {
  const out: string[] = [];
  const walk = (node: DefaultTreeAdapterTypes.Node) => {
    if ("tagName" in node && node.tagName === "title") out.push(node.childNodes.map((c) => ("value" in c ? c.value : "")).join(""));
    if ("childNodes" in node) node.childNodes.forEach(walk);
  };
  walk(parseFragment(markup));
  return out;
}

describe("the run page of a run with hostile node names", () => {
  test("is served (200), its drawing holds the names as text and nothing active", async () => {
    const res = await fetch(`${server.url}runs/${runId}`);
    expect(res.status).toBe(200);
    // The page answers at once; its drawing comes from /runs/:id/dag (202 while it is being made).
    let dag = await fetch(`${server.url}runs/${runId}/dag`);
    for (let i = 0; dag.status === 202 && i < 30; i++) dag = await fetch(`${server.url}runs/${runId}/dag`);
    expect(dag.status).toBe(200);
    const svg = /<svg[\s\S]*<\/svg>/.exec(await dag.text())?.[0];
    expect(svg).toBeDefined();
    expect(activeContentOf(svg!)).toBeUndefined();
    expect(titles(svg!).filter((t) => NAMES.includes(t)).sort()).toEqual([...NAMES].sort());
    expect(svg).not.toContain("<script");
  });
});
