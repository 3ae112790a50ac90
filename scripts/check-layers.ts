/**
 * Layering check (npm test's `layers` step): dependency-cruiser applies the
 * rules of .dependency-cruiser.cjs (DESIGN.md's folder rules, no import cycle,
 * type-only imports included, no runtime module outside runtime/); then the
 * runtime globals outside runtime/, which dependency-cruiser does not see.
 *
 *   bun scripts/check-layers.ts
 */
import { resolve } from "node:path";
import { checkImportRules } from "./layers/import-rules.ts";
import { findRuntimeGlobals } from "./layers/runtime-globals.ts";

const root = resolve(import.meta.dir, "..");
const imports = await checkImportRules(root);
const globals = findRuntimeGlobals(root);

if (!imports.ok || globals.length > 0) {
  if (!imports.ok) console.error(`Layering check failed: import rules (.dependency-cruiser.cjs)\n${imports.report}`);
  if (globals.length > 0) console.error(`Layering check failed: runtime globals\n${globals.map((p) => `  ${p}`).join("\n")}`);
  process.exit(1);
}
console.log(`Layering check passed: ${imports.report.split("\n").at(-1)}; no runtime global outside runtime/`);
