#!/usr/bin/env bun
/**
 * The `weft` executable (package.json "bin"): runs the CLI on this process.
 *
 * @module
 */
import { processHost } from "../runtime/shared/cli-host.ts";
import { runCli } from "./main.ts";

const host = processHost();
host.exit(await runCli(host));
