/**
 * The documentation keeps running as written: every ```ts block of README.md
 * and docs/**\/*.md runs as a script from the repository root, and every
 * relative link of those pages (and of the folder READMEs) resolves.
 *
 * A block that is not meant to run alone (a fragment of a flow module, a
 * sketch that needs Redis and worker machines) is marked in its fence,
 * ```ts no-run, and opens with a comment saying why, so a reader sees it too;
 * it is only parsed. An unmarked block that does not run fails its test, and
 * so does a TypeScript block fenced ```typescript or ```js, which would
 * otherwise escape the tests.
 *
 * `console.log(x); // value` documents what is printed, as does a `// value`
 * line right under a `console.log(x);` that has no comment of its own: each
 * is checked against the output, in order, whitespace ignored.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

const root = join(import.meta.dir, "..");

/** README.md and every page under docs/, as paths relative to the root. */
function pages(): string[] {
  const found = ["README.md"];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const path = `${dir}/${name}`;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (name.endsWith(".md")) found.push(path);
    }
  };
  walk("docs");
  return found;
}

interface Block {
  readonly lang: string;
  readonly noRun: boolean;
  readonly info: string;
  readonly code: string;
}

function blocksOf(markdown: string): Block[] {
  return [...markdown.matchAll(/^```([^\s`]*)([^\n`]*)\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => ({
    lang: m[1]!,
    info: m[2]!.trim(),
    noRun: m[2]!.trim() === "no-run",
    code: m[3]!,
  }));
}

/** Bun's console format without layout: no whitespace, no trailing commas. */
function normalize(text: string): string {
  return text.replace(/\s+/g, "").replace(/,([}\]])/g, "$1");
}

/** The printed values a block documents, in order. */
function expectedOutput(code: string): string[] {
  const lines = code.split("\n");
  const expected: string[] = [];
  lines.forEach((line, i) => {
    const same = line.match(/console\.log\(.*\);[ ]*\/\/ (.+)$/);
    if (same) return void expected.push(same[1]!);
    if (/console\.log\(.*\);\s*$/.test(line)) {
      const next = lines[i + 1]?.match(/^\s*\/\/ (.+)$/);
      if (next) expected.push(next[1]!);
    }
  });
  return expected.map(normalize);
}

const written: string[] = [];
afterAll(() => {
  for (const f of written) rmSync(f, { force: true });
});

const CODE_LANGS = new Set(["typescript", "tsx", "js", "javascript", "mts", "mjs", "jsx"]);
// A loaded 2-core machine starts a Bun process with weft and Effect in well under a second; a minute is
// room for the slowest block (workers, SQLite, Graphviz) with the machine busy, never a wall-clock check.
const TIMEOUT_MS = 60_000;

for (const page of pages()) {
  const blocks = blocksOf(readFileSync(join(root, page), "utf8")).filter((b) => b.lang === "ts" || CODE_LANGS.has(b.lang));
  blocks.forEach((block, i) => {
    const n = i + 1;
    if (CODE_LANGS.has(block.lang)) {
      test(`${page} block ${n} is fenced \`\`\`ts, so the tests run it`, () => {
        expect(`\`\`\`${block.lang}`).toBe("```ts");
      });
      return;
    }
    const title = block.code.split("\n").find((l) => l.trim() !== "")!.trim().slice(0, 60);
    if (block.noRun) {
      test(`${page} example ${n} (no-run) parses and says why it does not run (${title})`, () => {
        expect(block.code.trimStart().startsWith("//")).toBe(true);
        expect(() => new Bun.Transpiler({ loader: "ts" }).transformSync(block.code)).not.toThrow();
      });
      return;
    }
    test(`${page} example ${n} runs as written (${title})`, async () => {
      expect(block.info).toBe("");
      const file = join(root, `.readme-example-${page.replace(/\.md$/, "").replace(/[^\w]+/g, "-")}-${n}.ts`);
      written.push(file);
      writeFileSync(file, block.code);
      const proc = Bun.spawn([process.execPath, file], { cwd: root, stdout: "pipe", stderr: "pipe", timeout: TIMEOUT_MS - 5_000 });
      const [out, err, exit] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      expect({ exit, err: exit === 0 ? "" : err }).toEqual({ exit: 0, err: "" });
      let printed = normalize(out);
      for (const value of expectedOutput(block.code)) {
        expect(printed).toContain(value);
        printed = printed.slice(printed.indexOf(value) + value.length);
      }
    }, TIMEOUT_MS);
  });
}

/** GitHub's anchors of a page's headings. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const outsideCode = markdown.replace(/^```[\s\S]*?^```[ \t]*$/gm, "");
  for (const m of outsideCode.matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/ /g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

const linked = [...pages(), "cache/README.md", "executors/README.md", "runtime/README.md"];
describe("links", () => {
  for (const page of linked) {
    test(`${page} links only to files and headings that exist`, () => {
      const markdown = readFileSync(join(root, page), "utf8");
      const outsideCode = markdown.replace(/^```[\s\S]*?^```[ \t]*$/gm, "");
      const broken: string[] = [];
      for (const m of outsideCode.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        const [path, anchor] = target.split("#") as [string, string | undefined];
        const file = path === "" ? join(root, page) : join(root, dirname(page), path);
        if (!existsSync(file)) {
          broken.push(`${target} (no file ${relative(root, file)})`);
          continue;
        }
        if (anchor !== undefined && file.endsWith(".md") && !anchorsOf(readFileSync(file, "utf8")).has(anchor)) {
          broken.push(`${target} (no heading "#${anchor}" in ${relative(root, file)})`);
        }
      }
      expect(broken).toEqual([]);
    });
  }

  test("docs/guide/README.md links every guide page", () => {
    const index = readFileSync(join(root, "docs/guide/README.md"), "utf8");
    const guide = readdirSync(join(root, "docs/guide")).filter((f) => f.endsWith(".md") && f !== "README.md");
    expect(guide.filter((f) => !index.includes(`(${f})`) && !index.includes(`(./${f})`))).toEqual([]);
  });
});
