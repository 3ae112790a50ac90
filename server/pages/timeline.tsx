/** @jsxImportSource hono/jsx */
/**
 * The timeline (Gantt) of a run's node executions: one bar per execution on
 * a shared time axis, so overlapping bars show what ran in parallel. Bars are
 * SVG rects placed in percent (no inline styles: the page's CSP forbids them).
 *
 * @module
 */
import type { NodeRecord, RunDetail } from "../../lib/ports/run-store.ts";
import { formatDuration } from "../../lib/format-duration.ts";

/** Bars drawn at most; a map over thousands of items shows the first ones and says how many more. */
export const MAX_BARS = 400;

/**
 * The timeline of `nodes` from the run's start over `wall` ms.
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
  const ticks = [0, 0.25, 0.5, 0.75, 1];
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
      {shown.map((n) => {
        const end = n.end ?? (run.status === "running" ? now : run.end ?? now);
        const x = pct(n.start - run.start);
        const w = Math.max(0.3, pct(end - run.start) - x);
        const label = n.item === "" ? n.node : `${n.node} ${n.item}`;
        const cache = n.cache?.status === "hit" ? " c-hit" : "";
        return (
          <div class="tl-row" data-node={n.node}>
            <span class="tl-label" title={label}>{label}</span>
            <svg class="tl-track">
              {ticks.slice(1, -1).map((t) => <line class="tl-grid" x1={`${t * 100}%`} x2={`${t * 100}%`} y1="0" y2="100%" />)}
              <rect class={`tl-bar s-${n.status}${cache}`} x={`${x}%`} width={`${w}%`} y="3" height="14" rx="2">
                <title>{`${label}: ${n.status}${n.cache ? `, cache ${n.cache.status}` : ""}, ${formatDuration(n.duration ?? end - n.start)} from +${formatDuration(n.start - run.start)} (${n.executor})`}</title>
              </rect>
            </svg>
          </div>
        );
      })}
      {nodes.length > shown.length ? <p class="note">{`${nodes.length - shown.length} more executions not drawn`}</p> : null}
      {nodes.length === 0 ? <p class="note">No node has started yet.</p> : null}
    </div>
  );
}
