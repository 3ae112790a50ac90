/** @jsxImportSource hono/jsx */
/**
 * The "re-run from here" form of the web view started with `weft ui
 * --allow-run`: it POSTs to /runs/:id/rerun with the session token, the node
 * to recompute from and optional input values (`name=value`, one a line);
 * the server starts `weft rerun` in a child process and sends the browser to
 * the new run. The token is not in the page: the app's script keeps it from
 * the printed URL in the origin's localStorage and fills it in on submit; the
 * form shows only when it holds one, the note otherwise.
 *
 * @module
 */

/** Whether the page offers re-runs (the server was started with `--allow-run`). */
export type RerunOffer = boolean | undefined;

/**
 * The form, for node `from` of run `runId` (or with a field for the node when `from` is undefined).
 *
 * @example
 * ```tsx
 * <RerunForm runId={run.id} from="doubled" offer={true} />
 * ```
 */
export function RerunForm({ runId, from, offer }: { runId: string; from?: string | undefined; offer: RerunOffer }) {
  if (!offer) return null;
  return (
    <>
    <p class="note rerun-locked">Re-runs are allowed on this server: open the URL with the token that weft ui --allow-run printed, once, in this browser.</p>
    <form class="rerun" method="post" action={`/runs/${encodeURIComponent(runId)}/rerun`} data-from={from}>
      <input type="hidden" name="token" value="" />
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
    </>
  );
}
