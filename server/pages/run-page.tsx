/** @jsxImportSource hono/jsx */
/**
 * The run page: what was asked and given, how long it took and how parallel
 * it was, the DAG coloured by status and cache hits, the timeline, the node
 * table, and what a run of the same request would do now (a panel the page
 * fetches from /runs/:id/plan); clicking a node opens its panel. A run in
 * flight updates live.
 *
 * @module
 */
import { raw } from "hono/html";
import type { NodeRecord, RunDetail } from "../../lib/ports/run-store.ts";
import { formatDuration } from "../../lib/format-duration.ts";
import type { DagDrawing } from "../dag.ts";
import { flowName, progressText, ranText, type RunModel } from "../run-model.ts";
import { Badge, Layout, Time } from "./layout.tsx";
import { PLANNING_NOTE } from "./plan-panel.tsx";
import { RerunForm, type RerunOffer } from "./rerun-form.tsx";
import { Timeline } from "./timeline.tsx";
import { userFrame } from "../user-frame.ts";

/** Props of {@link RunPage}. */
export interface RunPageProps {
  readonly run: RunDetail;
  readonly nodes: readonly NodeRecord[];
  readonly model: RunModel;
  /** The DAG as SVG, already escaped by Graphviz and checked, or a note in its place (see dag.ts). */
  readonly dag: DagDrawing;
  readonly now: number;
  /** Re-runs this page may offer (`weft ui --allow-run`); none: no re-run form. */
  readonly rerun?: RerunOffer;
}

const LEGEND = [
  ["succeeded", "computed"], ["c-hit", "cache hit"], ["running", "running"], ["failed", "failed"],
  ["cancelled", "cancelled"], ["interrupted", "interrupted"], ["pending", "not run"], ["given", "input, config, override"],
] as const;

/**
 * The run page.
 *
 * @example
 * ```tsx
 * const model = runModel(run, nodes, now);
 * c.html(<RunPage run={run} nodes={nodes} model={model} dag={await drawings.current(run.graph, model.rows)} now={now} />);
 * ```
 */
