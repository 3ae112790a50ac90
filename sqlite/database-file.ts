/**
 * Checks of the SQLite file before it is opened, shared by the cache and the
 * run history (one file, `.weft/weft.db`): whether its header says it is a
 * whole SQLite database, and whether its directory can be written at all.
 *
 * @module
 */
import type { CacheDrivers } from "../lib/ports/cache-drivers.ts";

const SQLITE_MAGIC = "SQLite format 3\0";

/**
 * What is wrong with the database file's header, if anything: not SQLite, or
 * shorter than the page count its header records (a truncated copy). SQLite
 * itself only notices a truncation when a query reaches a missing page.
 */
export function headerDamage({ fs }: CacheDrivers, path: string): string | undefined {
  const head = fs.readFile(path, 0, 100);
  if (head === undefined || head.byteLength === 0) return undefined;
  if (head.byteLength < 100 || new TextDecoder().decode(head.subarray(0, 16)) !== SQLITE_MAGIC) return "the file is not a SQLite database";
  // With a WAL file, pages may be in flight between the WAL and the file (a checkpoint writes page 1 first): no verdict.
  if ((fs.stat(`${path}-wal`)?.size ?? 0) > 0) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, 100);
  const pageSize = view.getUint16(16) === 1 ? 65536 : view.getUint16(16);
  const pages = view.getUint32(28);
  // The header's page count is valid only when its change counter matches "version-valid-for" (SQLite file format, 1.3.7).
  const valid = view.getUint32(24) === view.getUint32(92);
  const size = fs.stat(path)?.size ?? 0;
  if (valid && pages * pageSize > size) return `the file is damaged (it has ${size} bytes, its header says ${pages * pageSize})`;
  return undefined;
}

const PROBE_BYTES = new Uint8Array(4096);
const FULL_DISK = /ENOSPC|no space left/i;

/** Why the cache directory cannot be used (and whether because its disk is full), or `undefined` when it can. */
export function probeWritable({ fs }: CacheDrivers, dir: string): { readonly text: string; readonly full: boolean } | undefined {
  // Permission bits do not tell (root ignores them, immutable or read-only mounts do not show): try it.
  const probe = `${dir}/.weft-probe-${crypto.randomUUID()}`;
  try {
    fs.mkdir(dir);
    // A page's worth of bytes, not an empty file: an empty file can still be made on a full disk.
    fs.writeFile(probe, [PROBE_BYTES]);
    fs.remove(probe);
    return undefined;
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    try {
      fs.remove(probe);
    } catch {
      // Nothing was made.
    }
    if (FULL_DISK.test(`${(e as { code?: unknown })?.code ?? ""} ${detail}`)) return { text: `the disk holding the cache directory "${dir}" is full (${detail})`, full: true };
    return { text: `the cache directory "${dir}" is not writable (${detail})`, full: false };
  }
}
