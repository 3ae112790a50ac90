/** @jsxImportSource hono/jsx */
/**
 * Node statistics across runs: the nodes page (one row per node, as
 * `weft stats` prints) and one node's page, with a sparkline of its computed
 * durations, oldest to newest.
 *
 * @module
 */
import type { NodeStats } from "../../lib/ports/run-store.ts";
import { formatBytes } from "../../lib/format-bytes.ts";
import { formatDuration } from "../../lib/format-duration.ts";
import { Layout } from "./layout.tsx";
import { percentText as pct, statsText } from "../../lib/history/node-stats.ts";


/** The href of a node's statistics page. */
export const nodeStatsHref = (node: string) => `/nodes/${encodeURIComponent(node)}`;

/**
 * A sparkline: one point per duration, oldest left, on a shared scale from 0 to the largest; the last point marked.
 *
 * @example
 * ```tsx
 * <Sparkline durations={[12, 14, 11, 30]} />
 * ```
 */
export function Sparkline({ durations, width = 240, height = 40 }: { durations: readonly number[]; width?: number; height?: number }) {
  if (durations.length === 0) return <span class="note">no computed runs</span>;
  const max = Math.max(...durations) || 1;
  const step = durations.length === 1 ? 0 : (width - 4) / (durations.length - 1);
  const points = durations.map((d, i) => [2 + i * step, height - 2 - ((height - 4) * d) / max] as const);
  const [lx, ly] = points[points.length - 1]!;
  return (
    <svg class="spark" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img"
      aria-label={`durations of ${durations.length} computed runs, from ${formatDuration(Math.min(...durations))} to ${formatDuration(max)}`}>
      <polyline fill="none" stroke="#2563eb" stroke-width="1.5" points={points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" ")} />
      <circle cx={lx.toFixed(1)} cy={ly.toFixed(1)} r="2.5" fill="#2563eb" />
    </svg>
  );
}

function Row({ s }: { s: NodeStats }) {
  const t = statsText(s);
  return (
    <tr data-node={s.node}>
      <td><a class="mono" href={nodeStatsHref(s.node)}>{s.node}</a></td>
      <td>{t.executions}</td>
      <td>{t.p50}</td>
      <td>{t.p95}</td>
      <td>{t.hitRate}</td>
      <td>{t.failures}</td>
      <td>{t.stored}</td>
      <td><Sparkline durations={s.durations} width={120} height={24} /></td>
      <td>{t.trend === "" ? "" : <span class="bad">{t.trend}</span>}</td>
    </tr>
  );
}

const HEAD = ["node", "executions", "p50", "p95", "hit rate", "failures", "stored", "durations", "trend"];

/** Every node with recorded executions. */
export function NodesPage({ stats, samples }: { stats: readonly NodeStats[]; samples: number }) {
  return (
    <Layout title="Nodes">
      <p class="crumbs"><a href="/">Runs</a> / nodes</p>
      <h1>Nodes</h1>
      <p class="note">{`Each node over its latest ${samples} executions (map/reduce items one by one); durations of computed runs, not cache hits.`}</p>
      {stats.length === 0 ? <p class="empty">No node executions are recorded yet.</p> : (
        <table class="nodes stats">
          <thead><tr>{HEAD.map((h) => <th>{h}</th>)}</tr></thead>
          <tbody>{stats.map((s) => <Row s={s} />)}</tbody>
        </table>
      )}
    </Layout>
  );
}

/** One node's statistics. */
export function NodeStatsPage({ stats, samples }: { stats: NodeStats; samples: number }) {
  const s = stats;
  return (
    <Layout title={s.node}>
      <p class="crumbs"><a href="/">Runs</a> / <a href="/nodes">nodes</a> / <span class="mono">{s.node}</span></p>
      <h1 class="mono">{s.node}</h1>
      <section class="panel" id="node-stats" data-node={s.node}>
        <Sparkline durations={s.durations} />
        <dl class="facts">
          <dt>executions</dt><dd>{`${s.executions} (the latest ${samples} at most): ${s.computed} computed, ${s.hits} from the cache`}</dd>
          <dt>duration</dt><dd>{`p50 ${formatDuration(s.p50Ms)}, p95 ${formatDuration(s.p95Ms)}`}</dd>
          <dt>trend</dt><dd>{s.recentMs === undefined ? "–" : `latest 5: ${formatDuration(s.recentMs)}; before: ${formatDuration(s.earlierMs)}`}{s.regression ? <strong class="bad"> slower by more than 30 %</strong> : null}</dd>
          <dt>hit rate</dt><dd>{pct(s.hitRate)}</dd>
          <dt>failures</dt><dd>{`${s.failures} of its own (${pct(s.failureRate)}); ${s.stopped} stopped when another node failed or the run was cancelled`}</dd>
          <dt>stored</dt><dd>{`${formatBytes(s.bytes)} of results in the cache`}</dd>
        </dl>
      </section>
    </Layout>
  );
}
