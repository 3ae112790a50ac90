/**
 * `weft cache explain <node>`: why a node hit or missed the cache in a run.
 * A node of a map/reduce region runs once per item and is cached per item
 * (`work[0]`, `work[1]`, `outer[2][0]` in a nested region): its bare name
 * explains every item, `work[3]` or `--item 3` one of them.
 *
 * @module
 */
import type { Command } from "commander";
import type { CacheRecord } from "../../lib/ports/metadata-store.ts";
import type { CacheExplanation } from "../../lib/ports/cache.ts";
import { closestNames } from "../../lib/closest-names.ts";
import { baseName, compareItems, itemOf, itemRecords } from "../../cache/item-records.ts";
import type { CliHost } from "../../runtime/shared/cli-host.ts";
import { DB_OPTION, UsageError, weftCommand } from "../cli-error.ts";
import { JSON_OPTION, printJson } from "../json-output.ts";

interface ExplainFlags {
  readonly item?: string;
  readonly run?: string;
  readonly db: string;
  readonly json?: boolean;
}

/** Every item of a per-item node explained, with how many hit, missed, or were not cached. */
interface ItemsExplanation {
  readonly node: string;
  readonly runId: string;
  readonly summary: { readonly hit: number; readonly miss: number; readonly uncacheable: number };
  readonly items: readonly (CacheExplanation & { readonly item: readonly number[] })[];
}

const ITEM = /^\d+(,\d+)*$/;

/**
 * The `cache explain` command.
 *
 * @example
 * ```sh
 * weft cache explain regionTotal --item 2 --json
 * ```
 */
export function explainCommand(host: CliHost): Command {
  return weftCommand(host, "explain")
    .description("Why a node hit or missed the cache in a run (the last run by default); a node of a map/reduce region explains every item")
    .argument("<node>", "the node name; name[3] for one item of a map/reduce node (name[1][0] in a nested one)")
    .option("--item <index>", "one item of a map/reduce node, as name[index]; 1,0 for name[1][0]")
    .option("--run <id>", "the run id (see weft ui or the run's output)")
    .option(...DB_OPTION)
    .option(...JSON_OPTION)
    .action(async (node: string, opts: ExplainFlags) => {
      if (opts.item !== undefined && !ITEM.test(opts.item)) {
        throw new UsageError(`Option "--item" must be an item index such as 3 (or 1,0 in a nested map), got "${opts.item}"`);
      }
      const name = opts.item === undefined ? node : node + opts.item.split(",").map((i) => `[${i}]`).join("");
      const path = host.resolvePath(opts.db);
      const { cachedNodes, existingDb, withOpenCache } = await import("../cache-database.ts");
      const drivers = await existingDb(path);
      const answer = withOpenCache(path, drivers, (cache, metadata) => {
        const runId = opts.run ?? metadata.lastRunId();
        if (runId === undefined) return cache.explain(name);
        const records = metadata.runRecords(runId);
        if (opts.run !== undefined && records.length === 0) {
          throw new UsageError(`Run "${opts.run}" left no records in the cache "${path}": it ran without the cache, was pruned from the history (weft history prune), or the id is wrong; the last run is the default, see the ids with weft ui --db ${opts.db}`);
        }
        if (records.some((r) => r.node === name)) return cache.explain(name, runId);
        const items = itemRecords(records, name);
        if (items.length > 0) return explainItems(name, runId, items, (item) => cache.explain(item, runId));
        // Not in this run: a node the cache knows did not run; any other name is a typo.
        const known = new Set([...records.map((r) => baseName(r.node)), ...cachedNodes(path, drivers).map((n) => baseName(n.node))]);
        if (!known.has(baseName(name))) throw unknownNode(name, known, opts.db);
        const explanation = cache.explain(name, runId);
        const ran = records.filter((r) => baseName(r.node) === baseName(name)).map((r) => r.node);
        return ran.length === 0 ? explanation : { ...explanation, message: `${explanation.message}; it ran as ${listed(ran)}` };
      });
      if (opts.json) return printJson(host, answer);
      const lines = "items" in answer
        ? [`${answer.node} in run ${answer.runId}: ${answer.items.length} items: ${counts(answer.summary)}`, ...answer.items.map((i) => `  ${i.node}: ${i.message}`)]
        : [`${name}${answer.runId ? ` in run ${answer.runId}` : ""}: ${answer.message}`];
      host.stdout.write(`${lines.join("\n")}\n`);
    });
}

/** `records` in item order (from {@link itemRecords}), each explained. */
function explainItems(node: string, runId: string, records: readonly CacheRecord[], explain: (record: string) => CacheExplanation): ItemsExplanation {
  const items = records.map((r) => ({ ...explain(r.node), item: itemOf(r.node) }));
  const summary = { hit: 0, miss: 0, uncacheable: 0 };
  for (const i of items) if (i.status !== "not-run") summary[i.status]++;
  return { node, runId, summary, items };
}

function counts(s: ItemsExplanation["summary"]): string {
  const parts = [`${s.hit} ${s.hit === 1 ? "hit" : "hits"}`, `${s.miss} ${s.miss === 1 ? "miss" : "misses"}`];
  if (s.uncacheable > 0) parts.push(`${s.uncacheable} not cached`);
  return parts.join(", ");
}

/** `"a[0]", "a[1]"`, or the first and last of many. */
function listed(records: readonly string[]): string {
  const sorted = [...records].sort((a, b) => compareItems(itemOf(a), itemOf(b)));
  return sorted.length <= 3 ? sorted.map((r) => `"${r}"`).join(", ") : `"${sorted[0]}" … "${sorted.at(-1)}" (${sorted.length} items)`;
}

function unknownNode(name: string, known: ReadonlySet<string>, db: string): UsageError {
  const near = closestNames(baseName(name), [...known].sort());
  const hint = near.length > 0
    ? `did you mean ${near.map((n) => `"${n}"`).join(" or ")}?`
    : `see the cached nodes with weft cache ls --db ${db}`;
  return new UsageError(`Cannot explain "${name}": the cache has no node of that name; ${hint}`);
}
