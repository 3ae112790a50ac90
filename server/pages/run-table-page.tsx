/** @jsxImportSource hono/jsx */
/**
 * The run table (GET /runs/table?flow=&last=&only-changed=1), DVC's `exp
 * show` in the browser: the latest runs of a flow side by side, a column per
 * input, override and config value given and per short output, with
 * `only-changed` keeping the columns that differ between the rows. Each row
 * links to its run and to the diff with the row below it (the run before).
 *
 * @module
 */
import type { RunTable } from "../../lib/history/run-table.ts";
import { Badge, Layout, Time } from "./layout.tsx";

/** What the page was asked for. */
export interface RunTableQuery {
  readonly flow?: string;
  readonly last: number;
  readonly onlyChanged: boolean;
}

/**
 * The run table page.
 *
 * @example
 * ```tsx
 * c.html(<RunTablePage table={runTable(history, { last: 20 })} query={{ last: 20, onlyChanged: false }} />);
 * ```
 */
export function RunTablePage({ table, query }: { table: RunTable; query: RunTableQuery }) {
  const head = (kind: string, name: string) => (kind === "input" ? name : `${kind === "output" ? "out" : kind}: ${name}`);
  const toggle = `/runs/table?${new URLSearchParams({ ...(query.flow === undefined ? {} : { flow: query.flow }), last: String(query.last), ...(query.onlyChanged ? {} : { "only-changed": "1" }) })}`;
  return (
    <Layout title="Run table">
      <p class="crumbs"><a href="/">Runs</a> / table</p>
      <h1>{query.flow === undefined ? "The latest runs" : <>The latest runs of <span class="mono">{query.flow}</span></>}</h1>
      <p class="note">
        {`${table.rows.length} run${table.rows.length === 1 ? "" : "s"}, newest first; ${query.onlyChanged ? "only the columns whose value differs" : "every column"}. `}
        <a href={toggle} id="toggle-changed">{query.onlyChanged ? "show every column" : "only the columns that change"}</a>
      </p>
      {table.rows.length === 0
        ? <p class="empty">No runs to show{query.flow === undefined ? "" : ` of the flow "${query.flow}"`}.</p>
        : (
          <table class="runs" id="run-table">
            <thead>
              <tr>
                <th>status</th><th>run</th><th>started</th>
                {table.columns.map((c) => <th class="mono" data-kind={c.kind}>{head(c.kind, c.name)}</th>)}
                <th>diff</th>
              </tr>
            </thead>
            <tbody>
              {table.rows.map((r, i) => {
                const before = table.rows[i + 1];
                return (
                  <tr data-run={r.id}>
                    <td><Badge status={r.status} /></td>
                    <td><a class="mono" href={`/runs/${encodeURIComponent(r.id)}`}>{r.id.slice(0, 8)}</a></td>
                    <td><Time ms={r.start} /></td>
                    {r.values.map((v) => <td><code>{v ?? "–"}</code></td>)}
                    <td>{before === undefined ? "–" : <a href={`/diff?${new URLSearchParams({ a: before.id, b: r.id })}`}>with the row below</a>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
    </Layout>
  );
}
