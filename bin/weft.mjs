#!/usr/bin/env node
// The `weft` command, run in this process on whichever runtime started it:
// Bun runs the TypeScript source, Deno and Node the JavaScript build in dist/
// (`npm pack` builds it). Node without type stripping (Node 20) gets module
// hooks first, so that `weft run flow.ts` can import TypeScript.
import { existsSync } from "node:fs";

const here = new URL(".", import.meta.url);

if (globalThis.Bun) {
  await import(new URL("../cli/weft.ts", here).href);
} else {
  const dist = new URL("../dist/", here);
  if (!existsSync(new URL("cli/weft.js", dist))) {
    console.error("weft: Cannot start the CLI: dist/ is missing (a source checkout); run `npm run build` first, or use Bun (`bun cli/weft.ts`)");
    process.exit(1);
  }
  if (!globalThis.Deno) {
    const { registerTypeScriptLoader } = await import(new URL("runtime/node/typescript-loader.js", dist).href);
    registerTypeScriptLoader();
  }
  await import(new URL("cli/weft.js", dist).href);
}
