/**
 * The Builder: collects modules, config and settings, then builds a Driver.
 *
 * @module
 */
import { Driver } from "./driver.ts";
import { buildGraph, type ModuleSource } from "./graph.ts";
import { systemClock, type Clock, type Hook } from "./hooks.ts";
import type { WarningHandler } from "./spec.ts";
import type { EdgeErrors, NamedModule, NodeFunctionsOfAll, NodeTypes } from "./types.ts";

type Values = Readonly<Record<string, unknown>>;

/** What `withModules` accepts: a module namespace (`import * as flow`), a plain object of functions, or `{ name, exports }`. */
export type ModuleArg = object;

/** The message `build()` shows (as its `this` type) when a destructured edge is ill-typed. */
export interface IllTypedEdges<E> {
  readonly "weft: a node's parameter type does not accept what its producer returns": E;
}

/**
 * Builds a {@link Driver} from modules of node functions.
 *
 * @example
 * ```ts
 * import { Builder } from "weft";
 * import * as flow from "./flow.ts";
 * const dr = await new Builder().withModules(flow).withConfig({ region: "eu" }).build();
 * ```
 */
export class Builder<F = {}, C = {}> {
  #modules: ModuleSource[] = [];
  #config: Record<string, unknown> = {};
  #hooks: Hook[] = [];
  #concurrency: number | undefined;
  #allowOverrides = false;
  #clock: Clock = systemClock;
  #warn: WarningHandler | undefined;

  /**
   * Adds modules: every exported function whose name does not start with `_` becomes a node.
   * Pass `{ name, exports }` to give a module a name for messages and the `module` tag.
   */
  withModules<const M extends readonly ModuleArg[]>(...modules: M): Builder<F & NodeFunctionsOfAll<M>, C> {
    for (const m of modules) {
      if (typeof m !== "object" || m === null) {
        throw new TypeError(`withModules() expects module objects (import * as flow from "./flow.ts"), got ${m === null ? "null" : typeof m}`);
      }
      this.#modules.push(toModuleSource(m, this.#modules.length + 1));
    }
    return this as unknown as Builder<F & NodeFunctionsOfAll<M>, C>;
  }

  /** Adds config values: they serve as inputs, and shadow a function node of the same name. */
  withConfig<const C2 extends Values>(config: C2): Builder<F, Omit<C, keyof C2> & C2> {
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
      throw new TypeError("withConfig() expects an object of name -> value");
    }
    Object.assign(this.#config, config);
    return this as unknown as Builder<F, Omit<C, keyof C2> & C2>;
  }

  /** Adds lifecycle hooks, called in the order given. */
  withHooks(...hooks: Hook[]): this {
    for (const h of hooks) {
      if (typeof h !== "object" || h === null) throw new TypeError("withHooks() expects hook objects");
      this.#hooks.push(h);
    }
    return this;
  }

  /** Bounds how many nodes run at once in-process (unbounded by default, as in Hamilton). */
  withConcurrency(limit: number): this {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`withConcurrency() expects a positive integer, got ${String(limit)}`);
    }
    this.#concurrency = limit;
    return this;
  }

  /** Lets a later module's node replace an earlier module's node of the same name, instead of failing. */
  allowModuleOverrides(): this {
    this.#allowOverrides = true;
    return this;
  }

  /**
   * Sends warnings (an output failing a schema in "warn" mode, for instance)
   * to `handler` instead of `console.warn`.
   */
  withWarnings(handler: WarningHandler): this {
    if (typeof handler !== "function") throw new TypeError("withWarnings() expects a function that receives each warning");
    this.#warn = handler;
    return this;
  }

  /** Replaces the clock used for hook timestamps (tests). */
  withClock(clock: Clock): this {
    this.#clock = clock;
    return this;
  }

  /**
   * Builds the graph and returns a Driver.
   *
   * @throws {GraphBuildError} {@link CycleError}
   */
  async build(
    this: [EdgeErrors<F, NodeTypes<F, C>>] extends [never] ? Builder<F, C> : IllTypedEdges<EdgeErrors<F, NodeTypes<F, C>>>,
  ): Promise<Driver<NodeTypes<F, C>>> {
    const self = this as unknown as Builder<F, C>;
    const graph = buildGraph(self.#modules, {
      config: self.#config,
      allowModuleOverrides: self.#allowOverrides,
      ...(self.#warn ? { warn: self.#warn } : {}),
    });
    return new Driver(graph, {
      config: { ...self.#config },
      hooks: [...self.#hooks],
      concurrency: self.#concurrency,
      clock: self.#clock,
    });
  }
}

function toModuleSource(m: object, index: number): ModuleSource {
  const named = m as Partial<NamedModule>;
  const keys = Object.keys(m);
  if (keys.length === 2 && typeof named.name === "string" && typeof named.exports === "object" && named.exports !== null) {
    return { name: named.name, exports: named.exports as Record<string, unknown> };
  }
  return { name: `module ${index}`, exports: m as Record<string, unknown> };
}
