/**
 * Headless Chromium for the browser tests: Debian's chromium package driven
 * by playwright-core, with a fresh profile. A missing browser fails the tests
 * with how to install it; they are never skipped.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM = process.env.WEFT_CHROMIUM ?? "/usr/bin/chromium";

/** Launches Chromium; `close()` also removes its profile. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at "${CHROMIUM}": install it with "apt-get update && apt-get install -y chromium" (.ci/run does), or point WEFT_CHROMIUM at a Chromium binary`);
  }
  const profile = mkdtempSync(join(tmpdir(), "weft-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport: { width: 1400, height: 1000 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
