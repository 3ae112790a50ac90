import { afterEach, expect, test } from "bun:test";
import { join } from "node:path";
import { HELPER, WatchedProject } from "../driver/_watch-flow.ts";

const root = join(import.meta.dir, "../..");
const projects: WatchedProject[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.remove();
});

/** Reads `stream` until `pattern` shows in what came so far (the test's own timeout bounds the wait). */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, seen: { text: string }, pattern: RegExp): Promise<string> {
  const decoder = new TextDecoder();
  while (!pattern.test(seen.text)) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`the output ended before ${pattern}: ${seen.text}`);
    seen.text += decoder.decode(value, { stream: true });
  }
  return seen.text;
}

test("weft watch prints each run's nodes and outputs, runs again on save, and ends on SIGINT with exit 0", async () => {
  const p = new WatchedProject();
  projects.push(p);
  const proc = Bun.spawn([process.execPath, join(root, "cli/weft.ts"), "watch", "flow.ts", "-o", "report", "--input", "n=1"], {
    cwd: p.dir, stdout: "pipe", stderr: "pipe",
  });
  const reader = proc.stdout.getReader();
  const seen = { text: "" };
  await readUntil(reader, seen, /"report": "4\/100"/);
  expect(seen.text).toMatch(/^run [0-9a-f-]{36}\n/);
  expect(seen.text).toContain("  scaled  computed (no cached result for \"scaled\" yet)\n");
  const before = seen.text.length;
  p.write(p.helper, HELPER(3));
  await readUntil(reader, seen, /"report": "6\/100"/);
  const second = seen.text.slice(before);
  expect(second).toMatch(/^run [0-9a-f-]{36} \(helper\.ts changed\)\n/);
  expect(second).toContain("  base    from cache\n");
  expect(second).toContain("  other   from cache\n");
  expect(second).toMatch(/  scaled  computed \(function "scale" of \.\/helper\.ts changed \(helper\.ts:1\)\)\n/);
  proc.kill("SIGINT");
  expect(await proc.exited).toBe(0);
  expect(await new Response(proc.stderr).text()).toBe("weft: watching flow.ts and the files it imports; Ctrl-C stops\n");
}, 60_000);

test("weft watch started on a file that does not parse says where, and runs once it is fixed", async () => {
  const p = new WatchedProject();
  projects.push(p);
  p.write(p.helper, "export function scale(x: number): number {\n  return x *;\n}\n");
  const proc = Bun.spawn([process.execPath, join(root, "cli/weft.ts"), "watch", "flow.ts", "-o", "report", "--input", "n=1"], {
    cwd: p.dir, stdout: "pipe", stderr: "pipe",
  });
  const err = { text: "" };
  await readUntil(proc.stderr.getReader(), err, /waiting for the next save\n/);
  expect(err.text).toMatch(new RegExp(`^weft: Cannot load the module "${p.helper}:2:\\d+": .+; waiting for the next save\\n$`));
  p.write(p.helper, HELPER(3));
  await readUntil(proc.stdout.getReader(), { text: "" }, /"report": "6\/100"/);
  proc.kill("SIGINT");
  expect(await proc.exited).toBe(0);
}, 60_000);
