#!/usr/bin/env node
// The `weft` command, run in this process on whichever runtime started it:
// Bun runs the TypeScript source, Deno and Node the JavaScript build in dist/
// (`npm pack` builds it). Node without type stripping (Node 20) gets module
// hooks first, so that `weft run flow.ts` can import TypeScript.
const here = new URL(".", import.meta.url);

if (globalThis.Bun) {
  await import(new URL("../cli/weft.ts", here).href);
} else {
  const entry = new URL("../dist/cli/weft.js", here);
  try {
    if (!globalThis.Deno) {
      const { registerTypeScriptLoader } = await import(new URL("../dist/runtime/node/typescript-loader.js", here).href);
      registerTypeScriptLoader();
    }
  } catch (e) {
    if (e?.code !== "ERR_MODULE_NOT_FOUND") throw e;
    console.error("weft: Cannot start the CLI: dist/ is missing (a source checkout); run `npm run build` first, or use Bun (`bun cli/weft.ts`)");
    process.exit(1);
  }
  await import(entry.href);
}
