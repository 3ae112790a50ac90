import { describe, expect, test } from "bun:test";
import { Effect, Schema } from "effect";
import { Builder, isWeftError, node, NodeExecutionError, SchemaValidationError, type Warning } from "../../../mod.ts";

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
