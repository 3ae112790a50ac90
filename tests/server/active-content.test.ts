/**
 * Issue 15, part 4: activeContentOf() reads markup as the browser does, so names that Graphviz escaped are
 * text, while a real script, handler or script URL is still found, in Graphviz's own output too.
 */
import { describe, expect, test } from "bun:test";
import { renderSvg } from "../../lib/visualize/svg.ts";
import { activeContentOf } from "../../server/active-content.ts";

describe("activeContentOf()", () => {
  test("finds nothing in text that only looks active", () => {
    for (const markup of [
      "<svg><title>x onload=y</title><text>javascript:alert(1)</text></svg>",
      "<svg><title>&lt;script&gt;alert(1)&lt;/script&gt;</title></svg>",
      '<svg><g id="a" class="node wn s&#45;failed"><title>on=1</title></g></svg>',
      '<svg><a xlink:href="/runs/1/nodes/javascript%3Aalert(1)"><text>ok</text></a></svg>',
    ]) expect([markup, activeContentOf(markup)]).toEqual([markup, undefined]);
  });

  test("finds script-like elements, SVG animations among them", () => {
    expect(activeContentOf("<svg><script>alert(1)</script></svg>")).toBe("element <script>");
    expect(activeContentOf("<svg><foreignObject><div>x</div></foreignObject></svg>")).toBe("element <foreignObject>");
    expect(activeContentOf('<svg><a><set attributeName="href" to="javascript:alert(1)"/></a></svg>')).toBe("element <set>");
    expect(activeContentOf('<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>')).toBe("element <animate>");
  });

  test("finds event handler attributes, whatever their case, and HTML that breaks out of the SVG", () => {
    expect(activeContentOf('<svg><g onload="alert(1)"></g></svg>')).toBe('attribute "onload" on <g>');
    expect(activeContentOf('<svg><g ONMOUSEOVER="alert(1)"></g></svg>')).toBe('attribute "onmouseover" on <g>');
    expect(activeContentOf("<svg><img src=x onerror=alert(1)></svg>")).toBe('attribute "onerror" on <img>');
  });

  test("finds javascript: URLs in href and xlink:href, as the URL parser reads them", () => {
    expect(activeContentOf('<svg><a href="javascript:alert(1)"><text>x</text></a></svg>')).toBe('a script URL in "href" on <a>');
    expect(activeContentOf('<svg><a xlink:href=" JaVa&#x09;Script:alert(1)"><text>x</text></a></svg>')).toBe('a script URL in "xlink:href" on <a>');
    expect(activeContentOf('<svg><a xlink:href="java&#10;script:alert(1)"></a></svg>')).toBe('a script URL in "xlink:href" on <a>');
  });

  test("finds the javascript: link Graphviz draws for a node whose href is one", async () => {
    const svg = await renderSvg('digraph { a [href="javascript:alert(1)"]; b [URL="javascript:alert(2)"]; }');
    expect(svg).toContain("javascript:alert(1)");
    expect(activeContentOf(svg)).toBe('a script URL in "xlink:href" on <a>');
  });
});
