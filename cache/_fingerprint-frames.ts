/**
 * The explicit stack of the canonical walk: one frame per open container,
 * and the readable path to the value being visited (built only on failure).
 *
 * @module
 */

/** Kinds of container frames. */
export const Kind = { Array: 0, Object: 1, Map: 2, Set: 3, Codec: 4 } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** A container being walked: `i` is the index of its next child, `n` how many there are. */
export interface WalkFrame {
  readonly kind: Kind;
  readonly obj: object;
  i: number;
  readonly n: number;
  /** Own property names of a plain object, in property order; the codec's name for a codec frame. */
  readonly keys: readonly string[] | undefined;
  /** A frozen plain object: its properties are read-only by design, not by accident. */
  readonly frozen?: boolean;
  /** Iterator over Set values. */
  readonly it: Iterator<unknown> | undefined;
  /** The Map's entry iterator, or a codec's encoded form. */
  readonly pending: unknown;
  /** The Map entry being walked. */
  current?: [unknown, unknown];
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The path from the root to the child each frame is visiting, such as `.rows[3].get("k")`. */
export function pathOf(stack: readonly WalkFrame[]): string {
  let path = "";
  for (const f of stack) {
    const i = f.i - 1;
    switch (f.kind) {
      case Kind.Array:
        path += `[${i}]`;
        break;
      case Kind.Object: {
        const key = f.keys![i]!;
        path += IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
        break;
      }
      case Kind.Set:
        path += `<set item ${i}>`;
        break;
      case Kind.Map: {
        const entry = Math.floor(i / 2);
        if (i % 2 === 0) path += `<map key ${entry}>`;
        else path += `.get(${keyPreview(f.current![0], entry)})`;
        break;
      }
      case Kind.Codec:
        path += `<codec "${f.keys![0]}">`;
        break;
    }
  }
  return path;
}

function keyPreview(key: unknown, entry: number): string {
  if (typeof key === "string") return JSON.stringify(key);
  if (typeof key === "number" || typeof key === "boolean" || typeof key === "bigint") return String(key);
  return `<key of entry ${entry}>`;
}
