/**
 * A flow in a temporary directory for the watch tests: `flow.ts` imports a
 * helper from `helper.ts`; `edit` rewrites either file on disk.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Builder, type Hook, type ResultBuilder } from "../../mod.ts";

export const HELPER = (factor: number) => `export function scale(x: number): number {\n  return x * ${factor};\n}\n`;

export const FLOW = (slow = "") => `import { scale } from "./helper.ts";

export function base(n: number): number {
  return n + 1;
}

export function scaled(base: number): number {
  return scale(base);
}

export function other(n: number): number {
  return n * 100;
}

export async function report(scaled: number, other: number, abortSignal: AbortSignal): Promise<string> {
  ${slow}
  return \`\${scaled}/\${other}\`;
}
`;

/** Waits until the run is cancelled: the body of a report that never ends on its own. */
export const HANG = "await new Promise((_, reject) => abortSignal.addEventListener(\"abort\", () => reject(abortSignal.reason)));";

/** A temporary project: flow.ts and helper.ts, and a cache file beside them. */
export class WatchedProject {
  readonly dir = mkdtempSync(join(tmpdir(), "weft-watch-"));
  readonly flow = join(this.dir, "flow.ts");
  readonly helper = join(this.dir, "helper.ts");
  readonly db = join(this.dir, ".weft", "weft.db");

  constructor(options: { slow?: string } = {}) {
    writeFileSync(this.helper, HELPER(2));
    writeFileSync(this.flow, FLOW(options.slow));
  }

  /** A driver of the flow with the cache and run history in this project. */
  async driver(hooks: Hook[] = [], options: { resultBuilder?: ResultBuilder } = {}) {
    const url = pathToFileURL(this.flow).href;
    const exports = await import(url);
    const builder = new Builder()
      .withModules({ name: "flow", exports, url })
      .withHooks(...hooks)
      .withCache({ path: this.db })
      .withTracking({ path: this.db });
    if (options.resultBuilder !== undefined) builder.withResultBuilder(options.resultBuilder);
    return builder.build();
  }

  write(file: string, text: string): void {
    writeFileSync(file, text);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
