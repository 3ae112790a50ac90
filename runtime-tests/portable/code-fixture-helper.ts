/** Helpers of code-fixture.ts. */
export function scale(x: number): number {
  return x * 2;
}

export const offset = 0;
