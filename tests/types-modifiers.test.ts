/**
 * Type tests of the modifiers: `tsc` (part of `npm test`) fails if a
 * `@ts-expect-error` line stops being an error, so these prove which names
 * `execute` accepts and which types it returns.
 */
import { describe, expect, test } from "bun:test";
import { Builder, config, dataloader, extractFields, parameterize, pipe, step, subdag, tag, unpackFields, value } from "../mod.ts";

describe("modifier types", () => {
  test("name__suffix alternatives define the base name, with the union of their types", async () => {
    const mod = {
      revenue__us: config.when({ region: "us" }, (spend: number) => spend * 3),
      revenue__eu: config.when({ region: "eu" }, async (spend: number) => `${spend}`),
    };
    const dr = await new Builder().withModules(mod).withConfig({ region: "us" }).build();
    const { revenue } = await dr.execute(["revenue"], { inputs: { spend: 1 } });
    const typed: number | string = revenue;
    // @ts-expect-error: the alternatives define "revenue", not "revenue__us"
    await dr.execute(["revenue__us"], { inputs: { spend: 1 } }).catch(() => undefined);
    expect(typed).toBe(3);
  });

  test("parameterize() defines its entries' names with the template's type; the template is not a node", async () => {
    const mod = { scaled: parameterize({ double: { k: value(2) }, triple: { k: value(3) } }, async (x: number, k: number) => x * k) };
    const dr = await new Builder().withModules(mod).build();
    const r = await dr.execute(["double", "triple"], { inputs: { x: 1 } });
    const both: [number, number] = [r.double, r.triple];
    // @ts-expect-error: the template "scaled" is not a node
    await dr.execute(["scaled"], { inputs: { x: 1 } }).catch(() => undefined);
    expect(both).toEqual([2, 3]);
  });

  test("tag() keeps the types of what it wraps", async () => {
    const dr = await new Builder().withModules({ s: tag({ team: "x" }, parameterize({ one: {} }, () => 1)) }).build();
    const one: number = (await dr.execute(["one"])).one;
    expect(one).toBe(1);
  });

  test("extractFields() and unpackFields() type each field node", async () => {
    const mod = {
      stats: extractFields(["mean", "label"], async () => ({ mean: 1.5, label: "x", other: true })),
      range: unpackFields(["low", "high"], () => [1, "9"] as const),
    };
    const dr = await new Builder().withModules(mod).build();
    const r = await dr.execute(["mean", "label", "stats", "low", "high"]);
    const typed: [number, string, { mean: number }, 1, "9"] = [r.mean, r.label, r.stats, r.low, r.high];
    // @ts-expect-error: "other" is not a declared field
    await dr.execute(["other"]).catch(() => undefined);
    expect(typed[0]).toBe(1.5);
  });

  test("pipe() output steps give the node the last step's type; step nodes are requestable", async () => {
    const mod = { total: pipe({ output: [step((x: number) => `${x}`).named("asText")] }, (xs: number[]) => xs.length) };
    const dr = await new Builder().withModules(mod).build();
    const r = await dr.execute(["total", "total.raw"], { inputs: { xs: [1] } });
    const text: string = r.total;
    expect([text, r["total.raw"]]).toEqual(["1", 1]);
  });

  test("subdag() nodes are requestable under the namespace (their types are not tracked)", async () => {
    const mod = { us: subdag({ modules: [{ revenue: (spend: number) => spend * 2 }], inputs: { spend: value(1) } }, (revenue: number) => revenue) };
    const dr = await new Builder().withModules(mod).build();
    const r = await dr.execute(["us", "us.revenue"]);
    const us: number = r.us;
    const inner: unknown = r["us.revenue"];
    // @ts-expect-error: "eu.revenue" is outside every namespace of the flow
    await dr.execute(["eu.revenue"]).catch(() => undefined);
    expect([us, inner]).toEqual([2, 2]);
  });

  test("dataloader() types the data node and <node>.metadata", async () => {
    const mod = { rows: dataloader(async () => [[1, 2], { source: "memory" }] as const) };
    const dr = await new Builder().withModules(mod).build();
    const r = await dr.execute(["rows", "rows.metadata"]);
    const rows: readonly [1, 2] | readonly number[] = r.rows;
    const source: string = r["rows.metadata"].source;
    expect([rows, source]).toEqual([[1, 2], "memory"]);
  });
});
