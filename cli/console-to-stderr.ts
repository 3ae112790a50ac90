/**
 * For `--json`: while a run goes, what nodes print with `console.log` (and
 * `info`, `debug`, `dir`, `table`) goes to stderr, so stdout holds the one
 * JSON document and nothing else. Worker threads print through their own
 * console, which this process does not see.
 *
 * @module
 */

const METHODS = ["log", "info", "debug", "dir", "table"] as const;

/**
 * Sends the console's stdout methods to `console.error` until the returned function is called.
 *
 * @example
 * ```ts
 * const restore = consoleToStderr();
 * try { await driver.execute(outputs); } finally { restore(); }
 * ```
 */
export function consoleToStderr(): () => void {
  const saved = METHODS.map((m) => [m, console[m]] as const);
  for (const m of METHODS) console[m] = (...args: unknown[]) => console.error(...args);
  return () => {
    for (const [m, fn] of saved) (console as unknown as Record<string, unknown>)[m] = fn;
  };
}
