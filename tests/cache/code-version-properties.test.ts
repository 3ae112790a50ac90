import { beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { loadParsers } from "../../cache/code/_parsers.ts";
import { analyzeModule, type ModuleAnalysis } from "../../cache/code/module-analysis.ts";
import { bunHasher } from "../../runtime/bun/mod.ts";

let baseline: string[];
beforeAll(async () => {
  await loadParsers();
  baseline = hashes(analysis(TOKENS.join(" ")));
});

/** A module's tokens: joined by any layout, they must give the same versions. */
const TOKENS = [
  "const", "RATE", ":", "number", "=", "2", ";",
  "function", "normalize", "(", "x", ":", "number", ")", "{", "return", "x", "/", "RATE", ";", "}",
  "export", "const", "f", "=", "(", "rows", ":", "readonly", "number", "[", "]", ")", ":", "number", "[", "]", "=>",
  "rows", ".", "map", "(", "(", "r", ")", "=>", "normalize", "(", "r", ")", "+", "\"a\"", ".", "length", ")", ";",
];

const analysis = (source: string): ModuleAnalysis => {
  const r = analyzeModule("flow.ts", source, { hasher: bunHasher });
  if (!r.ok) throw new Error(`${r.reason}\n${source}`);
  return r.analysis;
};
const hashes = (a: ModuleAnalysis) => ["RATE", "normalize", "f"].map((n) => a.declarations.get(n)!.hash);

/** Layout between two tokens: always some whitespace, sometimes comments. */
const separator = fc.array(fc.constantFrom(" ", "\n", "\t  ", " /* why */ ", " // note\n", "\n\n/** doc */\n"), { minLength: 1, maxLength: 3 }).map((parts) => parts.join(""));
/** After `return`, and before `=>` or an array type's `[`, a line break changes or breaks the code: only spaces and block comments there. */
const sameLine = (i: number) => TOKENS[i] === "return" || TOKENS[i + 1] === "=>" || TOKENS[i + 1] === "[";
const layout = (seps: readonly string[]) => TOKENS.map((t, i) => t + (sameLine(i) ? seps[i]!.replace(/\/\/ note\n|\/\*\* doc \*\/|\n/g, " ") : seps[i])).join("");

describe("code version properties", () => {
  test("analyzeModule() gives the same declaration hashes for any layout and comments", () => {
    fc.assert(
      fc.property(fc.array(separator, { minLength: TOKENS.length, maxLength: TOKENS.length }), (seps) => {
        const source = layout(seps);
        expect(hashes(analysis(source))).toEqual(baseline);
      }),
      { numRuns: 60 },
    );
  });

  test("analyzeModule() gives another hash when a literal the code uses changes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 1_000_000 }), (n) => {
        const source = TOKENS.map((t) => (t === "2" ? String(n) : t)).join(" ");
        const [rate, normalize, f] = hashes(analysis(source));
        expect(rate).not.toBe(baseline[0]);
        expect([normalize, f]).toEqual([baseline[1], baseline[2]]);
      }),
      { numRuns: 40 },
    );
  });
});
