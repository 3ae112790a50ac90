/**
 * Code versions on Deno: the same module file gives the same versions as on
 * Bun (they come from the file, never from Function.prototype.toString).
 * Run with `deno test -A` (oxc-parser's native binding needs --allow-ffi).
 */
import { deepStrictEqual } from "node:assert";
import { loadParsers } from "../../cache/code/_parsers.ts";
import { SourceCodeVersions } from "../../cache/code/source-code-versions.ts";
import { denoCacheDrivers } from "../../runtime/deno/mod.ts";
import { fixtureVersions } from "../portable/code-versions.mjs";

const root = new URL("../../", import.meta.url).pathname;

Deno.test("SourceCodeVersions gives the same code versions on Deno as on Bun", async () => {
  await loadParsers();
  const out = new Deno.Command(`${root}node_modules/.bin/bun`, { args: [`${root}runtime-tests/portable/code-versions.ts`] }).outputSync();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  const onBun = JSON.parse(new TextDecoder().decode(out.stdout));
  deepStrictEqual(fixtureVersions(SourceCodeVersions, denoCacheDrivers), onBun);
  deepStrictEqual(onBun.total.parts.map((p: { id: string }) => p.id).includes("package:effect"), true);
});
