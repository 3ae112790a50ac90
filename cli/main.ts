/**
 * The `weft` command line. One sub-command per file, added here:
 *
 *   weft worker --modules ./flow.ts --redis redis://127.0.0.1:6379
 *
 * Runs on Bun (bin/weft.mjs starts Bun on this file).
 *
 * @module
 */
import { Command } from "commander";
import { processHost } from "../runtime/bun/process-host.ts";
import { workerCommand } from "./worker-command.ts";

const program = new Command("weft")
  .description("weft: Hamilton-style dataflow for TypeScript")
  .addCommand(workerCommand(processHost));

await program.parseAsync([...processHost.args], { from: "user" });
