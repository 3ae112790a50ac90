/** `weft --version`, and the one constant it prints kept equal to the package manifests. */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { WEFT_VERSION } from "../../lib/version.ts";
import { weft } from "./_host.ts";

const root = join(import.meta.dir, "..", "..");
const manifestVersion = (file: string) => (JSON.parse(readFileSync(join(root, file), "utf8")) as { version: string }).version;

describe("weft --version", () => {
  test("WEFT_VERSION equals the version of package.json and of deno.json", () => {
    expect(WEFT_VERSION).toBe(manifestVersion("package.json"));
    expect(WEFT_VERSION).toBe(manifestVersion("deno.json"));
  });

  test("--version and -V print the version alone on stdout and exit 0", async () => {
    for (const flag of ["--version", "-V"]) {
      expect(await weft(root, flag)).toEqual({ code: 0, stdout: `${WEFT_VERSION}\n`, stderr: "" });
    }
  });

  test("the root help lists --version", async () => {
    const help = await weft(root, "--help");
    expect(help.stdout).toContain("-V, --version");
  });
});
