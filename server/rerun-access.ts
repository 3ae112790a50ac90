/**
 * Who may re-run from the web view (`weft ui --allow-run`): a random session
 * token, printed by `weft ui` at start, required on every POST (a form field
 * or the `x-weft-token` header), and an `Origin` that is the server's own.
 * A browser gets the token by opening the printed URL once (`/?token=…`):
 * the app's script keeps it in the origin's localStorage, which is scoped to
 * the port (a cookie is not: every server on 127.0.0.1 would receive it), and
 * sends it with each re-run form; the pages never hold it. So another page,
 * another site or another user of the machine cannot start runs.
 *
 * @module
 */

/** The header a script may send the token in, instead of the form field `token`. */
export const TOKEN_HEADER = "x-weft-token";

/** The session token of a server started with `--allow-run`, and the checks of a POST. */
export class RerunAccess {
  readonly token: string;

  /** A fresh random token (32 random bytes, hex), or `token` when given (tests). */
  constructor(token?: string) {
    if (token !== undefined && !/^[0-9a-f]{32,}$/.test(token)) throw new TypeError("A re-run token must be at least 32 lowercase hex digits");
    this.token = token ?? [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, "0")).join("");
  }

  /** Whether `given` is the token; compares every character, so the time taken does not tell how much matched. */
  matches(given: string | undefined): boolean {
    if (given === undefined || given.length !== this.token.length) return false;
    let diff = 0;
    for (let i = 0; i < given.length; i++) diff |= given.charCodeAt(i) ^ this.token.charCodeAt(i);
    return diff === 0;
  }

  /**
   * Why a POST's `Origin` is refused, or `undefined` when it is this server's own (`http://` + the `Host` the
   * request was sent to, which the Host allow-list has already accepted).
   */
  originProblem(origin: string | undefined, host: string | undefined): string | undefined {
    if (origin === undefined || origin === "") return "the request has no Origin header; re-runs are started from this server's own pages";
    if (host === undefined || origin.toLowerCase() !== `http://${host.toLowerCase()}`) return `the request comes from "${origin}", not from this server's own pages (http://${host ?? "?"})`;
    return undefined;
  }
}
