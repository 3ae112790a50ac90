/**
 * Where the cache and the run history live unless told otherwise: one SQLite
 * file, relative to the working directory.
 *
 * @module
 */

/** The default database file of the cache and the run history. */
export const DEFAULT_DATABASE_PATH = ".weft/weft.db";
