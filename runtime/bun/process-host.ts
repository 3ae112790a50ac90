/**
 * The ProcessHost on Bun, which runs the `weft` CLI.
 *
 * @module
 */
import { hostname } from "node:os";
import { resolve } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import type { ProcessHost } from "../../lib/ports/process-host.ts";

/** This Bun process. */
export const processHost: ProcessHost = {
  args: process.argv.slice(2),
  pid: process.pid,
  hostname: hostname(),
  absolutePath: (path) => resolve(path),
  moduleUrl: (path) => pathToFileURL(resolve(path)).href,
  onShutdown(listener) {
    let stopping = false;
    const onSignal = (signal: string) => {
      if (stopping) process.exit(130);
      stopping = true;
      listener(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  },
  exit: (code) => process.exit(code),
};
