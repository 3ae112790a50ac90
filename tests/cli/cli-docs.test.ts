/** docs/guide/cli.md documents every option of every command, and shows each command's --json. */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { createProgram } from "../../cli/main.ts";
import { testHost } from "./_host.ts";

const page = readFileSync(join(import.meta.dir, "../../docs/guide/cli.md"), "utf8");

/** Whether the page names `flag` as a flag (not as part of a longer one). */
const mentions = (flag: string) => new RegExp(`(^|[\\s\`(])${flag}(?![\\w-])`, "m").test(page);

/** Every command under `cmd`, with its path: ["cache", "explain"]. */
function commands(cmd: Command, path: string[] = []): { path: string[]; command: Command }[] {
  return [{ path, command: cmd }, ...cmd.commands.flatMap((c) => commands(c, [...path, c.name()]))];
}

describe("docs/guide/cli.md", () => {
  const all = commands(createProgram(testHost(".", [])));

  test("names every option of every command", () => {
    const missing = all.flatMap(({ path, command }) =>
      command.options.filter((o) => o.long !== undefined && !o.hidden && !mentions(o.long)).map((o) => `weft ${path.join(" ")} ${o.long}`));
    expect(missing).toEqual([]);
  });

  test("has a section or a line for every command", () => {
    for (const { path } of all.filter((c) => c.path.length > 0)) expect(page).toContain(`weft ${path.join(" ")}`);
  });

  test("lists --json for exactly the commands that take it", () => {
    const withJson = all.filter(({ command }) => command.options.some((o) => o.long === "--json")).map(({ path }) => path.join(" "));
    expect(withJson.sort()).toEqual(["cache clear", "cache explain", "cache gc", "cache ls", "diff", "history prune", "history table", "plan", "rerun", "run", "stats", "ui", "watch"]);
    const listed = /\*\*`--json`\*\*: every command that prints data \(([^)]*)\)/.exec(page.replace(/\s+/g, " "))?.[1];
    expect(listed?.match(/`[^`]+`/g)?.map((s) => s.slice(1, -1)).sort()).toEqual(withJson.sort());
  });
});
