/** @jsxImportSource hono/jsx */
/**
 * The "re-run from here" form of the web view started with `weft ui
 * --allow-run`: it POSTs to /runs/:id/rerun with the session token, the node
 * to recompute from and optional input values (`name=value`, one a line);
 * the server starts `weft rerun` in a child process and sends the browser to
 * the new run. Shown only to a browser that opened the URL with the token.
 *
 * @module
 */

/** How the page may offer re-runs: the token to put in forms, or why it offers none. */
export type RerunOffer = { readonly token: string } | { readonly locked: true } | undefined;

/**
 * The form, for node `from` of run `runId` (or with a field for the node when `from` is undefined).
 *
 * @example
 * ```tsx
 * <RerunForm runId={run.id} from="doubled" offer={{ token }} />
 * ```
 */
export function RerunForm({ runId, from, offer }: { runId: string; from?: string | undefined; offer: RerunOffer }) {
  if (offer === undefined) return null;
  if ("locked" in offer) {
    return <p class="note rerun-locked">Re-runs are allowed on this server, for a browser that opened the URL with the token that weft ui --allow-run printed.</p>;
  }
  return (
    <form class="rerun" method="post" action={`/runs/${encodeURIComponent(runId)}/rerun`} data-from={from}>
      <input type="hidden" name="token" value={offer.token} />
      {from === undefined
        ? <label>{"re-run from node "}<input name="from" class="mono" placeholder="(none: only what changed)" /></label>
        : <input type="hidden" name="from" value={from} />}
      <details>
        <summary>input values (optional)</summary>
        <textarea name="inputs" rows={3} cols={40} class="mono" placeholder={"name=value, one a line (JSON when it parses)"}></textarea>
      </details>
      <button type="submit" class="rerun-button">{from === undefined ? "re-run" : "re-run from here"}</button>
      <span class="note">{" recomputes it and what depends on it; the rest comes from the cache"}</span>
    </form>
  );
}
