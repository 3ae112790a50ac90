/** @jsxImportSource hono/jsx */
/**
 * The runs list: newest first, filtered by status, paged.
 *
 * @module
 */
import { RUN_STATUSES, type RunPage, type RunStatus, type RunSummary } from "../../lib/ports/run-store.ts";
import { formatDuration } from "../../lib/format-duration.ts";
import { flowName, progressText } from "../run-model.ts";
import { CompareForm } from "./diff-page.tsx";
import { Badge, Layout, Time } from "./layout.tsx";

/** Props of {@link RunsPage}. */
export interface RunsPageProps {
  readonly page: RunPage;
  readonly status: RunStatus | undefined;
  readonly counts: Readonly<Record<RunStatus | "all", number>>;
  readonly now: number;
}

/**
 * The runs list page.
 *
 * @example
 * ```tsx
 * c.html(<RunsPage page={history.listRuns()} status={undefined} counts={counts} now={Date.now()} />);
 * ```
 */
export function RunsPage({ page, status, counts, now }: RunsPageProps) {
  const first = page.total === 0 ? 0 : page.offset + 1;
  const last = page.offset + page.runs.length;
  const link = (offset: number) => `/?${new URLSearchParams({ ...(status ? { status } : {}), offset: String(offset), limit: String(page.limit) })}`;
  return (
    <Layout title="Runs" live={page.runs.some((r) => r.status === "running") ? "list" : undefined}>
      <h1>Runs</h1>
      <nav class="filters" aria-label="Filter by status">
        <a href="/" class={status === undefined ? "on" : ""}>{`all (${counts.all})`}</a>
        {RUN_STATUSES.map((s) => (
          <a href={`/?status=${s}`} class={status === s ? "on" : ""}>{`${s} (${counts[s]})`}</a>
        ))}
      </nav>
      {page.runs.length === 0
        ? <p class="empty">{status ? `No ${status} runs.` : "No runs recorded yet: run a flow with withTracking(), or weft run."}</p>
        : (
          <table class="runs">
            <thead>
              <tr><th>status</th><th>run</th><th>flow</th><th>started</th><th>duration</th><th>outputs</th><th>progress</th></tr>
            </thead>
            <tbody>{page.runs.map((r) => <Row run={r} now={now} />)}</tbody>
          </table>
        )}
      <CompareForm />
      <p class="note"><a href="/runs/table?only-changed=1">The latest runs side by side</a> (what each was given and its short outputs).</p>
      <nav class="pager" aria-label="Pages">
        <span>{`${first}–${last} of ${page.total}`}</span>
        {page.offset > 0 ? <a href={link(Math.max(0, page.offset - page.limit))} rel="prev">newer</a> : null}
        {last < page.total ? <a href={link(page.offset + page.limit)} rel="next">older</a> : null}
      </nav>
    </Layout>
  );
}

function Row({ run, now }: { run: RunSummary; now: number }) {
  const duration = (run.end ?? (run.status === "running" ? now : undefined)) ?? undefined;
  return (
    <tr data-run={run.id}>
      <td><Badge status={run.status} /></td>
      <td><a class="mono" href={`/runs/${encodeURIComponent(run.id)}`}>{run.id.slice(0, 8)}</a></td>
      <td class="flow">{flowName(run) || "–"}</td>
      <td><Time ms={run.start} /></td>
      <td class="num">{duration === undefined ? "–" : formatDuration(duration - run.start)}</td>
      <td class="outputs">{run.outputs.join(", ")}</td>
      <td class={run.failed > 0 ? "progress bad" : "progress"}>{progressText(run)}</td>
    </tr>
  );
}
