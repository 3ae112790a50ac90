/**
 * A module the cross-runtime tests compute code versions of (read as a file,
 * never imported): types, comments, a helper that is not exported, a constant,
 * a relative import, a namespace import and a package.
 */
import { Effect } from "effect";
import { scale } from "./code-fixture-helper.ts";
import * as helpers from "./code-fixture-helper.ts";

interface Row {
  readonly units: number;
}

const RATE = 1 + 0; // Bun's transpiler folds this in toString; the file keeps it

function normalize(x: number): number {
  return x / RATE;
}

export function cleaned(rows: readonly Row[]): Row[] {
  return rows.filter((r) => r.units > 0);
}

export const priced = (cleaned: Row[]) => cleaned.map((r) => scale(normalize(r.units)));

export const total = (priced: number[]) => Effect.runSync(Effect.succeed(priced.reduce((a, b) => a + b, helpers.offset)));
