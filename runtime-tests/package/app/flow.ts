// The typed flow of the packed-package test: the CLI runs it on Node 20 (through oxc-transform, in the main
// thread and in the worker thread of `heavy`) and tsc checks driver.ts against it.
import { node } from "weft";
import { threadId } from "node:worker_threads";

export function rows(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i + 1);
}
export const sum = (rows: number[]): number => rows.reduce((a, b) => a + b, 0);
export const label = (sum: number, unit: string = "items"): string => `${sum} ${unit}`;
/** On a worker thread: says which. */
export const heavy = node((sum: number): { value: number; thread: number } => ({ value: sum * 10, thread: threadId }), { worker: true });
