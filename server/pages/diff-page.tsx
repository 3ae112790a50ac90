/** @jsxImportSource hono/jsx */
/**
 * The diff page (GET /diff?a=&b=): what changed between two runs, and where
 * each output's change starts. The given values that differ, the nodes whose
 * code changed (with the reason, in source terms), per output the frontier
 * (each node labelled `code changed` or `same code and inputs, different
 * value: non-deterministic`) and the value's differences by path, then every
 * node side by side with its durations.
 *
 * @module
 */
import type { FrontierNode, NodeSide, OutputBlame, RunDiff, ValueChange } from "../../lib/history/run-diff.ts";
import { formatDuration } from "../../lib/format-duration.ts";
import { Badge, Layout } from "./layout.tsx";

/** A frontier node's label, as the page and the API's readers say it. */
export function frontierLabel(f: FrontierNode): string {
  return f.cause === "code changed" ? `code changed: ${f.reason}` : `${f.reason}: non-deterministic`;
}

const runLink = (id: string) => <a class="mono" href={`/runs/${encodeURIComponent(id)}`}>{id.slice(0, 8)}</a>;

/**
 * The diff page.
 *
 * @example
 * ```tsx
 * c.html(<DiffPage diff={diffRuns(history, cache, a, b)} />);
 * ```
 */
export function DiffPage({ diff }: { diff: RunDiff }) {
  const given: [string, readonly ValueChange[]][] = [["input", diff.inputs], ["override", diff.overrides], ["config", diff.config]];
  const changedGiven = given.flatMap(([kind, list]) => list.map((c) => ({ kind, ...c })));
  return (
    <Layout title={`Diff ${diff.a.slice(0, 8)} → ${diff.b.slice(0, 8)}`}>
      <div class="diff" id="diff" data-a={diff.a} data-b={diff.b}>
        <p class="crumbs"><a href="/">Runs</a> / diff</p>
        <h1>Run {runLink(diff.a)} → run {runLink(diff.b)}</h1>
        {diff.note === undefined ? null : <p class="note" id="diff-note">{`Note: ${diff.note}`}</p>}
        <section id="given">
          <h2>Given values</h2>
          {changedGiven.length === 0
            ? <p class="note">The same inputs, overrides and config.</p>
            : (
              <table>
                <thead><tr><th>kind</th><th>name</th><th>before</th><th>after</th></tr></thead>
                <tbody>{changedGiven.map((c) => <tr><td>{c.kind}</td><td class="mono">{c.name}</td><td><code>{c.before ?? "(not given)"}</code></td><td><code>{c.after ?? "(not given)"}</code></td></tr>)}</tbody>
              </table>
            )}
        </section>
        <section id="code">
          <h2>Code changed</h2>
          {diff.code.length === 0
            ? <p class="note">No node's code changed (as far as the cache records tell).</p>
            : <ul>{diff.code.map((c) => <li data-node={c.node}><span class="mono">{c.node}</span>{`: ${c.reason}`}</li>)}</ul>}
        </section>
        <section id="outputs">
          <h2>Outputs</h2>
          {diff.outputs.map((o) => <Blame o={o} />)}
        </section>
        <section id="nodes">
          <h2>Nodes</h2>
          <table class="nodes">
            <thead><tr><th>node</th><th>before</th><th>after</th><th>duration before</th><th>duration after</th><th>value</th><th>code</th></tr></thead>
            <tbody>
              {diff.nodes.map((n) => (
                <tr data-node={n.node}>
                  <td class="mono">{n.node}</td>
                  <td><Side side={n.before} /></td>
                  <td><Side side={n.after} /></td>
                  <td class="num">{duration(n.before)}</td>
                  <td class="num">{duration(n.after)}</td>
                  <td>{n.valueChanged ? "changed" : n.before?.dataVersion !== undefined && n.after?.dataVersion !== undefined ? "same" : "–"}</td>
                  <td>{n.codeChange ?? "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="note">Durations of cache hits are the time to read the result, not to compute it.</p>
        </section>
      </div>
    </Layout>
  );
}

function Blame({ o }: { o: OutputBlame }) {
  const verdict = o.changed === false ? "the same value" : o.changed ? "changed" : "cannot tell";
  return (
    <div class="blame" data-output={o.output} data-changed={String(o.changed)}>
      <h3><span class="mono">{o.output}</span>{`: ${verdict}`}</h3>
      {o.note === undefined ? null : <p class="note">{o.note}</p>}
      {o.changed && o.frontier.length === 0 ? <p>The change starts at the given values above (no node changed on its own).</p> : null}
      {o.frontier.length > 0
        ? (
          <>
            <p>Where the change starts (the frontier):</p>
            <ul class="frontier">{o.frontier.map((f) => <li data-node={f.node} data-cause={f.cause}><span class="mono">{f.node}</span>{`: ${frontierLabel(f)}`}</li>)}</ul>
          </>
        )
        : null}
      {o.paths !== undefined && o.paths.length > 0
        ? (
          <table class="paths">
            <thead><tr><th>path</th><th>before</th><th>after</th></tr></thead>
            <tbody>{o.paths.map((p) => <tr><td class="mono">{p.path || "(the value)"}</td><td><code>{p.before ?? "(none)"}</code></td><td><code>{p.after ?? "(none)"}</code></td></tr>)}</tbody>
          </table>
        )
        : null}
    </div>
  );
}

function Side({ side }: { side: NodeSide | undefined }) {
  if (side === undefined) return <span class="note">not in this run</span>;
  return <><Badge status={side.status} />{side.cache === undefined ? null : <span class="note">{` ${side.cache}`}</span>}</>;
}

const duration = (side: NodeSide | undefined) => (side?.durationMs === undefined ? "–" : formatDuration(side.durationMs));

/**
 * The compare form: two run ids, sent to GET /diff (on the runs list, and on a diff that lacks one).
 *
 * @example
 * ```tsx
 * <CompareForm a={undefined} b={runId} />
 * ```
 */
export function CompareForm({ a, b }: { a?: string | undefined; b?: string | undefined }) {
  return (
    <form class="compare" id="compare" method="get" action="/diff">
      <label>{"compare run "}<input name="a" value={a ?? ""} placeholder="earlier run id" required size={38} class="mono" /></label>
      <label>{" with run "}<input name="b" value={b ?? ""} placeholder="later run id" required size={38} class="mono" /></label>
      {" "}<button type="submit">compare</button>
    </form>
  );
}
