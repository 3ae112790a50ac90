/**
 * The app's assets, in memory: the only files it serves. A path that is not
 * one of them is a 404, whatever it holds (`..`, encoded slashes): nothing is
 * ever read from disk.
 *
 * @module
 */
import { APP_CSS } from "./app-css.ts";
import { APP_JS } from "./app-js.ts";

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#111827"/><path d="M3 5h4v2H3zM9 9h4v2H9zM6 6l4 4" stroke="#bbf7d0" stroke-width="1.5" fill="none"/></svg>`;

/** A served file. */
export interface Asset {
  readonly type: string;
  readonly body: string;
}

/** Assets by file name (the part after /assets/). */
export const ASSETS: ReadonlyMap<string, Asset> = new Map([
  ["app.css", { type: "text/css; charset=utf-8", body: APP_CSS }],
  ["app.js", { type: "text/javascript; charset=utf-8", body: APP_JS }],
  ["favicon.svg", { type: "image/svg+xml", body: FAVICON }],
]);

/** Changes with the assets' content, so browsers never keep a stale copy (`?v=` in the page). */
export const ASSET_VERSION: string = (() => {
  let h = 2166136261;
  for (const { body } of ASSETS.values()) for (let i = 0; i < body.length; i++) h = Math.imul(h ^ body.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
})();
