/**
 * `npx bun examples/map-reduce/main.ts`: generates 200 text files in a temp
 * directory, then counts their words with a map/reduce over the files.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Builder } from "../../mod.ts";
import * as flow from "./flow.ts";

const vocabulary = ["weft", "warp", "loom", "thread", "shuttle", "dataflow", "node", "graph", "item", "collect"];
const directory = await mkdtemp(join(tmpdir(), "weft-words-"));
try {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let f = 0; f < 200; f++) {
    const words = Array.from({ length: 2_000 }, () => vocabulary[Math.floor(next() ** 2 * vocabulary.length)]);
    await writeFile(join(directory, `doc-${String(f).padStart(3, "0")}.txt`), words.join(" "));
  }

  await using dr = await new Builder().withModules(flow).build();
  const t = performance.now();
  const { topWords, totals } = await dr.execute(["topWords", "totals"], { inputs: { directory } });
  console.log(`counted ${[...totals.values()].reduce((a, b) => a + b, 0)} words in 200 files in ${(performance.now() - t).toFixed(0)} ms`);
  for (const [word, n] of topWords) console.log(`${word.padEnd(10)} ${n}`);
} finally {
  await rm(directory, { recursive: true, force: true });
}
