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
  /**
   * The default's value when it is a literal (see {@link literalValue}), read
   * once at build: the cache keys a call that leaves the parameter to its
   * default like one that passes this value.
   */
  readonly defaultValue?: { readonly value: unknown };
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
  return readParamSource(Function.prototype.toString.call(fn));
}

/**
 * {@link readParams} on the source text of a compiled function.
 *
 * @throws {ParamReadError} as {@link readParams}
 */
export function readParamSource(raw: string): ParamSpec {
  // Most nodes have plain parameter lists: reading those costs no parse (a
  // parser per function was most of the build of a large graph).
  const names = raw.endsWith("[native code] }") ? undefined : simpleParamNames(raw);
  if (names === undefined) return parseParamSource(raw);
  if (names.length === 0) return { style: "positional", deps: [], signalIndex: -1 };
  // What positional() does, without its intermediate list: this runs once per node of a large graph.
  const deps: ParamDep[] = [];
  let signalIndex = -1;
  for (let i = 0; i < names.length; i++) {
    if (names[i] === SIGNAL_PARAM) signalIndex = i;
    else deps.push({ name: names[i]!, optional: false });
  }
  if (signalIndex !== -1 && signalIndex !== names.length - 1) {
    throw new ParamReadError(`the "${SIGNAL_PARAM}" parameter must come last`);
  }
  return { style: "positional", deps, signalIndex };
}

/**
 * The parameters of function source `raw`, read by the parser alone: the
 * authority {@link simpleParamNames} is tested against.
 *
 * @throws {ParamReadError} as {@link readParams}
 */
export function parseParamSource(raw: string): ParamSpec {
  const parsed = parseFunction(raw);
  if (!parsed) {
    if (raw.endsWith("[native code] }")) {
      throw new ParamReadError("it is a native or bound function, whose parameters cannot be read");
    }
    throw new ParamReadError("its source could not be parsed");
  }
  const { fn: fnNode, source } = parsed;
  const params = fnNode.params;
  if (params.length === 1 && unwrapDefault(params[0]!).type === "ObjectPattern") {
    return readObjectPattern(unwrapDefault(params[0]!) as ObjectPatternNode, source);
  }
  return positional(params.map((p) => readSimple(p, source, "parameter")));
}

/** A positional parameter list, the signal parameter taken out (it must come last). */
function positional(params: readonly ParamDep[]): ParamSpec {
  if (params.length === 0) return { style: "positional", deps: [], signalIndex: -1 };
  const deps: ParamDep[] = [];
  let signalIndex = -1;
  params.forEach((dep, i) => {
    if (dep.name === SIGNAL_PARAM) signalIndex = i;
    else deps.push(dep);
  });
  if (signalIndex !== -1 && signalIndex !== params.length - 1) {
    throw new ParamReadError(`the "${SIGNAL_PARAM}" parameter must come last`);
  }
  return { style: "positional", deps, signalIndex };
}

// A function, method or arrow head whose parameters are plain identifiers: `function f(a, b) {`,
// `async function* (a) {`, `m(a) {`, `(a, b) =>`, `async (a) =>`; and the one-parameter arrow `a =>`.
// Whitespace only (a comment, a default, a pattern, a rest or a trailing comma leaves it to the parser).
const WS = "[ \\t\\n\\r]";
const IDENT = "[A-Za-z_$][\\w$]*";
// No line break after `async` nor before `=>`: the grammar forbids one there.
const ASYNC = "async[ \\t]+";
const HEAD = new RegExp(
  `^(?:${ASYNC})?(?:function\\b${WS}*(?:\\*${WS}*)?(?:${IDENT}${WS}*)?|(?:\\*${WS}*)?${IDENT}${WS}*)?\\(((?:${WS}|[\\w$,])*)\\)(?:${WS}*\\{|[ \\t]*=>)`,
);
const ARROW = new RegExp(`^(?:${ASYNC})?(${IDENT})[ \\t]*=>`);

// Names the parser (module code, hence strict) refuses or treats apart as parameters: left to it.
const RESERVED = new Set([
  "arguments", "await", "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do",
  "else", "enum", "eval", "export", "extends", "false", "finally", "for", "function", "if", "implements", "import", "in",
  "instanceof", "interface", "let", "new", "null", "package", "private", "protected", "public", "return", "static",
  "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield",
]);

/**
 * The parameter names of a function source whose head is a plain list of
 * identifiers, read without a parser; `undefined` for anything else (the
 * parser then decides). What it reads is what the parser reads (a property
 * test holds the two together). It does not look at the body: a body only
 * sloppy code allows (`with`, from `new Function`), which the parser, reading
 * module code, gives up on, keeps the parameters the runtime compiled.
 */
export function simpleParamNames(raw: string): string[] | undefined {
  const arrow = ARROW.exec(raw);
  if (arrow !== null) return RESERVED.has(arrow[1]!) ? undefined : [arrow[1]!];
  const head = HEAD.exec(raw);
  if (head === null) return undefined;
  return listNames(head[1]!);
}

/**
 * The names of a parameter list HEAD matched (whitespace, word characters,
 * `$` and commas only): `[]` for a blank list, `undefined` unless every
 * comma-separated part is one identifier between optional whitespace. A scan
 * rather than split and a regular expression per part: this runs once per
 * node of a large graph.
 */
