/**
 * weft's version: what `weft --version` prints, and the version of the running
 * weft in code versions (a node that imports "weft" or "@weft/weft"). Kept here, not read from package.json:
 * weft also ships compiled in dist/ and on JSR, where no package.json sits
 * beside it. tests/cli/version.test.ts checks it against package.json and
 * deno.json.
 *
 * @module
 */

/** The package version, as in package.json and deno.json. */
export const WEFT_VERSION = "0.1.0";
