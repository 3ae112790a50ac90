/**
 * Modifiers example: `npx bun examples/modifiers/main.ts` (or `deno run -A
 * examples/modifiers/main.ts`). Runs the marketing flow for Europe, writes its
 * KPIs to files with `materialize`, and prints what it did. With `--svg PATH`
 * it also writes the picture of the run (docs/modifiers-example.svg is made so).
 */
import { Builder, to } from "../../mod.ts";
import * as flow from "./flow.ts";

const here = new URL(".", import.meta.url).pathname;
const svgAt = cliArgs().indexOf("--svg");

const dr = await new Builder()
  .withModules({ name: "marketing", exports: flow })
  .withConfig({ region: "eu", showCurrency: true, currency: "EUR" })
  .build();

const inputs = { spendPath: `${here}data/spend.csv` };
const { report, roi } = await dr.execute(["report", "roi"], { inputs });
console.log(report);
console.log(`roi = ${roi.toFixed(3)}`);

const { materialized } = await dr.materialize([
  to.json({ dependencies: ["roi", "tvShare", "searchShare"], path: `${here}out/kpis.json`, id: "kpis" }),
  to.csv({ dependencies: ["regionRows"], path: `${here}out/eu-spend.csv`, id: "euSpend" }),
], { inputs });
for (const [id, m] of Object.entries(materialized)) {
  const { rows, bytes } = m as { rows: number; bytes: number };
  console.log(`wrote ${id}: ${rows} rows, ${bytes} bytes`);
}

console.log(`spend nodes: ${dr.listAvailableVariables({ tags: { kind: "spend" } }).map((v) => v.name).join(", ")}`);

if (svgAt >= 0) {
  const path = cliArgs()[svgAt + 1] ?? "docs/modifiers-example.svg";
  const svg = await dr.visualizeExecution(["report", "tvShare"], { inputs, format: "svg", title: "Marketing spend (region: eu)" });
  await to.file({ dependencies: ["svg"], path, format: { name: "svg", encode: (v) => ({ text: String(v), rows: 1 }), decode: (t) => ({ value: t, rows: 1 }) } })
    .save({ svg });
  console.log(`wrote ${path}`);
}

/** Command-line arguments on Bun, Deno or Node, without touching a runtime API by name. */
function cliArgs(): string[] {
  const g = globalThis as { Deno?: { args: string[] }; process?: { argv: string[] } };
  return g.Deno?.args ?? g.process?.argv.slice(2) ?? [];
}
