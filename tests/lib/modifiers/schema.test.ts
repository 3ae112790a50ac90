import { describe, expect, test } from "bun:test";
import { Effect, Schema } from "effect";
import { Builder, isWeftError, node, NodeExecutionError, parameterize, SchemaValidationError, value, type Warning } from "../../../mod.ts";

const Report = Schema.Struct({ region: Schema.String, spend: Schema.Array(Schema.Number) });

/** A hand-written Standard Schema validator: what zod, valibot or arktype expose. */
const positive = {
  "~standard": {
    version: 1 as const,
    vendor: "test",
    validate: (v: unknown) => (typeof v === "number" && v > 0 ? { value: v } : { issues: [{ message: "Expected a positive number", path: [] }] }),
  },
};

describe("node(fn, { schema })", () => {
  test("passes a valid output through unchanged", async () => {
    const dr = await new Builder().withModules({ report: node(() => ({ region: "us", spend: [1, 2] }), { schema: Report }) }).build();
    expect(await dr.execute(["report"])).toEqual({ report: { region: "us", spend: [1, 2] } });
  });

  test("fails a sync node with an Effect Schema, naming the node and the failing path", async () => {
    const dr = await new Builder().withModules({ report: node(() => ({ region: "us", spend: [1, "2"] }), { schema: Report }) }).build();
    const error = await dr.execute(["report"]).catch((e) => e);
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect(error.node).toBe("report");
    expect(error.cause).toBeInstanceOf(SchemaValidationError);
    expect(isWeftError(error.cause, "schema")).toBe(true);
    expect(error.cause.issues).toEqual([{ path: "spend[1]", message: "Expected number" }]);
    expect(error.message).toBe('Node "report" failed: The output of "report" does not match its schema at "spend[1]": Expected number; fix the node or its schema');
  });

  test("fails an async node with a Standard Schema validator", async () => {
    const dr = await new Builder().withModules({ margin: node(async () => -1, { schema: positive }) }).build();
    const error = await dr.execute(["margin"]).catch((e) => e);
    expect(error.cause.message).toBe('The output of "margin" does not match its schema at the value: Expected a positive number; fix the node or its schema');
  });

  test("checks the success value of an Effect node", async () => {
    const dr = await new Builder().withModules({ margin: node(() => Effect.succeed(0), { schema: positive }), ok: node(() => Effect.succeed(2), { schema: positive }) }).build();
    expect(await dr.execute(["ok"])).toEqual({ ok: 2 });
    const error = await dr.execute(["margin"]).catch((e) => e);
    expect(error.cause).toBeInstanceOf(SchemaValidationError);
  });

  test("in warn mode, reports the failure to the warning handler and keeps the value", async () => {
    const warnings: Warning[] = [];
    const dr = await new Builder()
      .withModules({ margin: node(async () => -1, { schema: positive, onSchemaError: "warn" }) })
      .withWarnings((w) => warnings.push(w))
      .build();
    expect(await dr.execute(["margin"])).toEqual({ margin: -1 });
    expect(warnings).toEqual([{
      kind: "schema", node: "margin", detail: [{ path: "", message: "Expected a positive number" }],
      message: 'The output of "margin" does not match its schema at the value: Expected a positive number; fix the node or its schema',
    }]);
  });

  test("rejects a schema option that is not a schema", () => {
    expect(() => node(() => 1, { schema: {} as never })).toThrow(TypeError);
    expect(() => node(() => 1, { schema: positive, onSchemaError: "ignore" as never })).toThrow('node() option "onSchemaError" must be "fail" or "warn", got "ignore"');
  });
});

describe("layered schemas", () => {
  const small = {
    "~standard": {
      version: 1 as const,
      vendor: "test",
      validate: (v: unknown) => (typeof v === "number" && v < 10 ? { value: v } : { issues: [{ message: "Expected less than 10", path: [] }] }),
    },
  };

  test("an outer schema adds to an inner one: both are checked, the inner first", async () => {
    const layered = (f: () => number) => node(node(f, { schema: positive }), { schema: small });
    const dr = await new Builder().withModules({ ok: layered(() => 5), big: layered(() => 50), negative: layered(() => -1) }).build();
    expect(await dr.execute(["ok"])).toEqual({ ok: 5 });
    const big = await dr.execute(["big"]).catch((e) => e);
    expect(big.cause.issues).toEqual([{ path: "", message: "Expected less than 10" }]);
    const negative = await dr.execute(["negative"]).catch((e) => e);
    expect(negative.cause.issues).toEqual([{ path: "", message: "Expected a positive number" }]);
  });

  test("each layer keeps its own onSchemaError", async () => {
    const warnings: Warning[] = [];
    const fn = node(node(() => 50, { schema: positive }), { schema: small, onSchemaError: "warn" });
    const inner = node(node(() => -1, { schema: positive }), { schema: small, onSchemaError: "warn" });
    const dr = await new Builder().withModules({ fn, inner }).withWarnings((w) => warnings.push(w)).build();
    expect(await dr.execute(["fn"])).toEqual({ fn: 50 });
    expect(warnings.map((w) => w.detail)).toEqual([[{ path: "", message: "Expected less than 10" }]]);
    // The inner schema still fails the node: the outer layer's "warn" is its own.
    expect(await dr.execute(["inner"]).catch((e) => e)).toBeInstanceOf(NodeExecutionError);
  });

  test("a schema given to node() on a modifier adds to the schemas of the nodes it defines", async () => {
    const dr = await new Builder().withModules({
      count: node(parameterize({ three: { n: value(3) }, thirty: { n: value(30) } }, node((n: number) => n, { schema: positive })), { schema: small }),
    }).build();
    expect(await dr.execute(["three"])).toEqual({ three: 3 });
    expect((await dr.execute(["thirty"]).catch((e) => e)).cause.issues).toEqual([{ path: "", message: "Expected less than 10" }]);
  });

  test("the same schema twice is checked once", async () => {
    let checks = 0;
    const counted = { "~standard": { version: 1 as const, vendor: "test", validate: (v: unknown) => (checks++, { value: v }) } };
    const dr = await new Builder().withModules({ a: node(node(() => 1, { schema: counted }), { schema: counted }) }).build();
    await dr.execute(["a"]);
    expect(checks).toBe(1);
  });
});
