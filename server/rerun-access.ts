/**
 * Who may re-run from the web view (`weft ui --allow-run`): a random session
 * token, printed by `weft ui` at start, required on every POST (a form field
 * or the `x-weft-token` header), and an `Origin` that is the server's own.
 * A browser gets the token in a cookie by opening the printed URL once
 * (`/?token=…`); pages then carry it in their re-run forms, so another page,
 * another site or another user of the machine cannot start runs.
 *
 * @module
 */

/** The cookie that holds the session token in the browser that opened the printed URL. */
export const TOKEN_COOKIE = "weft-run-token";
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
