/**
 * A marketing-spend flow shaped with weft's modifiers: a CSV loader, one
 * function for three channel nodes, regional revenue alternatives chosen by
 * config, extracted KPIs with a schema check, a report with piped steps, and
 * a reusable forecast module under two namespaces.
 */
import { Schema } from "effect";
import {
  config, does, extractFields, from, group, inject, node, parameterize, pipe, source, step, subdag, tag, value,
} from "../../mod.ts";
import * as forecast from "./forecast.ts";

export interface SpendRow {
  readonly week: string;
  readonly region: string;
  readonly channel: string;
  readonly amount: number;
}

/** The spend ledger: nodes spendRows, spendRows.metadata (path, rows, bytes) and spendRows.raw. */
export const spendRows = from.csv({ path: source("spendPath"), numbers: true });

/** Rows of the configured region. */
export const regionRows = (spendRows: SpendRow[], region: string): SpendRow[] =>
  spendRows.filter((r) => r.region === region) as SpendRow[];

/** One template, three nodes: searchSpend, socialSpend, tvSpend. */
export const channelSpend = tag(
  { kind: "spend" },
  parameterize({
    searchSpend: { channel: value("search") },
    socialSpend: { channel: value("social") },
    tvSpend: { channel: value("tv") },
  }, (regionRows: SpendRow[], channel: string) =>
    regionRows.filter((r) => r.channel === channel).reduce((sum, r) => sum + r.amount, 0)),
);

/** All channels at once, through one grouped parameter. */
export const totalSpend = inject(
  { parts: group(source("searchSpend"), source("socialSpend"), source("tvSpend")) },
  (parts: number[]) => parts.reduce((a, b) => a + b, 0),
);

/** Revenue attributed to spend: the US model is a flat multiplier... */
export const revenue__us = config.when({ region: "us" }, (totalSpend: number) => totalSpend * 3.1);

/** ...the European model waits on an (simulated) attribution service. */
export const revenue__eu = config.whenIn({ region: ["eu", "uk"] }, async (searchSpend: number, socialSpend: number, tvSpend: number) => {
  await new Promise((resolve) => setTimeout(resolve, 10));
  return searchSpend * 4.2 + socialSpend * 2.5 + tvSpend * 1.8;
});

const Kpis = Schema.Struct({ roi: Schema.Number, tvShare: Schema.Number });

/** Return on spend and the TV share, checked against a schema and extracted as nodes roi and tvShare. */
export const kpis = extractFields(
  ["roi", "tvShare"],
  node((revenue: number, totalSpend: number, tvSpend: number) => ({ roi: revenue / totalSpend, tvShare: tvSpend / totalSpend }), {
    schema: Kpis,
    doc: "Return on marketing spend, and the share of TV in it.",
  }),
);

const ratio = ({ part, whole }: { part: number; whole: number }) => part / whole;

/** One shared implementation with another signature: the search share of spend. */
export const searchShare = does(ratio, (searchSpend: number, totalSpend: number) => 0, { searchSpend: "part", totalSpend: "whole" });

/** Each channel's forecast: the same module under two namespaces, each with its own growth and spend. */
export const searchForecast = subdag(
  { modules: [forecast], inputs: { spend: source("searchSpend") }, config: { growthRate: 0.12 } },
  (nextWeek: number) => nextWeek,
);
export const socialForecast = subdag(
  { modules: [forecast], inputs: { spend: source("socialSpend") }, config: { growthRate: 0.2, cautious: true } },
  (nextWeek: number) => nextWeek,
);

const percent = (x: number) => Math.round(x * 1000) / 10;
const withCurrency = (line: string, currency: string) => `${line} (${currency})`;

/** A one-line report; the currency note is a step switched on by config. */
export const report = pipe(
  { output: [step(withCurrency, { currency: source("currency") }).named("withCurrency").when({ showCurrency: true })] },
  (region: string, totalSpend: number, revenue: number, roi: number, searchShare: number, searchForecast: number, socialForecast: number) =>
    `${region}: spend ${totalSpend}, revenue ${Math.round(revenue)}, ROI ${roi.toFixed(2)}, search ${percent(searchShare)}%, ` +
    `next week search ${searchForecast} / social ${socialForecast}`,
);
