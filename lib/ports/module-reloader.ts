/**
 * The ModuleReloader port: what `driver.watch` needs from the runtime to
 * re-run a flow on save. Each runtime imports a module file afresh its own
 * way (runtime/<name>/module-reloader.ts); finding the files a flow reaches
 * and watching them is shared (runtime/shared/).
 *
 * @module
 */

/** Where a file cannot be parsed. */
export interface SyntaxProblem {
  /** Absolute path of the file. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** The project files some modules reach, read from disk now. */
export interface ModuleFiles {
  /**
   * Absolute paths: the modules themselves, then every project file they reach
   * by relative import (static, re-export, or `import("…")` of a string);
   * never a package from node_modules nor weft's own files.
   */
  readonly files: readonly string[];
  /** One string that changes when any of those files' content changes. */
  readonly stamp: string;
  /** The first syntax error found in them, if any. */
  readonly syntaxError?: SyntaxProblem;
}

/** A running watch of files; `close()` stops it. */
export interface FileWatch {
  close(): void;
}

/** Fresh imports and file watching, for `driver.watch`. */
export interface ModuleReloader {
  /** The project files `urls` (module file URLs) reach, with the first syntax error among them. */
  scan(urls: readonly string[]): Promise<ModuleFiles>;
  /**
   * Imports each module file afresh: a new instance of it and of every project
   * file in `files` it reaches (their top level runs again); packages and
   * weft's own modules are shared, so weft's classes stay the same. Resolves to
   * each module's exports, in order.
   */
  importFresh(urls: readonly string[], files: readonly string[]): Promise<Record<string, unknown>[]>;
  /** Calls `onChange(file)` when one of `files` (absolute paths) is written, created or replaced. */
  watch(files: readonly string[], onChange: (file: string) => void): FileWatch;
  /** Frees what the last fresh import left behind (Deno's copies). Safe to call twice. */
  dispose(): void;
}
