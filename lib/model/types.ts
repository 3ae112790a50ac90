/**
 * Type-level view of a flow: which nodes the modules define, what each
 * produces, and the check that every destructured edge is well typed.
 *
 * @module
 */
import type { Effect } from "effect";
import type { IsCollecting, IsParallelizable, ItemOf } from "../modifiers/map-reduce.ts";

/** Any node function. */
export type NodeFn = (...args: any[]) => unknown;

/** What a node produces, once awaited: the success type of an Effect, or the awaited value. */
export type NodeValue<R> = R extends Effect.Effect<infer A, any, any> ? A : Awaited<R>;

/** A module passed with a name of its own, for messages and the `module` tag. */
export interface NamedModule<E extends object = object> {
  readonly name: string;
  readonly exports: E;
  /** The module's file (`import.meta.url`): code versions read it. Found from the caller's imports when omitted. */
  readonly url?: string;
}

/** The exports of a module argument. */
type ExportsOf<M> = M extends NamedModule<infer E> ? E : M;

/**
 * Type-level key of {@link DefinesNodes}. It exists only in types: nothing
 * carries it at run time.
 */
export declare const NODES: unique symbol;

/**
 * Marks a function returned by a modifier with the nodes it defines, for the
 * types of `execute`: name -> a function whose return type is the node's.
 * The key `""` stands for the export's own node name, and a key starting with
 * "." for a name under it (`".metadata"` -> `"rows.metadata"`); any other key is
 * a node name as it is. Without the mark, an export defines one node named
 * after it (up to `__`).
 */
export interface DefinesNodes<M> {
  readonly [NODES]?: M;
}

/** The node an export defines by default: its name up to `__` (`revenue__us` -> `revenue`). */
export type NodeNameOf<K extends string> = K extends `${infer B}__${string}` ? (B extends "" ? K : B) : K;

type NodesOfExport<K extends string, V> = V extends NodeFn
  ? V extends { readonly [NODES]?: infer D }
    ? unknown extends D ? { [P in NodeNameOf<K>]: V }
    : { [P in keyof D & string as P extends "" ? NodeNameOf<K> : P extends `.${string}` ? `${NodeNameOf<K>}${P}` : P]: D[P] }
    : { [P in NodeNameOf<K>]: V }
  : {};

type NodeMapsOf<E> = { [K in keyof E & string]: K extends `_${string}` ? never : NodesOfExport<K, E[K]> }[keyof E & string];
type KeysOfUnion<U> = U extends unknown ? keyof U : never;
type ValueIn<U, N> = U extends unknown ? N extends keyof U ? U[N] : never : never;

/**
 * The node functions a module defines, by node name: exported functions whose
 * names do not start with `_`, under their node name (`revenue__us` defines
 * `revenue`; alternatives of one node give a union), and the nodes modifiers
 * declare with {@link DefinesNodes}.
 */
export type NodeFunctionsOf<M> = {
  [N in KeysOfUnion<NodeMapsOf<ExportsOf<M>>> & string]: ValueIn<NodeMapsOf<ExportsOf<M>>, N>;
};

/** Node functions of several modules. */
export type NodeFunctionsOfAll<M extends readonly unknown[]> = M extends readonly [infer H, ...infer T]
  ? NodeFunctionsOf<H> & NodeFunctionsOfAll<T>
  : {};

/** Name -> produced type, for functions `F` and config `C` (config shadows functions). */
export type NodeTypes<F, C> = Flatten<
  & { [K in Exclude<keyof F, keyof C>]: F[K] extends NodeFn ? ValueOf<F[K]> : never }
  & C
>;

/** What dependents receive from a node function: its awaited value, or one item for a parallelizable. */
type ValueOf<Fn extends NodeFn> = IsParallelizable<Fn> extends true ? ItemOf<ReturnType<Fn>> : NodeValue<ReturnType<Fn>>;

type Flatten<T> = { [K in keyof T]: T[K] } & {};

/** The object parameter of a destructured node function, or never for the positional form (and for collect nodes, whose block parameters receive arrays). */
type ObjectParam<F> = IsCollecting<F> extends true ? never : F extends (arg: infer P, ...rest: infer R) => unknown
  ? R extends [] ? P extends readonly unknown[] | NodeFn | string | number | boolean | bigint | symbol | null | undefined ? never
    // A record type (an index signature) is one positional value, not a destructured parameter.
    : string extends keyof P ? never
    : P
  : never
  : never;

/** One ill-typed edge: `node` declares `param` as `expected`, but the producer returns `got`. */
export interface EdgeTypeMismatch<Node extends string, Param extends string, Expected, Got> {
  readonly node: Node;
  readonly param: Param;
  readonly expected: Expected;
  readonly got: Got;
}

/** Every ill-typed destructured edge of the flow, as a union (never when all edges are fine). */
export type EdgeErrors<F, N> = {
  [K in keyof F & string]: ObjectParam<F[K]> extends infer P
    ? [P] extends [never] ? never
    : {
      [Q in keyof P & keyof N & string]: [N[Q]] extends [P[Q]] ? never : EdgeTypeMismatch<K, Q, P[Q], N[Q]>;
    }[keyof P & keyof N & string]
    : never;
}[keyof F & string];

/** The result of `execute`: exactly the requested keys with their types. */
export type ExecuteResult<N, I, O extends string> = {
  [K in O]: K extends keyof N ? N[K] : K extends keyof I ? I[K] : unknown;
};

type ParallelizableNames<F> = { [K in keyof F & string]: IsParallelizable<F[K]> extends true ? K : never }[keyof F & string];

/** Nodes of `F` that destructure one of the names `S` (collect nodes excepted: they run once per block). */
type ReadersOf<F, S extends string> = {
  [K in keyof F & string]: [ObjectParam<F[K]>] extends [never] ? never : [Extract<keyof ObjectParam<F[K]>, S>] extends [never] ? never : K;
}[keyof F & string];

// Depth-bounded (16 levels of per-item nodes) so that a large flow stays cheap to check.
type PerItemClosure<F, S extends string, D extends readonly unknown[]> = D["length"] extends 16 ? S
  : [Exclude<ReadersOf<F, S>, S>] extends [never] ? S
  : PerItemClosure<F, S | ReadersOf<F, S>, [...D, 0]>;

/**
 * Nodes that are not outputs of a run: the parallelizable nodes (they yield
 * items) and the nodes that run once per item, as far as types can tell: those
 * that destructure a parallelizable or another per-item node. A positional
 * parameter's name is not in its type, so a per-item node of the positional
 * form is still offered (and fails at run time with `MapReduceError`).
 */
export type PerItemNodes<F> = PerItemClosure<F, ParallelizableNames<F>, []>;
