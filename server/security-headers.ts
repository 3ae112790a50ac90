/**
 * The headers every response of the web view carries, refusals and errors
 * included: a Content-Security-Policy that runs only the app's own script
 * (no inline script, no handler attributes, no javascript: URLs), no
 * sniffing, and no referrer to other sites. `same-origin`, not `no-referrer`:
 * under `no-referrer` Chromium sends `Origin: null` on the app's own form
 * POSTs, and a re-run POST is checked by its Origin (rerun-access.ts).
 *
 * @module
 */

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Headers of every response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": CSP,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
};

/**
 * A plain-text answer with the security headers, made without Hono so that
 * an error handler can always give one.
 *
 * @example
 * ```ts
 * return plainResponse(400, "Bad request: the Host header is missing");
 * ```
 */
export function plainResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...SECURITY_HEADERS, "Content-Type": "text/plain; charset=UTF-8" } });
}

/** `res` with the security headers set (a copy when its headers are immutable). */
export function withSecurityHeaders(res: Response): Response {
  try {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.headers.set(k, v);
    return res;
  } catch {
    // Immutable headers (Response.error(), a fetched response).
    const copy = new Response(res.body, res);
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) copy.headers.set(k, v);
    return copy;
  }
}
