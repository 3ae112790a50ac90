/**
 * Word counts across many text files, as a map/reduce: `files` yields one item
 * per file; `text` and `counts` run once per file (counts on a worker thread);
 * `totals` collects the per-file counts in file order and merges them.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { collect, node, parallelizable } from "../../mod.ts";

/** The .txt files of a directory, one item each. */
export const files = parallelizable(async (directory: string) =>
  (await readdir(directory)).filter((f) => f.endsWith(".txt")).sort().map((f) => join(directory, f)));

/** One file's text (async I/O, in-process). */
export const text = (files: string) => readFile(files, "utf8");

/** One file's word counts (CPU work: on a worker thread). */
export const counts = node((text: string) => {
  const out: Record<string, number> = {};
  for (const word of text.toLowerCase().match(/[a-z']+/g) ?? []) out[word] = (out[word] ?? 0) + 1;
  return out;
}, { worker: true });

/** All counts merged (receives every file's counts, in file order). */
export const totals = collect((counts: Record<string, number>[]) => {
  const merged = new Map<string, number>();
  for (const c of counts) for (const [word, n] of Object.entries(c)) merged.set(word, (merged.get(word) ?? 0) + n);
  return merged;
});

/** The `top` most frequent words. */
export const topWords = (totals: Map<string, number>, top = 5) =>
  [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, top);
