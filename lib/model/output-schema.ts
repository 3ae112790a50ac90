/**
 * Output checks: `node(fn, { schema })` validates what the node returns, with
 * an Effect Schema or any Standard Schema validator. The check wraps the
 * spec's function (see {@link afterResult}), so it runs wherever the node
 * runs, a Worker included.
 *
 * @module
 */
import { Schema, type StandardSchema } from "effect";
import { SchemaValidationError, type SchemaIssue } from "../errors.ts";
import { afterResult, isThenable } from "./after-result.ts";
import type { NodeOptions, OutputSchema } from "./node-options.ts";
import type { WarningHandler } from "./warning.ts";

type Validator = StandardSchema.StandardSchemaV1<unknown, unknown>;

const standard = new WeakMap<object, Validator>();

/** The Standard Schema view of `schema` (Effect Schemas are converted once). */
function validatorOf(schema: OutputSchema): Validator {
  if ("~standard" in schema) return schema as Validator;
  let v = standard.get(schema);
  if (v === undefined) {
    v = Schema.toStandardSchemaV1(schema as Schema.ConstraintDecoder<unknown>) as unknown as Validator;
    standard.set(schema, v);
  }
  return v;
}

/**
 * `fn` with its output checked against `options.schema`. The node's value is
 * what `fn` returned: the check validates, it does not transform.
 */
export function checkedBySchema(node: string, fn: Function, options: NodeOptions, warn: WarningHandler | undefined): Function {
  const validator = validatorOf(options.schema!);
  const mode = options.onSchemaError ?? "fail";
  const report = (value: unknown, issues: readonly StandardSchema.StandardSchemaV1.Issue[]): unknown => {
    const error = new SchemaValidationError(node, issues.map(toIssue));
    if (mode === "fail") throw error;
    (warn ?? defaultWarn)({ kind: "schema", node, message: error.message, detail: error.issues });
    return value;
  };
  return afterResult(fn, (value) => {
    const result = validator["~standard"].validate(value);
    if (isThenable(result)) return result.then((r) => (r.issues ? report(value, r.issues) : value));
    return result.issues ? report(value, result.issues) : value;
  });
}

function defaultWarn(w: { readonly message: string }): void {
  console.warn(`weft: ${w.message}`);
}

function toIssue(issue: StandardSchema.StandardSchemaV1.Issue): SchemaIssue {
  const segments = (issue.path ?? []).map((s) => (typeof s === "object" && s !== null ? s.key : s));
  return { path: formatPath(segments), message: issue.message };
}

/** `["regions", 0, "amount"]` -> `regions[0].amount`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (typeof s === "symbol") out += `[${String(s)}]`;
    else out += /^[A-Za-z_$][\w$]*$/.test(s) ? (out === "" ? s : `.${s}`) : `[${JSON.stringify(s)}]`;
  }
  return out;
}
