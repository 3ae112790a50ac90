/**
 * Prints the code versions of code-fixture.ts's exports on Bun, as JSON. The
 * Deno and Node suites compare their own with these.
 *
 *   bun runtime-tests/portable/code-versions.ts
 */
import { loadParsers } from "../../cache/code/_parsers.ts";
import { SourceCodeVersions } from "../../cache/code/source-code-versions.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { fixtureVersions } from "./code-versions.mjs";

await loadParsers();
console.log(JSON.stringify(fixtureVersions(SourceCodeVersions, bunCacheDrivers)));
