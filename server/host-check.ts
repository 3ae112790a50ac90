/**
 * The `Host` allow-list of the web view. A page on another site can make a
 * browser talk to this server by pointing its own DNS name at 127.0.0.1 (DNS
 * rebinding); the browser then sends that name as `Host`, so answering only to
 * the names listed here keeps the history private whatever the bind address.
 *
 * @module
 */

/** The names of this machine that every web view answers to. */
export const LOOPBACK_HOSTS: readonly string[] = ["127.0.0.1", "localhost", "[::1]"];

/** A `Host` header's parts: the name (lowercase, IPv6 in brackets) and the port, if given. */
export interface HostParts {
  readonly name: string;
  readonly port?: number;
}

// RFC 9110's Host = uri-host [ ":" port ], with uri-host a bracketed IPv6 address or a name / IPv4 address.
// Userinfo ("a@b"), paths, spaces and empty names are not hosts: a URL parser would read them differently.
const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?)(?::(\d{1,5}))?$/;

/**
 * Parses a `Host` header value, or a name given to the allow-list (a bare
 * IPv6 address such as `::1` is taken as `[::1]`).
 *
 * @example
 * ```ts
 * parseHost("LocalHost:4319"); // { name: "localhost", port: 4319 }
 * parseHost("127.0.0.1@evil.example"); // undefined
 * ```
 */
export function parseHost(value: string): HostParts | undefined {
  let text = value.trim().toLowerCase();
  if (/^[0-9a-f]*:[0-9a-f:.]*$/.test(text) && text.split(":").length > 2) text = `[${text}]`;
  const m = HOST.exec(text);
  if (m === null) return undefined;
  const name = m[1]!.endsWith(".") ? m[1]!.slice(0, -1) : m[1]!;
  if (m[2] === undefined) return { name };
  const port = Number(m[2]);
  return port > 65535 ? undefined : { name, port };
}

/** What {@link HostAllowList.check} says of a request's `Host`. */
export type HostVerdict = "allowed" | "malformed" | "forbidden";

/**
 * The host names (each optionally with `:port`) a server answers to.
 *
 * @example
 * ```ts
 * const hosts = new HostAllowList([...LOOPBACK_HOSTS, "build-box.lan"]);
 * hosts.check("build-box.lan:4319"); // "allowed"
 * hosts.check("attacker.example"); // "forbidden"
 * ```
 */
export class HostAllowList {
  readonly #names = new Set<string>();
  readonly #withPort = new Set<string>();

  /** @throws {RangeError} naming an entry that is not a host name or address */
  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const host = parseHost(entry);
      if (host === undefined || entry.trim() === "") {
        throw new RangeError(`Allowed host "${entry}" is not a host name: give a name or an address, optionally with ":port", such as "build-box.lan" or "192.168.1.10:4319"`);
      }
      if (host.port === undefined) this.#names.add(host.name);
      else this.#withPort.add(`${host.name}:${host.port}`);
    }
  }

  /** The entries, for messages. */
  get entries(): string[] {
    return [...this.#names, ...this.#withPort];
  }

  /** Whether a request whose `Host` header is `header` (undefined when absent) may be answered. */
  check(header: string | undefined): HostVerdict {
    const host = header === undefined ? undefined : parseHost(header);
    if (host === undefined) return "malformed";
    if (this.#names.has(host.name)) return "allowed";
    return host.port !== undefined && this.#withPort.has(`${host.name}:${host.port}`) ? "allowed" : "forbidden";
  }
}
