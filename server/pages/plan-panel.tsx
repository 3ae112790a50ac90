/** @jsxImportSource hono/jsx */
/**
 * The run page's "what would run now" panel: the run's request planned again
 * against the code on disk (run-plans.ts), in the words of `weft plan`: a
 * table node | status | reason | estimate, the calls by status and the
 * estimate; or why there is no plan. GET /runs/:id/plan answers with it; the
 * page shows a placeholder until then.
 *
 * @module
 */
import { formatDuration } from "../../lib/format-duration.ts";
import { planSummary } from "../../lib/driver/plan.ts";
import type { PlanOutcome } from "../plan-task.ts";

/** The note shown until the plan arrives. */
export const PLANNING_NOTE = "Planning this run's request against the code on disk now…";

/**
 * The inside of the panel.
 *
 * @example
 * ```tsx
 * c.html(<PlanPanel outcome={await plans.planOf(run)} />);
 * ```
 */
export function PlanPanel({ outcome }: { outcome: PlanOutcome }) {
  if ("problem" in outcome) return <p class="note error-message" id="plan-problem">{outcome.problem}</p>;
  const { plan, warnings } = outcome;
  return (
    <>
      <p class="plan-summary" id="plan-summary">{planSummary(plan)}</p>
      <table class="nodes plan-table" id="plan-table">
        <thead><tr><th>node</th><th>status</th><th>reason</th><th>estimate</th></tr></thead>
        <tbody>
          {plan.nodes.map((n) => (
            <tr data-node={n.node} data-status={n.status}>
              <td class="mono">{n.node}</td>
              <td><span class={`badge p-${n.status}`}>{n.status}</span></td>
              <td>{n.reason ?? ""}</td>
              <td class="num">{n.estimateMs === undefined ? "" : formatDuration(n.estimateMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {warnings.length > 0 ? <ul class="note plan-warnings">{warnings.map((w) => <li>{w}</li>)}</ul> : null}
    </>
  );
}
