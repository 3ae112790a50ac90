/**
 * What loads the parser (oxc-parser) and scope analysis: imported by
 * node-code-versions.ts on first use only.
 *
 * @module
 */
export { functionCodeVersion, UNKNOWN_FILE } from "./function-code-version.ts";
export { SourceCodeVersions } from "./source-code-versions.ts";
