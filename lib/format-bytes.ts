/**
 * Byte counts for people: the one function every size weft prints goes
 * through (the CLI's cache and history commands, the web view).
 *
 * @module
 */

/**
 * A byte count for people: "512 B", "3.4 KiB", "12.0 MiB", "1.5 GiB".
 *
 * @example
 * ```ts
 * formatBytes(3500); // "3.4 KiB"
 * ```
 */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(1)} GiB`;
}
