/**
 * The web view's stylesheet, served at /assets/app.css. Kept in a module (not
 * a file beside it) so the built package serves it without reading files.
 * Status colours apply to badges, DAG nodes (Graphviz puts the classes on
 * each node's SVG group; CSS wins over its fill attributes) and timeline bars.
 *
 * @module
 */

/** The stylesheet. */
export const APP_CSS = `
:root { --fg:#111827; --muted:#6b7280; --line:#e5e7eb; --bg:#f9fafb; --ok:#bbf7d0; --ok-s:#15803d; --hit:#bfdbfe; --hit-s:#1d4ed8;
  --run:#fde68a; --run-s:#b45309; --bad:#fecaca; --bad-s:#b91c1c; --off:#e5e7eb; --off-s:#6b7280; --int:#fed7aa; --int-s:#c2410c; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); }
.top { display: flex; gap: .6rem; align-items: baseline; padding: .6rem 1.2rem; background: #111827; color: #f9fafb; }
.top .brand { color: #fff; font-weight: 700; font-size: 1.1rem; text-decoration: none; }
.top .sub { color: #9ca3af; }
main { padding: .8rem 1.2rem 2rem; max-width: 1500px; }
h1 { font-size: 1.3rem; margin: .4rem 0 .8rem; display: flex; gap: .6rem; align-items: center; }
h2 { font-size: 1.05rem; margin: 1.2rem 0 .5rem; }
h3 { font-size: .95rem; margin: .8rem 0 .3rem; }
a { color: #1d4ed8; }
.mono, code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.note, .empty { color: var(--muted); }
.bad { color: var(--bad-s); }
table { border-collapse: collapse; background: #fff; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: #374151; background: #f3f4f6; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.runs, table.nodes { width: 100%; }
td.outputs { max-width: 28rem; overflow-wrap: anywhere; }
td.nowrap, th { white-space: nowrap; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 999px; font-size: 12px; font-weight: 600; border: 1px solid; }
.badge.s-succeeded { background: var(--ok); border-color: var(--ok-s); color: #14532d; }
.badge.s-running { background: var(--run); border-color: var(--run-s); color: #78350f; }
.badge.s-failed { background: var(--bad); border-color: var(--bad-s); color: #7f1d1d; }
.badge.s-cancelled { background: var(--off); border-color: var(--off-s); color: #374151; }
.badge.s-interrupted { background: var(--int); border-color: var(--int-s); color: #7c2d12; }
.filters, .pager { display: flex; gap: .4rem; align-items: center; margin: .6rem 0; flex-wrap: wrap; }
.filters a { padding: .15rem .6rem; border: 1px solid var(--line); border-radius: 999px; background: #fff; text-decoration: none; color: #374151; }
.filters a.on { background: #111827; color: #fff; border-color: #111827; }
.pager span { color: var(--muted); margin-right: .6rem; }
svg.spark { vertical-align: middle; }
.top nav { margin-left: auto; }
.top nav a { color: #d1d5db; text-decoration: none; margin-left: .8rem; }
dl.facts, .execution dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .4rem 0 .8rem; }
dt { color: var(--muted); }
dd { margin: 0; }
.crumbs { margin: 0; color: var(--muted); }
.error { border: 1px solid var(--bad-s); background: #fef2f2; padding: .5rem .8rem; border-radius: 6px; margin: .6rem 0; }
.error-message { margin: 0 0 .3rem; font-weight: 600; color: #7f1d1d; white-space: pre-wrap; overflow-wrap: anywhere; }
pre.stack, pre.preview { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 16rem; overflow: auto; background: #fff; padding: .4rem; border: 1px solid var(--line); }
details.values { margin: .3rem 0; }
details.values td code { white-space: pre-wrap; overflow-wrap: anywhere; }
.split { display: grid; grid-template-columns: minmax(0, 1fr) 24rem; gap: 1.2rem; align-items: start; }
.side { position: sticky; top: .6rem; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; max-height: 95vh; overflow: auto; }
.side h2 { margin-top: .2rem; overflow-wrap: anywhere; }
.dag { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .5rem; overflow: auto; }
.dag svg { max-width: 100%; height: auto; }
.dag g.node { cursor: pointer; }
.dag g.node.selected path, .dag g.node.selected polygon, .dag g.node.selected ellipse { stroke-width: 3; stroke: #111827; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: .3rem 1rem; padding: 0; margin: 0 0 .4rem; color: #374151; font-size: 12.5px; }
.sw { display: inline-block; width: .9rem; height: .9rem; border-radius: 3px; border: 1px solid; vertical-align: -2px; margin-right: .3rem; }
.wn.s-succeeded path, .wn.s-succeeded polygon, .wn.s-succeeded ellipse, .sw.s-succeeded, .tl-bar.s-succeeded { fill: var(--ok); background: var(--ok); stroke: var(--ok-s); border-color: var(--ok-s); }
.wn.c-hit path, .wn.c-hit polygon, .wn.c-hit ellipse, .sw.c-hit, .tl-bar.c-hit { fill: var(--hit); background: var(--hit); stroke: var(--hit-s); border-color: var(--hit-s); }
.wn.s-running path, .wn.s-running polygon, .wn.s-running ellipse, .sw.s-running, .tl-bar.s-running { fill: var(--run); background: var(--run); stroke: var(--run-s); border-color: var(--run-s); }
.wn.s-failed path, .wn.s-failed polygon, .wn.s-failed ellipse, .sw.s-failed, .tl-bar.s-failed { fill: var(--bad); background: var(--bad); stroke: var(--bad-s); border-color: var(--bad-s); }
.wn.s-cancelled path, .wn.s-cancelled polygon, .wn.s-cancelled ellipse, .sw.s-cancelled, .tl-bar.s-cancelled { fill: var(--off); background: var(--off); stroke: var(--off-s); border-color: var(--off-s); }
.wn.s-interrupted path, .wn.s-interrupted polygon, .wn.s-interrupted ellipse, .sw.s-interrupted, .tl-bar.s-interrupted { fill: var(--int); background: var(--int); stroke: var(--int-s); border-color: var(--int-s); }
.wn.s-pending path, .wn.s-pending polygon, .wn.s-pending ellipse, .sw.s-pending { fill: #fff; background: #fff; stroke: #9ca3af; border-color: #9ca3af; stroke-dasharray: 4 3; }
.wn.s-given text { fill: #4b5563; }
.sw.s-given { background: #f3f4f6; border-color: #9ca3af; border-style: dashed; }
.wn.s-running path, .wn.s-running polygon, .tl-bar.s-running { animation: pulse 1.2s ease-in-out infinite; }
@keyframes pulse { 50% { opacity: .55; } }
.timeline { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .4rem .6rem; }
.tl-row { display: grid; grid-template-columns: 14rem minmax(0, 1fr); align-items: center; height: 20px; }
.tl-label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-size: 12px; padding-right: .5rem; font-family: ui-monospace, Menlo, Consolas, monospace; }
.tl-track { width: 100%; height: 20px; display: block; }
.tl-axis .tl-track text { font-size: 10.5px; fill: var(--muted); }
.tl-grid { stroke: #f3f4f6; stroke-width: 1; }
.tl-bar { stroke-width: 1; }
.tl-group > summary { cursor: pointer; list-style: none; }
.tl-group > summary::-webkit-details-marker { display: none; }
.tl-group > summary .tl-label::before { content: "▸ "; color: var(--muted); }
.tl-group[open] > summary .tl-label::before { content: "▾ "; }
.tl-group > div.tl-row .tl-label { padding-left: 1.2rem; }
.tl-sum { stroke-width: 1; opacity: .85; }
.panel h2 .mono { font-size: 1rem; }
.plan-summary { margin: .2rem 0 .4rem; }
.badge.p-hit { background: var(--hit); border-color: var(--hit-s); color: #1e3a8a; }
.badge.p-miss, .badge.p-recompute { background: var(--run); border-color: var(--run-s); color: #78350f; }
.badge.p-pending, .badge.p-uncacheable, .badge.p-disabled { background: #fff; border-color: #9ca3af; color: #374151; }
.panel details { border-top: 1px solid var(--line); padding: .3rem 0; }
.err-page { max-width: 50rem; }
form.rerun { display: none; margin: .5rem 0; }
.can-rerun form.rerun { display: block; }
.can-rerun .rerun-locked { display: none; }
form.compare { margin: .8rem 0; }
@media (max-width: 1000px) { .split { grid-template-columns: 1fr; } .side { position: static; } }
`;
