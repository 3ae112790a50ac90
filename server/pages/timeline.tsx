/** @jsxImportSource hono/jsx */
/**
 * The timeline (Gantt) of a run's node executions: one bar per execution on
 * a shared time axis, so overlapping bars show what ran in parallel; a map's items fold under one bar. Bars are
 * SVG rects placed in percent (no inline styles: the page's CSP forbids them).
 *
 * @module
 */
import type { NodeRecord, NodeRunStatus, RunDetail } from "../../lib/ports/run-store.ts";
import { formatDuration } from "../../lib/format-duration.ts";

/** Bars drawn at most; a map over thousands of items shows the first ones and says how many more. */
export const MAX_BARS = 400;

/** A node's executions in the timeline: one bar, or a map's items under one summary bar. */
interface Group {
  readonly node: string;
  readonly executions: NodeRecord[];
}

const RANK: Readonly<Record<NodeRunStatus, number>> = { failed: 5, interrupted: 4, running: 3, cancelled: 2, succeeded: 1 };

/**
 * The timeline of `nodes` from the run's start over `wall` ms. A node with several executions (map/reduce
 * items) is one summary bar from its first start to its last end, with its count; its items open under it
 * (issue 15: a map of 100 items drew 100 rows).
 *
 * @example
 * ```tsx
 * <Timeline run={run} nodes={nodes} wall={model.wall} />
 * ```
 */
export function Timeline({ run, nodes, wall, now }: { run: RunDetail; nodes: readonly NodeRecord[]; wall: number; now: number }) {
  const span = Math.max(wall, 0.001);
  const pct = (ms: number) => Math.min(100, Math.max(0, (ms / span) * 100));
  const shown = nodes.slice(0, MAX_BARS);
  const groups = new Map<string, Group>();
  for (const n of shown) {
    const g = groups.get(n.node) ?? { node: n.node, executions: [] };
    g.executions.push(n);
    groups.set(n.node, g);
  }
  const endOf = (n: NodeRecord) => n.end ?? (run.status === "running" ? now : run.end ?? now);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const Track = ({ children }: { children: unknown }) => (
    <svg class="tl-track">
      {ticks.slice(1, -1).map((t) => <line class="tl-grid" x1={`${t * 100}%`} x2={`${t * 100}%`} y1="0" y2="100%" />)}
      {children}
    </svg>
  );
  const Bar = ({ n }: { n: NodeRecord }) => {
    const end = endOf(n);
    const x = pct(n.start - run.start);
    const w = Math.max(0.3, pct(end - run.start) - x);
    const label = n.item === "" ? n.node : `${n.node} ${n.item}`;
    const cache = n.cache?.status === "hit" ? " c-hit" : "";
    return (
      <div class="tl-row" data-node={n.node}>
        <span class="tl-label" title={label}>{label}</span>
        <Track>
          <rect class={`tl-bar s-${n.status}${cache}`} x={`${x}%`} width={`${w}%`} y="3" height="14" rx="2">
            <title>{`${label}: ${n.status}${n.cache ? `, cache ${n.cache.status}` : ""}, ${formatDuration(n.duration ?? end - n.start)} from +${formatDuration(n.start - run.start)} (${n.executor}${n.host === undefined ? "" : ` on ${n.host}`})`}</title>
          </rect>
        </Track>
      </div>
    );
  };
  return (
    <div class="timeline" id="timeline" data-wall={String(wall)}>
      <div class="tl-row tl-axis">
        <span class="tl-label"></span>
        <svg class="tl-track" aria-hidden="true">
          {ticks.map((t) => (
            <text x={`${t * 100}%`} y="12" text-anchor={t === 0 ? "start" : t === 1 ? "end" : "middle"}>{formatDuration(t * span)}</text>
          ))}
        </svg>
      </div>
      {[...groups.values()].map((g) => {
        if (g.executions.length === 1) return <Bar n={g.executions[0]!} />;
        const first = Math.min(...g.executions.map((n) => n.start));
        const last = Math.max(...g.executions.map(endOf));
        const durations = g.executions.map((n) => n.duration ?? endOf(n) - n.start);
        let status: NodeRunStatus = "succeeded";
        for (const n of g.executions) if (RANK[n.status] > RANK[status]) status = n.status;
        const hits = g.executions.filter((n) => n.cache?.status === "hit").length;
        const x = pct(first - run.start);
        const w = Math.max(0.3, pct(last - run.start) - x);
        const label = `${g.node} ×${g.executions.length}`;
        const cache = hits === g.executions.length ? " c-hit" : "";
        return (
          <details class="tl-group" data-node={g.node}>
            <summary class="tl-row" data-node={g.node}>
              <span class="tl-label" title={label}>{label}</span>
              <Track>
                <rect class={`tl-bar tl-sum s-${status}${cache}`} x={`${x}%`} width={`${w}%`} y="3" height="14" rx="2">
                  <title>{`${g.node}: ${g.executions.length} items, ${status}, ${formatDuration(Math.min(...durations))}–${formatDuration(Math.max(...durations))} each, from +${formatDuration(first - run.start)} to +${formatDuration(last - run.start)}${hits ? `, ${hits} cache hits` : ""}`}</title>
                </rect>
              </Track>
            </summary>
            {g.executions.map((n) => <Bar n={n} />)}
          </details>
        );
      })}
      {nodes.length > shown.length ? <p class="note">{`${nodes.length - shown.length} more executions not drawn`}</p> : null}
      {nodes.length === 0 ? <p class="note">No node has started yet.</p> : null}
    </div>
  );
}
