/**
 * The import rules of .dependency-cruiser.cjs (folder rules, no cycles, no
 * runtime module outside runtime/), run by dependency-cruiser on Node.
 */
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "../..");
const CONFIG = join(root, ".dependency-cruiser.cjs");
const CLI = join(root, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");

/** What dependency-cruiser said: `ok` when no rule was broken, and its report (one rule name per violation). */
export interface ImportRulesReport {
  ok: boolean;
  report: string;
}

/**
 * Runs dependency-cruiser with the project's rules on the tree at `dir`
 * (paths in the rules are relative to it).
 *
 * @example
 * const { ok, report } = await checkImportRules(process.cwd());
 * if (!ok) console.error(report); // "error no-circular: lib/a.ts → lib/b.ts → lib/a.ts"
 */
export async function checkImportRules(dir: string): Promise<ImportRulesReport> {
  // On Node, not Bun: dependency-cruiser 17 cannot load @swc/core's Visitor under Bun (its issue 1092).
  const proc = Bun.spawn(
    ["node", "--import", join(import.meta.dir, "swc-compat.mjs"), CLI, "--config", CONFIG, "--output-type", "err", "."],
    { cwd: dir, stdout: "pipe", stderr: "pipe" },
  );
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { ok: code === 0, report: (out + err).trim() };
}
