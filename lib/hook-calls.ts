/**
 * Calling hook methods: every failure becomes a {@link HookError} that names
 * the hook and the method, and a returned promise is kept so that the build
 * or the run awaits it. Node, task and expansion hooks do not hold their
 * node back: their promises are awaited when the run ends, before
 * `afterGraph`, and the first rejection fails the run.
 *
 * @module
 */
import { HookError } from "./errors.ts";
import type { Hook } from "./hooks.ts";

type Method = Exclude<keyof Hook, "name">;
type EventOf<M extends Method> = Parameters<NonNullable<Hook[M]>>[0];

/** The promises hook methods returned during one build step or run, and the first failure among them. */
export class HookPromises {
  readonly #pending: Promise<void>[] = [];
  /** The first `HookError` of a rejected promise, once it rejected. */
  error: HookError | undefined;

  /** Keeps `result`'s settlement; it never rejects unhandled: a rejection is recorded as {@link error}. */
  add(result: PromiseLike<unknown>, hook: string, method: string): void {
    this.#pending.push(Promise.resolve(result).then(
      () => {},
      (e) => void (this.error ??= new HookError(hook, method, e)),
    ));
  }

  /** Resolves once every kept promise settled (those added meanwhile included). */
  async settled(): Promise<void> {
    while (this.#pending.length > 0) await Promise.all(this.#pending.splice(0));
  }

  get empty(): boolean {
    return this.#pending.length === 0;
  }
}

/** How a hook is named in errors: its `name`, its class, or its place among the driver's hooks. */
export function hookLabel(hook: Hook, index: number): string {
  if (typeof hook.name === "string" && hook.name !== "") return `"${hook.name}"`;
  const ctor = (Object.getPrototypeOf(hook) as { constructor?: { name?: string } } | null)?.constructor?.name;
  return ctor !== undefined && ctor !== "Object" && ctor !== "" ? `"${ctor}"` : `#${index + 1}`;
}

/**
 * Calls `method` of every hook that has it, in order; one that throws does
 * not keep the others from hearing the event (the run tracker, last, among
 * them).
 *
 * @throws {HookError} for the first hook that threw
 */
export function callHooks<M extends Method>(hooks: readonly Hook[], method: M, event: EventOf<M>, promises: HookPromises | undefined): void {
  let error: HookError | undefined;
  for (let i = 0; i < hooks.length; i++) {
    const hook = hooks[i]!;
    const fn = hook[method] as ((e: EventOf<M>) => unknown) | undefined;
    if (fn === undefined) continue;
    let result: unknown;
    try {
      result = fn.call(hook, event);
    } catch (e) {
      error ??= new HookError(hookLabel(hook, i), method, e);
      continue;
    }
    if (result !== undefined && result !== null && typeof (result as PromiseLike<unknown>).then === "function") {
      if (promises === undefined) error ??= new HookError(hookLabel(hook, i), method, new TypeError("returned a promise where none can be awaited"));
      else promises.add(result as PromiseLike<unknown>, hookLabel(hook, i), method);
    }
  }
  if (error !== undefined) throw error;
}

/** True when some hook has one of `methods`: the engine then does that work, else skips it. */
export function anyHookHas(hooks: readonly Hook[], ...methods: readonly Method[]): boolean {
  return hooks.some((h) => methods.some((m) => h[m] !== undefined));
}
