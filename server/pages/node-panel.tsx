/** @jsxImportSource hono/jsx */
/**
 * The node panel: one node of a run, with timings, where it ran (executor and host), the cache's
 * explanation, its error with the stack, and a preview of its result; for a
 * map/reduce node, a row per item.
 *
 * @module
 */
import type { NodeRecord, RunDetail } from "../../lib/ports/run-store.ts";
import { formatDuration } from "../../lib/format-duration.ts";
import { Badge, Time } from "./layout.tsx";
import { nodeStatsHref } from "./node-stats-page.tsx";
import { RerunForm, type RerunOffer } from "./rerun-form.tsx";

/** Item executions listed at most in the panel. */
const MAX_ITEMS = 200;

/** Item paths in index order: "items[2]" before "items[10]", "a[0]/b[1]" before "a[1]/b[0]". */
const byItem = new Intl.Collator("en", { numeric: true }).compare;

/**
 * The panel of node `node` of `run`, given its executions.
 *
 * @example
 * ```tsx
 * c.html(<NodePanel run={run} node="cleaned" executions={nodes.filter((n) => n.node === "cleaned")} />);
 * ```
 */
export function NodePanel({ run, node, executions, rerun }: { run: RunDetail; node: string; executions: readonly NodeRecord[]; rerun?: RerunOffer }) {
  const single = executions.length === 1 ? executions[0] : undefined;
  // Executions come in start order, and a map may start its items last first (issue 15): list them 0 to n.
  const items = [...executions].sort((a, b) => byItem(a.item, b.item));
  return (
    <section class="panel" id="node-panel" data-node={node}>
      <h2><span class="mono">{node}</span></h2>
      <p class="note"><a href={nodeStatsHref(node)}>This node across runs</a></p>
      {executions.length > 0 ? <RerunForm runId={run.id} from={node} offer={rerun} /> : null}
      {executions.length === 0 ? <p class="note">This node has not run (yet) in this run.</p> : null}
      {single ? <Execution run={run} n={single} /> : null}
      {executions.length > 1
        ? (
          <>
            <p>{`${executions.length} executions (map/reduce items).`}</p>
            {items.slice(0, MAX_ITEMS).map((n) => (
              <details open={n.status === "failed"}>
                <summary><span class="mono">{n.item || "(top)"}</span> <Badge status={n.status} /> {formatDuration(n.duration)}</summary>
                <Execution run={run} n={n} />
              </details>
            ))}
            {executions.length > MAX_ITEMS ? <p class="note">{`${executions.length - MAX_ITEMS} more not listed`}</p> : null}
          </>
        )
        : null}
    </section>
  );
}

function Execution({ run, n }: { run: RunDetail; n: NodeRecord }) {
  return (
    <div class="execution">
      <dl>
        <dt>status</dt><dd><Badge status={n.status} /></dd>
        <dt>started</dt><dd><Time ms={n.start} />{` (+${formatDuration(n.start - run.start)})`}</dd>
        <dt>duration</dt><dd>{n.duration === undefined ? (n.status === "running" ? "running…" : "–") : formatDuration(n.duration)}</dd>
        <dt>ran</dt><dd>{n.executor}</dd>
        {n.host !== undefined ? <><dt>host</dt><dd class="mono">{n.host}</dd></> : null}
        <dt>cache</dt>
        <dd>{n.cache === undefined ? "off" : `${n.cache.status}${n.cache.reason ? `: ${n.cache.reason}` : n.cache.status === "hit" ? ": inputs and code unchanged" : ""}`}</dd>
        {n.item ? <><dt>item</dt><dd class="mono">{n.item}</dd></> : null}
      </dl>
      {n.error
        ? (
          <div class="error">
            <p class="error-message">{`${n.error.name}: ${n.error.message}`}</p>
            {n.error.stack ? <pre class="stack">{n.error.stack}</pre> : null}
          </div>
        )
        : null}
      {n.preview !== undefined ? <><h3>result</h3><pre class="preview">{n.preview}</pre></> : null}
    </div>
  );
}
