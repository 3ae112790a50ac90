/**
 * Rendered HTML by the content it was rendered from: a page component is a
 * pure function of its props, so props that serialize alike render alike.
 * The runs list re-reads the history on every request (so it is never stale)
 * and skips only the rendering when nothing on the page changed: JSX
 * rendering was about half of the page's time at 10,000 runs (issue 15).
 *
 * @module
 */

/**
 * The last few pages rendered, by the JSON of their props (least recently used goes first).
 *
 * @example
 * ```ts
 * const pages = new RenderedPages(32);
 * const html = await pages.render({ page, status, counts }, () => <RunsPage page={page} status={status} counts={counts} now={now} />);
 * ```
 */
export class RenderedPages {
  readonly #max: number;
  readonly #pages = new Map<string, string>();

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`The number of pages kept must be an integer of at least 1, got ${String(max)}`);
    this.#max = max;
  }

  /** The HTML that `render` makes from `props`, rendered only when no page of equal props is kept. */
  async render(props: unknown, render: () => string | Promise<string> | { toString(): string | Promise<string> }): Promise<string> {
    const key = JSON.stringify(props);
    const kept = this.#pages.get(key);
    if (kept !== undefined) {
      // Map keeps insertion order: re-inserting makes it the most recently used.
      this.#pages.delete(key);
      this.#pages.set(key, kept);
      return kept;
    }
    const html = String(await render().toString());
    this.#pages.set(key, html);
    if (this.#pages.size > this.#max) this.#pages.delete(this.#pages.keys().next().value!);
    return html;
  }

  /** How many pages are kept. */
  get size(): number {
    return this.#pages.size;
  }
}
