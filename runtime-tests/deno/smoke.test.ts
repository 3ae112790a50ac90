/** Deno smoke suite: the library, typed, on Deno. Run with `deno test runtime-tests/deno/`. */
import { Effect, Schema } from "effect";
import {
  Builder, config, extractFields, isWeftError, MissingInputError, node, NodeExecutionError, parameterize, source, subdag, tag, value,
} from "../../mod.ts";

function assertEquals(actual: unknown, expected: unknown): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`expected ${e}, got ${a}`);
}

const flow = {
  rows: (count: number) => Array.from({ length: count }, (_, i) => i + 1),
  doubled: async (rows: number[]) => rows.map((r) => r * 2),
  total: ({ doubled, offset = 0 }: { doubled: number[]; offset?: number }) => doubled.reduce((a, b) => a + b, 0) + offset,
  viaEffect: (total: number) => Effect.succeed(total * 10),
};

Deno.test("execute() mixes sync, async and Effect nodes on Deno", async () => {
  const dr = await new Builder().withModules(flow).build();
  const r = await dr.execute(["total", "viaEffect"], { inputs: { count: 3 } });
  assertEquals(r, { total: 12, viaEffect: 120 });
});

Deno.test("execute() reports missing inputs on Deno", async () => {
  const dr = await new Builder().withModules(flow).build();
  const error = await dr.execute(["total"]).catch((e) => e);
  if (!(error instanceof MissingInputError) || !isWeftError(error, "missing-input")) throw new Error(`wrong error ${error}`);
  assertEquals(error.missing, [{ input: "count", neededBy: ["rows"] }]);
});

Deno.test("execute() fails fast and fires the sibling's signal on Deno", async () => {
  let fired = false;
  const dr = await new Builder().withModules({
    waits: (abortSignal: AbortSignal) =>
      new Promise<number>((resolve) => abortSignal.addEventListener("abort", () => ((fired = true), resolve(1)))),
    bad: node(async () => {
      await new Promise((r) => setTimeout(r, 1));
      throw new Error("bad");
    }, { timeout: 1000 }),
    out: (waits: number, bad: number) => waits + bad,
  }).build();
  const error = await dr.execute(["out"]).catch((e) => e);
  if (!(error instanceof NodeExecutionError)) throw new Error(`wrong error ${error}`);
  assertEquals([error.node, error.path, fired], ["bad", ["out", "bad"], true]);
});

Deno.test("worker nodes and map/reduce run on Deno Web Workers", async () => {
  const flow = await import("./fixtures/workers.ts");
  await using dr = await new Builder().withModules(flow).withWorkers({ size: 2 }).build();
  const r = await dr.execute(["total", "inWorker"], { inputs: { count: 4 } });
  assertEquals(r, { total: 30, inWorker: true });
});

Deno.test("modifiers compose and the graph renders as SVG on Deno", async () => {
  const region = { revenue: async (spend: number) => spend * 2 };
  const mod = {
    rate__eu: config.when({ region: "eu" }, () => 2),
    channels: tag({ kind: "spend" }, parameterize({ search: { share: value(0.5) } }, (budget: number, share: number) => budget * share)),
    stats: extractFields(["peak"], async (search: number) => ({ peak: search })),
    us: subdag({ modules: [region], inputs: { spend: source("search") } }, (revenue: number) => revenue),
    checked: node((peak: number, rate: number) => peak * rate, { schema: Schema.Number }),
  };
  const dr = await new Builder().withModules(mod).withConfig({ region: "eu" }).build();
  assertEquals(await dr.execute(["checked", "us"], { inputs: { budget: 10 } }), { checked: 10, us: 10 });
  const svg = await dr.visualizeExecution(["checked"], { inputs: { budget: 10 }, format: "svg" });
  if (!svg.includes("<svg") || !svg.includes(">checked</text>")) throw new Error("no SVG");
});

Deno.test("documentation comes from a comment opening the function body on Deno", async () => {
  const dr = await new Builder().withModules({
    revenue: (spend: number) => {
      /** Revenue attributed to spend. */
      return spend * 3;
    },
  }).build();
  assertEquals(dr.listAvailableVariables()[0]!.documentation, "Revenue attributed to spend.");
});
