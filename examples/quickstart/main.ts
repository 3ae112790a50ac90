/**
 * Quick start: `npm run demo` (Bun) or `deno run examples/quickstart/main.ts`.
 * Runs the flow, then runs its async loaders one after another by hand, to
 * show what running independent nodes concurrently buys.
 */
import { Builder } from "../../mod.ts";
import * as flow from "./flow.ts";

const dr = await new Builder().withModules(flow).build();

const started = performance.now();
const { report, revenueEur } = await dr.execute(["report", "revenueEur"], { inputs: { day: "2026-11-22" } });
const weftMs = performance.now() - started;

console.log(report);
console.log(`revenueEur = ${revenueEur}`);

// The same work with the three async loaders awaited one after another.
const t = performance.now();
const day = "2026-11-22";
const orders = await flow.orders(day);
const rate = await flow.usdToEur();
const tests = await flow.testAccounts(day);
flow.report(flow.revenueEur({ realOrders: flow.realOrders(orders, tests), usdToEur: rate }), flow.realOrders(orders, tests));
const sequentialMs = performance.now() - t;

console.log(
  `weft: ${weftMs.toFixed(0)} ms; the async nodes one after another: ${sequentialMs.toFixed(0)} ms ` +
    `(${(sequentialMs / weftMs).toFixed(2)}x faster with weft)`,
);
