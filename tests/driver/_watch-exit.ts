/**
 * Run as a child process by watch.test.ts: watches a flow, takes one run, ends the watch with `return()`, closes
 * the driver and prints "ended" and the project's folder (which the test removes: a watched folder removed here
 * would close its watcher by itself). Nothing calls `process.exit`: the process ends only if no watcher is left open.
 */
import { WatchedProject } from "./_watch-flow.ts";

const p = new WatchedProject();
const dr = await p.driver();
const it = dr.watch(["report"], { inputs: { n: 1 } });
const first = await it.next();
await it.return();
await dr.close();
console.log(first.done === false && first.value.ok ? "ended" : "no run", p.dir);
