/**
 * The object result (Hamilton's `DictResult`): the outputs by name, as
 * `execute` returns them without a builder.
 *
 * @module
 */
import { withResultKind, type KindedResultBuilder, type ResultKind } from "./result-builder.ts";

/** The kind of {@link objectResult}: the outputs as they are. */
export interface ObjectResultKind extends ResultKind {
  readonly result: this["outputs"];
}

/**
 * The outputs by name, as they are: `execute`'s result when no builder is
 * given. Pass it to `execute` to undo a `withResultBuilder` for one call.
 *
 * @example
 * ```ts
 * const { total } = await dr.execute(["total"], { resultBuilder: objectResult });
 * ```
 */
export const objectResult: KindedResultBuilder<ObjectResultKind> = withResultKind<ObjectResultKind>((outputs) => outputs);
