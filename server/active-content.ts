/**
 * Whether markup about to be inlined into a page holds anything a browser
 * would run: script-like elements, event-handler attributes, `javascript:`
 * URLs. The markup is read with parse5, the WHATWG HTML parser, because that
 * is how the browser reads an SVG inlined into HTML (foreign content, elements
 * that break out of it, entities decoded): text that Graphviz escaped stays
 * text, and is never mistaken for an element or an attribute.
 *
 * @module
 */
import { parseFragment, type DefaultTreeAdapterTypes } from "parse5";

type Node = DefaultTreeAdapterTypes.Node;

/** Elements that run or embed code or other documents, or rewrite attributes (SVG animation can set `href`). */
const ACTIVE_ELEMENTS = new Set([
  "script", "foreignobject", "iframe", "frame", "frameset", "object", "embed", "applet", "portal", "base", "meta", "link",
  "handler", "listener", "set", "animate", "animatemotion", "animatetransform", "animatecolor", "discard",
]);

/** Attributes whose value a browser follows as a URL. */
const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction", "data", "poster", "background"]);

/**
 * The first active thing in `markup`, described for a message (such as
 * `element <script>` or `attribute "onload" on <g>`), or undefined when there
 * is none.
 *
 * @example
 * ```ts
 * activeContentOf('<svg><g onload="alert(1)"></g></svg>'); // 'attribute "onload" on <g>'
 * activeContentOf("<svg><title>&lt;script&gt;</title></svg>"); // undefined
 * ```
 */
export function activeContentOf(markup: string): string | undefined {
  const pending: Node[] = [parseFragment(markup)];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if ("tagName" in node) {
      const tag = node.tagName.toLowerCase();
      if (ACTIVE_ELEMENTS.has(tag)) return `element <${node.tagName}>`;
      for (const attr of node.attrs) {
        // parse5 gives xlink:href as prefix "xlink", name "href"; any prefix counts alike.
        const name = attr.name.toLowerCase();
        const shown = attr.prefix ? `${attr.prefix}:${attr.name}` : attr.name;
        if (name.startsWith("on")) return `attribute "${shown}" on <${node.tagName}>`;
        if (URL_ATTRIBUTES.has(name) && isScriptUrl(attr.value)) return `a script URL in "${shown}" on <${node.tagName}>`;
      }
    }
    if ("content" in node) pending.push(node.content);
    if ("childNodes" in node) pending.push(...node.childNodes);
  }
  return undefined;
}

/** Whether a browser would run `value` as a URL: the URL parser drops tabs and newlines and leading controls and spaces. */
function isScriptUrl(value: string): boolean {
  const url = value.replace(/[\t\n\r]/g, "").replace(/^[\x00-\x20]+/, "").toLowerCase();
  return url.startsWith("javascript:") || url.startsWith("vbscript:") || url.startsWith("data:text/html") || url.startsWith("data:image/svg");
}
