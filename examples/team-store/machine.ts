/**
 * One machine of the team: `bun examples/team-store/machine.ts <postgres url> <shared directory> <name>` runs
 * the flow with its cache and run history in the team store, and says which nodes it computed and which it
 * took from results another machine stored.
 */
import { Builder } from "../../mod.ts";
import { postgres } from "../../postgres.ts";
import * as flow from "./flow.ts";

const [url, directory, name] = process.argv.slice(2) as [string, string, string];
const team = postgres(url, { directory });
await using dr = await new Builder().withModules(flow).withCache({ store: team }).withTracking({ store: team }).build();
const { summary } = await dr.execute(["summary"], { inputs: { days: 30 } });
// This driver's own run: the team's newest may be another machine's.
const nodes = dr.history!.nodesOf(dr.cache!.lastRunId!);
const hits = nodes.filter((n) => n.cache?.status === "hit").map((n) => n.node);
const computed = nodes.filter((n) => n.cache?.status !== "hit").map((n) => n.node);
console.log(`${name}: mean ${summary.mean}, max ${summary.max}; computed [${computed.join(", ")}], from the team store [${hits.join(", ")}]`);
