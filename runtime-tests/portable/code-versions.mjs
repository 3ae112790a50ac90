/**
 * Code versions of code-fixture.ts's exports, as `{ name: { codeVersion, parts } }`,
 * computed with the SourceCodeVersions class and file system given: each
 * runtime's test runs it with its own drivers and compares with Bun's.
 */
export const FIXTURE_EXPORTS = ["cleaned", "priced", "total"];

/**
 * @param {new (fs: any, hasher: any) => { ofExport(url: string, name: string): unknown }} SourceCodeVersions
 * @param {{ fs: unknown, hasher: unknown }} drivers
 */
export function fixtureVersions(SourceCodeVersions, drivers) {
  const url = new URL("./code-fixture.ts", import.meta.url).href;
  const versions = new SourceCodeVersions(drivers.fs, drivers.hasher);
  return Object.fromEntries(FIXTURE_EXPORTS.map((name) => [name, versions.ofExport(url, name)]));
}
