/**
 * The result of fingerprinting a value: its data version, or why it has none.
 * Produced by `fingerprint()` in cache/; a type here so the engine can use it.
 *
 * @module
 */

/** What fingerprinting a value found. */
export type Fingerprint =
  | {
    readonly ok: true;
    /** SHA-256 of the value's canonical encoding, 64 hex characters. */
    readonly dataVersion: string;
    /** A short readable form when the value is a small primitive, for explanations. */
    readonly preview?: string;
  }
  | {
    readonly ok: false;
    /** Where in the value the culprit is, such as `.rows[3].parse`; "" for the value itself. */
    readonly path: string;
    readonly reason: string;
  };
