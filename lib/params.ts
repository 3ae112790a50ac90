/**
 * Reads a node's dependencies from its parameter list with a real JavaScript
 * parser (acorn). Two forms are understood: positional parameters (Hamilton's
 * form) and one destructured object parameter. A default value makes the
 * dependency optional.
 *
 * @module
 */
import { parse } from "acorn";
import type { Node as AcornNode, Pattern, Function as AcornFunction } from "acorn";

/** The reserved parameter through which a node receives its AbortSignal. */
export const SIGNAL_PARAM = "abortSignal";

/** One dependency of a node, read from its parameters. */
export interface ParamDep {
  readonly name: string;
  /** True when the parameter has a default value. */
  readonly optional: boolean;
  /** The default's source text, for introspection. */
  readonly defaultSource?: string;
  /** Set when a modifier bound the dependency (e.g. `source("x") in parameterize()`), for messages. */
  readonly via?: string;
}

/** How a node is called: with positional arguments, one object, or nothing. */
export type CallStyle = "positional" | "object";

/** What {@link readParams} found. */
export interface ParamSpec {
  readonly style: CallStyle;
  /** Dependencies in parameter order (the signal parameter excluded). */
  readonly deps: readonly ParamDep[];
  /** Where the signal goes: its positional index, 0 for the object form, or -1 when not asked for. */
  readonly signalIndex: number;
}

/** Why parameters could not be read; the caller turns it into a GraphBuildError. */
export class ParamReadError extends Error {}

/**
 * Reads the parameters of `fn`.
 *
 * @throws {ParamReadError} for forms that cannot be read: rest parameters,
 *   an object parameter that is not destructured, nested patterns, native or
 *   bound functions, or source that does not parse.
 */
export function readParams(fn: Function): ParamSpec {
  const raw = Function.prototype.toString.call(fn);
  const parsed = parseFunction(raw);
  if (!parsed) {
    if (raw.endsWith("[native code] }")) {
      throw new ParamReadError("it is a native or bound function, whose parameters cannot be read");
    }
    throw new ParamReadError("its source could not be parsed");
  }
  const { fn: fnNode, source } = parsed;
  const params = fnNode.params;
  if (params.length === 0) return { style: "positional", deps: [], signalIndex: -1 };
  if (params.length === 1 && unwrapDefault(params[0]!).type === "ObjectPattern") {
    return readObjectPattern(unwrapDefault(params[0]!) as ObjectPatternNode, source);
  }
  const deps: ParamDep[] = [];
  let signalIndex = -1;
  params.forEach((p, i) => {
    const dep = readSimple(p, source, "parameter");
    if (dep.name === SIGNAL_PARAM) signalIndex = i;
    else deps.push(dep);
  });
  if (signalIndex !== -1 && signalIndex !== params.length - 1) {
    throw new ParamReadError(`the "${SIGNAL_PARAM}" parameter must come last`);
  }
  return { style: "positional", deps, signalIndex };
}

type ObjectPatternNode = Extract<Pattern, { type: "ObjectPattern" }>;

function readObjectPattern(pattern: ObjectPatternNode, source: string): ParamSpec {
  const deps: ParamDep[] = [];
  let signal = false;
  for (const prop of pattern.properties) {
    if (prop.type === "RestElement") {
      throw new ParamReadError("it uses a rest element in its destructured parameter");
    }
    if (prop.computed || prop.key.type !== "Identifier") {
      throw new ParamReadError("its destructured parameter has a computed or non-identifier key");
    }
    const name = prop.key.name;
    const value = prop.value as Pattern;
    let optional = false;
    let defaultSource: string | undefined;
    if (value.type === "AssignmentPattern") {
      optional = true;
      defaultSource = source.slice(start(value.right), end(value.right));
      if (value.left.type !== "Identifier") {
        throw new ParamReadError(`its destructured key "${name}" uses a nested pattern`);
      }
    } else if (value.type !== "Identifier") {
      throw new ParamReadError(`its destructured key "${name}" uses a nested pattern`);
    }
    if (name === SIGNAL_PARAM) signal = true;
    else deps.push(defaultSource === undefined ? { name, optional } : { name, optional, defaultSource });
  }
  return { style: "object", deps, signalIndex: signal ? 0 : -1 };
}

function readSimple(p: Pattern, source: string, what: string): ParamDep {
  if (p.type === "Identifier") return { name: p.name, optional: false };
  if (p.type === "AssignmentPattern" && p.left.type === "Identifier") {
    return { name: p.left.name, optional: true, defaultSource: source.slice(start(p.right), end(p.right)) };
  }
  if (p.type === "RestElement") throw new ParamReadError("it uses a rest parameter");
  throw new ParamReadError(`a ${what} is a destructuring pattern next to other parameters`);
}

function unwrapDefault(p: Pattern): Pattern {
  return p.type === "AssignmentPattern" ? p.left : p;
}

function start(n: AcornNode): number {
  return n.start;
}
function end(n: AcornNode): number {
  return n.end;
}

const PARSE_OPTIONS = { ecmaVersion: "latest", sourceType: "module" } as const;

/** Parses function source as an expression, or as an object method (`m(a) {}`). */
function parseFunction(raw: string): { fn: AcornFunction; source: string } | undefined {
  for (const [prefix, suffix] of [["(", ")"], ["({", "})"]] as const) {
    const source = prefix + raw + suffix;
    let program;
    try {
      program = parse(source, PARSE_OPTIONS);
    } catch {
      continue;
    }
    const stmt = program.body[0];
    if (stmt?.type !== "ExpressionStatement") continue;
    const expr = stmt.expression;
    if (expr.type === "FunctionExpression" || expr.type === "ArrowFunctionExpression") return { fn: expr, source };
    if (expr.type === "ObjectExpression") {
      const prop = expr.properties[0];
      if (prop?.type === "Property" && prop.value.type === "FunctionExpression") return { fn: prop.value, source };
    }
  }
  return undefined;
}
