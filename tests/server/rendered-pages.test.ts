/** RenderedPages: rendered HTML kept by the content of its props. */
import { describe, expect, test } from "bun:test";
import { RenderedPages } from "../../server/rendered-pages.ts";

describe("RenderedPages", () => {
  test("render() renders once for props that serialize alike, again for other props", async () => {
    const pages = new RenderedPages(4);
    let renders = 0;
    const render = (props: { n: number }) => pages.render(props, () => `<p>${props.n} ${++renders}</p>`);
    expect(await render({ n: 1 })).toBe("<p>1 1</p>");
    expect(await render({ n: 1 })).toBe("<p>1 1</p>");
    expect(await render({ n: 2 })).toBe("<p>2 2</p>");
    expect(renders).toBe(2);
  });

  test("render() keeps the most recently used pages only", async () => {
    const pages = new RenderedPages(2);
    let renders = 0;
    const render = (n: number) => pages.render({ n }, () => `${n}:${++renders}`);
    await render(1);
    await render(2);
    await render(1);
    await render(3); // 2 is the least recently used: it goes
    expect(pages.size).toBe(2);
    expect(await render(1)).toBe("1:1");
    expect(await render(2)).toBe("2:4");
  });

  test("render() awaits an element whose toString() is a promise", async () => {
    const pages = new RenderedPages(1);
    expect(await pages.render({}, () => ({ toString: () => Promise.resolve("<b>async</b>") }))).toBe("<b>async</b>");
  });

  test("new RenderedPages() rejects a size below 1", () => {
    expect(() => new RenderedPages(0)).toThrow(RangeError);
  });
});
