// Code versions on Node, from the built files in dist/: the same module file gives the same versions as on Bun
// (they come from the file, never from Function.prototype.toString). Run `npx tsc -p tsconfig.build.json` first.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadParsers } from "../../dist/cache/code/_parsers.js";
import { SourceCodeVersions } from "../../dist/cache/code/source-code-versions.js";
import { nodeCacheDrivers } from "../../dist/runtime/node/mod.js";
import { fixtureVersions } from "../portable/code-versions.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));

test("SourceCodeVersions gives the same code versions on Node as on Bun", async () => {
  await loadParsers();
  const onBun = JSON.parse(execFileSync(join(root, "node_modules/.bin/bun"), [join(root, "runtime-tests/portable/code-versions.ts")], { encoding: "utf8" }));
  assert.deepEqual(fixtureVersions(SourceCodeVersions, nodeCacheDrivers), onBun);
  assert.ok(onBun.priced.parts.some((p) => p.kind === "helper" && p.name === "normalize"));
});
