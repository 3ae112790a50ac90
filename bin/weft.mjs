#!/usr/bin/env node
// The `weft` command. The CLI runs on Bun: under Bun this imports it; under
// Node it starts Bun (WEFT_BUN, the `bun` npm package, or `bun` on PATH) on
// cli/weft.ts, and passes signals and the exit code through.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../cli/weft.ts", import.meta.url));

function findBun() {
  try {
    return createRequire(import.meta.url).resolve("bun/bin/bun.exe");
  } catch {
    return "bun";
  }
}

if (process.versions.bun) {
  await import(main);
} else {
  const bun = process.env.WEFT_BUN ?? findBun();
  const child = spawn(bun, [main, ...process.argv.slice(2)], { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("error", (e) => {
    console.error(`weft: cannot start Bun ("${bun}"): ${e.message}; install it (npm install bun) or set WEFT_BUN to its path`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
