/**
 * Type tests of result builders: `tsc --noEmit` (part of `npm test`) fails if a
 * `@ts-expect-error` line stops being an error, so these prove that a
 * builder's return type is `execute`'s.
 */
import { describe, expect, test } from "bun:test";
import { Effect } from "effect";
import type { Table } from "apache-arrow";
import { Builder, objectResult, rowsResult, withResultKind, type ResultKind } from "../mod.ts";
import { tableResult } from "../arrow.ts";

const flow = { day: () => ["mon", "tue"], spend: (day: string[]) => new Float64Array(day.length), region: () => "eu" };

describe("types of result builders", () => {
  test("execute() returns what an inline builder returns, its outputs typed from the request", async () => {
    await using dr = await new Builder().withModules(flow).build();
    const n = await dr.execute(["day", "region"], { resultBuilder: (outputs) => outputs.day.length + outputs.region.length });
    const count: number = n;
    // @ts-expect-error: the result is a number, not the outputs object
    n.day;
    // @ts-expect-error: "spend" was not requested, so the builder's outputs lack it
    await dr.execute(["day"], { resultBuilder: (outputs) => outputs.spend });
    expect(count).toBe(4);
  });

  test("execute() awaits an async builder's type; { build } objects are typed too", async () => {
    await using dr = await new Builder().withModules(flow).build();
    const s = await dr.execute(["region"], { resultBuilder: async (o) => o.region.toUpperCase() });
    const upper: string = s;
    const b = await dr.execute(["day"], { resultBuilder: { build: (o) => o.day } });
    const days: string[] = b;
    expect([upper, days]).toEqual(["EU", ["mon", "tue"]]);
  });

  test("rowsResult gives rows of element types; tableResult an Arrow Table; objectResult the outputs", async () => {
    await using dr = await new Builder().withModules(flow).build();
    const rows = await dr.execute(["day", "spend", "region"], { resultBuilder: rowsResult });
    const first: { day: string; spend: number; region: string } | undefined = rows[0];
    // @ts-expect-error: a row's "spend" is a number, not a Float64Array
    const wrong: Float64Array | undefined = rows[0]?.spend;
    const table: Table = await dr.execute(["day"], { resultBuilder: tableResult });
    const { region } = await dr.execute(["region"], { resultBuilder: objectResult });
    const r: string = region;
    expect([first?.day, wrong, table.numRows, r]).toEqual(["mon", 0, 2, "eu"]);
  });

  test("withResultBuilder() types every execute() of the driver, and the option overrides it", async () => {
    await using dr = await new Builder().withModules(flow).withResultBuilder(rowsResult).withConfig({ scale: 2 }).build();
    const rows = await dr.execute(["day", "scale"]);
    const day: string | undefined = rows[0]?.day;
    const scale: number | undefined = rows[0]?.scale;
    // @ts-expect-error: the driver's results are rows, not the outputs object
    rows.day;
    const { region } = await dr.execute(["region"], { resultBuilder: objectResult });
    const r: string = region;
    await using counted = await new Builder().withModules(flow).withResultBuilder(() => 7).build();
    const seven: 7 | number = await counted.execute(["day"]);
    // @ts-expect-error: a driver whose builder returns a number does not return strings
    const notString: string = await counted.execute(["day"]);
    expect([day, scale, r, seven, notString]).toEqual(["mon", 2, "eu", 7, 7]);
  });

  test("executeEffect() succeeds with the builder's type", async () => {
    await using dr = await new Builder().withModules(flow).build();
    const n: number = await Effect.runPromise(dr.executeEffect(["day"], { resultBuilder: (o) => o.day.length }));
    expect(n).toBe(2);
  });

  test("withResultKind() types a builder whose result depends on the outputs", async () => {
    interface LengthsKind extends ResultKind {
      readonly result: { readonly [K in keyof this["outputs"]]: number };
    }
    const lengths = withResultKind<LengthsKind>((outputs) => Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, (v as ArrayLike<unknown>).length])));
    await using dr = await new Builder().withModules(flow).build();
    const r = await dr.execute(["day", "spend"], { resultBuilder: lengths });
    const n: number = r.spend;
    // @ts-expect-error: "region" was not requested
    r.region;
    expect([r.day, n]).toEqual([2, 2]);
  });
});
