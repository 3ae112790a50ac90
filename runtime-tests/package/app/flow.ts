// The typed flow of the packed-package test: the CLI runs it on Node 20 (through oxc-transform) and tsc checks driver.ts against it.
export function rows(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i + 1);
}
export const sum = (rows: number[]): number => rows.reduce((a, b) => a + b, 0);
export const label = (sum: number, unit: string = "items"): string => `${sum} ${unit}`;
