/**
 * The FileSystem port: the few synchronous file operations the cache needs
 * for its blob files. Each runtime implements it (runtime/<name>/); paths are
 * POSIX-style strings built by the caller.
 *
 * @module
 */

/** What {@link FileSystem.stat} reports. */
export interface FileInfo {
  readonly size: number;
  /** Last modification, epoch milliseconds. */
  readonly mtimeMs: number;
  readonly isDirectory: boolean;
}

/**
 * Synchronous file operations. Methods throw the runtime's own error for a
 * failure other than "does not exist", with a string `code` (`"EACCES"`,
 * `"EROFS"`, `"EPERM"`, …) when the runtime gives one.
 */
export interface FileSystem {
  /**
   * The bytes of `path` from `offset` (default 0), at most `length` of them
   * (default: to the end), in a fresh buffer of exactly that size (a typed
   * array can be viewed over it without a copy), or `undefined` when the file
   * does not exist.
   */
  readFile(path: string, offset?: number, length?: number): Uint8Array | undefined;
  /** Creates or truncates `path` and writes `parts` one after another. */
  writeFile(path: string, parts: readonly Uint8Array[]): void;
  /** Renames atomically, replacing `to` if it exists. */
  rename(from: string, to: string): void;
  /** Removes a file; no error when it does not exist. */
  remove(path: string): void;
  /** Creates a directory and its parents; no error when it exists. */
  mkdir(path: string): void;
  /** Entry names of a directory, or `[]` when it does not exist. */
  list(dir: string): string[];
  /** Size, time and kind of `path`, or `undefined` when it does not exist. */
  stat(path: string): FileInfo | undefined;
}