function listNames(list: string): string[] | undefined {
  const names: string[] = [];
  const n = list.length;
  for (let start = 0; ;) {
    let i = start;
    while (i < n && isSpace(list.charCodeAt(i))) i++;
    const from = i;
    while (i < n && list.charCodeAt(i) !== COMMA && !isSpace(list.charCodeAt(i))) i++;
    const to = i;
    while (i < n && isSpace(list.charCodeAt(i))) i++;
    if (i < n && list.charCodeAt(i) !== COMMA) return undefined; // two words in one part
    if (from === to) return start === 0 && i === n ? names : undefined; // a blank list, or an empty part
    if (isDigit(list.charCodeAt(from))) return undefined;
    const name = list.slice(from, to);
    // Duplicates are a syntax error in strict code: the parser's to report.
    if (RESERVED.has(name) || names.includes(name)) return undefined;
    names.push(name);
    if (i === n) return names;
    start = i + 1;
  }
}

const COMMA = 44;
/** The whitespace of WS: space, tab, line feed, carriage return. */
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
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
    let defaultValue: { value: unknown } | undefined;
    if (value.type === "AssignmentPattern") {
      optional = true;
      defaultSource = source.slice(start(value.right), end(value.right));
      defaultValue = literalValue(value.right);
      if (value.left.type !== "Identifier") {
        throw new ParamReadError(`its destructured key "${name}" uses a nested pattern`);
      }
    } else if (value.type !== "Identifier") {
      throw new ParamReadError(`its destructured key "${name}" uses a nested pattern`);
    }
    if (name === SIGNAL_PARAM) signal = true;
    else if (defaultSource === undefined) deps.push({ name, optional });
    else deps.push(defaultValue === undefined ? { name, optional, defaultSource } : { name, optional, defaultSource, defaultValue });
  }
  return { style: "object", deps, signalIndex: signal ? 0 : -1 };
}

function readSimple(p: Pattern, source: string, what: string): ParamDep {
  if (p.type === "Identifier") return { name: p.name, optional: false };
  if (p.type === "AssignmentPattern" && p.left.type === "Identifier") {
    const dep = { name: p.left.name, optional: true, defaultSource: source.slice(start(p.right), end(p.right)) };
    const defaultValue = literalValue(p.right);
    return defaultValue === undefined ? dep : { ...dep, defaultValue };
  }
  if (p.type === "RestElement") throw new ParamReadError("it uses a rest parameter");
  throw new ParamReadError(`a ${what} is a destructuring pattern next to other parameters`);
}

/** Marks a default that is not a literal: its value is known only when the function runs. */
const NOT_LITERAL = Symbol("not a literal");

/**
 * The value of a default that is a literal expression, computed without
 * running anything: numbers (a leading `-` included), strings, booleans,
 * `null`, `undefined`, BigInts, templates without expressions, and array and
 * object literals of those (no holes, spreads, computed or shorthand keys,
 * methods or `__proto__`). Anything else (`FOO`, `a + 1`, `new Date()`, a
 * RegExp literal) gives `undefined`, and the cache keys it by the marker for
 * "left to its default". `undefined` is taken to be the global one: a module
 * that declares its own binding named `undefined` is not supported.
 */
export function literalValue(expr: AcornNode): { value: unknown } | undefined {
  const v = literal(expr);
  return v === NOT_LITERAL ? undefined : { value: v };
}

function literal(e: AcornNode): unknown {
  const n = e as AcornNode & Record<string, any>;
  switch (n.type) {
    case "Literal":
      if (n.regex !== undefined) return NOT_LITERAL;
      return n.value;
    case "Identifier": return n.name === "undefined" ? undefined : NOT_LITERAL;
    case "UnaryExpression": {
      if (n.operator === "void" && n.argument.type === "Literal") return undefined;
      // Bun's transpiler prints `true` and `false` as `!0` and `!1`.
      if (n.operator === "!") {
        const x = literal(n.argument);
        return x === NOT_LITERAL ? NOT_LITERAL : !x;
      }
      if (n.operator !== "-" || n.argument.type !== "Literal") return NOT_LITERAL;
      const x = n.argument.value;
      return typeof x === "number" || typeof x === "bigint" ? -x : NOT_LITERAL;
    }
    case "TemplateLiteral":
      return n.expressions.length === 0 && typeof n.quasis[0].value.cooked === "string" ? n.quasis[0].value.cooked : NOT_LITERAL;
    case "ArrayExpression": {
      const out: unknown[] = [];
      for (const el of n.elements) {
        if (el === null || el.type === "SpreadElement") return NOT_LITERAL;
        const v = literal(el);
        if (v === NOT_LITERAL) return NOT_LITERAL;
        out.push(v);
      }
      return out;
    }
    case "ObjectExpression": {
      const out: Record<string, unknown> = {};
      for (const p of n.properties) {
        if (p.type !== "Property" || p.kind !== "init" || p.computed || p.method || p.shorthand) return NOT_LITERAL;
        const key = p.key.type === "Identifier" ? p.key.name : p.key.type === "Literal" && (typeof p.key.value === "string" || typeof p.key.value === "number") ? String(p.key.value) : undefined;
        // `__proto__: x` in a literal sets the prototype rather than a property; an object key repeated keeps its last value.
        if (key === undefined || key === "__proto__") return NOT_LITERAL;
        const v = literal(p.value);
        if (v === NOT_LITERAL) return NOT_LITERAL;
        out[key] = v;
      }
      return out;
    }
  }
  return NOT_LITERAL;
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
