/** @jsxImportSource hono/jsx */
/**
 * The frame of every page: header, stylesheet and script, all served by the
 * app itself (no CDN: the view works offline).
 *
 * @module
 */
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { RunStatus } from "../../lib/ports/run-store.ts";
import { ASSET_VERSION } from "../assets/assets.ts";

/**
 * A page with weft's header.
 *
 * @example
 * ```tsx
 * c.html(<Layout title="Runs">...</Layout>);
 * ```
 */
export function Layout(props: { title: string; children?: Child; live?: string }) {
  return (
    <>
    {raw("<!DOCTYPE html>")}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · weft`}</title>
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href={`/assets/app.css?v=${ASSET_VERSION}`} />
        <script src={`/assets/app.js?v=${ASSET_VERSION}`} defer></script>
      </head>
      <body data-live={props.live}>
        <header class="top">
          <a class="brand" href="/">weft</a>
          <span class="sub">run history</span>
          <nav><a href="/">runs</a><a href="/nodes">nodes</a></nav>
        </header>
        <main>{props.children}</main>
      </body>
    </html>
    </>
  );
}

/** A run or node status as a coloured badge. */
export function Badge(props: { status: RunStatus | string }) {
  return <span class={`badge s-${props.status}`} data-status={props.status}>{props.status}</span>;
}

/** A time the client script shows in local time (UTC without it). */
export function Time(props: { ms: number }) {
  const iso = new Date(props.ms).toISOString();
  return <time datetime={iso}>{`${iso.slice(0, 19).replace("T", " ")} UTC`}</time>;
}
