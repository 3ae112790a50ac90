/**
 * Warnings: what a run noticed and did not fail on (an output schema check in
 * "warn" mode, for instance), handed to the run's handler.
 *
 * @module
 */

/** Receives the warnings a run emits (a schema check in "warn" mode, for instance). */
export type WarningHandler = (warning: Warning) => void;

/** A warning: something a run noticed and did not fail on. */
export interface Warning {
  /** What kind of warning, e.g. `"schema"`. */
  readonly kind: string;
  readonly node: string;
  readonly message: string;
  /** Extra detail (the schema issues, for instance). */
  readonly detail?: unknown;
}
