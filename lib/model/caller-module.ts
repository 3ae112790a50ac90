/**
 * Finds the module that called into weft, from the JavaScript engine's call
 * sites (V8 on Deno and Node, JavaScriptCore on Bun both implement
 * `Error.prepareStackTrace` with call-site objects). Worker nodes need it: a
 * worker imports the node's own module by URL, and a namespace object does
 * not say where it came from.
 *
 * @module
 */

interface CallSite {
  getFileName(): string | null | undefined;
}

// weft's whole lib/ (this file is in lib/model/): a call from the builder or a modifier is not the caller.
const LIB_URL = new URL("..", import.meta.url).href;

/** The URL of the first module on the stack outside weft's lib/, if any. */
export function callerModuleUrl(): string | undefined {
  const E = Error as unknown as { prepareStackTrace?: unknown; stackTraceLimit: number };
  const previous = E.prepareStackTrace;
  const previousLimit = E.stackTraceLimit;
  let files: readonly (string | null | undefined)[] = [];
  try {
    E.stackTraceLimit = 30;
    E.prepareStackTrace = (_: unknown, sites: readonly CallSite[]) => sites.map((s) => s.getFileName());
    files = new Error().stack as unknown as string[];
  } finally {
    E.prepareStackTrace = previous;
    E.stackTraceLimit = previousLimit;
  }
  if (!Array.isArray(files)) return undefined;
  for (const file of files) {
    if (!file) continue;
    const url = toUrl(file);
    if (url !== undefined && !url.startsWith(LIB_URL)) return url;
  }
  return undefined;
}

function toUrl(file: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) return file;
  if (file.startsWith("/")) return new URL(`file://${encodeURI(file).replace(/[?#]/g, encodeURIComponent)}`).href;
  return undefined; // native frames, eval, "<anonymous>"
}