export function RunPage({ run, nodes, model, dag, now, rerun }: RunPageProps) {
  // The failed nodes' errors first: the run's own error is weft's, thrown where execute() was called.
  const frame = run.error ? userFrame([...nodes.filter((n) => n.status === "failed").map((n) => n.error?.stack), run.error.stack]) : undefined;
  const href = (node: string) => `/runs/${encodeURIComponent(run.id)}/nodes/${encodeURIComponent(node)}`;
  return (
    <Layout title={`Run ${run.id.slice(0, 8)}`} live={run.status === "running" ? "run" : undefined}>
      <div class="run" id="run" data-run={run.id} data-batch={String(run.batch)} data-status={run.status}>
        <p class="crumbs"><a href="/">Runs</a> / <span class="mono">{run.id}</span></p>
        <h1><Badge status={run.status} /> <span>{run.outputs.join(", ") || "(no outputs)"}</span></h1>
        <dl class="facts">
          {flowName(run) ? <><dt>flow</dt><dd id="flow">{flowName(run)}</dd></> : null}
          <dt>started</dt><dd><Time ms={run.start} /></dd>
          <dt>wall time</dt><dd id="wall">{formatDuration(model.wall)}</dd>
          <dt>progress</dt><dd id="progress">{progressText(run)}</dd>
          <dt>parallelism</dt>
          <dd id="parallelism">{`${model.parallelism.toFixed(2)}× (node time ${formatDuration(model.busy)} over ${formatDuration(model.wall)} wall), at most ${model.peak} at once`}</dd>
          <dt>process</dt><dd>{`${run.host} pid ${run.pid}`}</dd>
        </dl>
        <p class="compare-links">
          <a id="compare-previous" href={`/runs/${encodeURIComponent(run.id)}/previous`}>compare with the previous run of this flow</a>
          {" · "}
          <a href={`/runs/table?${new URLSearchParams({ flow: run.modules.join("+"), "only-changed": "1" })}`}>the latest runs of this flow side by side</a>
        </p>
        <RerunForm runId={run.id} offer={rerun} />
        {run.error
          ? (
            <div class="error">
              <p class="error-message">{`${run.error.name}: ${run.error.message}`}</p>
              {frame ? <p class="user-frame" id="user-frame">{`in your code: ${frame}`}</p> : null}
              {run.error.stack ? <pre class="stack">{run.error.stack}</pre> : null}
            </div>
          )
          : null}
        <Values title="inputs" values={run.inputs} />
        <Values title="overrides" values={run.overrides} />
        <Values title="config" values={run.config} />
        <div class="split">
          <div class="main-col">
            <section>
              <h2>DAG</h2>
              <ul class="legend">{LEGEND.map(([k, text]) => <li><i class={k.startsWith("c-") ? `sw s-succeeded ${k}` : `sw s-${k}`}></i>{text}</li>)}</ul>
              <div class="dag" id="dag" data-dag-src={dag.pending ? `/runs/${encodeURIComponent(run.id)}/dag` : undefined}><DagView dag={dag} /></div>
            </section>
            <section>
              <h2>Timeline</h2>
              <Timeline run={run} nodes={nodes} wall={model.wall} now={now} />
            </section>
            <section>
              <h2>What would run now</h2>
              <p class="note">{"This run's request planned against the code on disk and the cache now, as weft plan would: nothing is run."}</p>
              <div class="plan" id="plan" data-plan-src={`/runs/${encodeURIComponent(run.id)}/plan`}><p class="note">{PLANNING_NOTE}</p></div>
            </section>
            <section>
              <h2>Nodes</h2>
              <table class="nodes" id="nodes">
                <thead><tr><th>node</th><th>status</th><th>start</th><th>duration</th><th>share of wall</th><th>ran</th><th>cache</th></tr></thead>
                <tbody>
                  {model.rows.map((r) => (
                    <tr data-node={r.node}>
                      <td><a class="mono node-link" href={href(r.node)} data-node={r.node}>{r.node}</a>{r.runs > 1 ? <span class="note">{` ×${r.runs}`}</span> : null}</td>
                      <td><Badge status={r.status} /></td>
                      <td class="num">{`+${formatDuration(r.start - run.start)}`}</td>
                      <td class="num">{formatDuration(r.runs > 1 ? r.span : r.busy)}</td>
                      <td class="num">{model.wall > 0 ? `${Math.round(((r.runs > 1 ? r.span : r.busy) / model.wall) * 100)}%` : "–"}</td>
                      <td class="nowrap">{ranText(r)}</td>
                      <td>{r.hits + r.misses === 0 ? "–" : r.misses === 0 ? "hit" : `${r.hits ? `${r.hits} hit, ` : ""}miss${r.reason ? `: ${r.reason}` : ""}`}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </div>
          <aside class="side" id="side"><p class="note">Click a node in the DAG or the table to see its details.</p></aside>
        </div>
      </div>
    </Layout>
  );
}

/** The inside of the DAG box: the SVG, or the note in its place (also what GET /runs/:id/dag answers). */
export function DagView({ dag }: { dag: DagDrawing }) {
  return dag.svg ? raw(dag.svg) : <p class={dag.failed ? "note error-message" : "note"}>{dag.note ?? "No graph recorded."}</p>;
}

function Values({ title, values }: { title: string; values: Readonly<Record<string, string>> }) {
  const entries = Object.entries(values);
  if (entries.length === 0) return null;
  return (
    <details class="values" open={title === "inputs"}>
      <summary>{`${title} (${entries.length})`}</summary>
      <table>{entries.map(([k, v]) => <tr><th class="mono">{k}</th><td><code>{v}</code></td></tr>)}</table>
    </details>
  );
}
