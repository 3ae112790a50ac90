import { describe, expect, test } from "bun:test";
import { createRequire } from "node:module";
import { isWeftError, MissingPackageError } from "../../lib/errors.ts";
import { importOptional, isPackageNotFound, packageOf } from "../../lib/import-optional.ts";

// A package no registry holds (names with a double hyphen are not allowed on npm).
const NOWHERE = "weft--no-such-package";
const load = (specifier: string) => () => import(specifier);

describe("importOptional()", () => {
  test("importOptional() rejects with a MissingPackageError naming the package and the command that installs it", async () => {
    const error = await importOptional(load(NOWHERE), { specifier: NOWHERE, whatFor: "draw SVG" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingPackageError);
    expect(isWeftError(error, "missing-package")).toBe(true);
    expect((error as MissingPackageError).message).toBe(`Cannot draw SVG: "${NOWHERE}" is not installed; run "npm install ${NOWHERE}"`);
    expect([(error as MissingPackageError).missing, (error as MissingPackageError).install]).toEqual([NOWHERE, [NOWHERE]]);
    expect((error as Error).cause).toMatchObject({ code: "ERR_MODULE_NOT_FOUND" });
  });

  test("importOptional() names every package to install and another way out", async () => {
    const error = await importOptional(load(`@weft--none/${NOWHERE}/sub`), {
      specifier: `@weft--none/${NOWHERE}/sub`,
      whatFor: "start the BullMQ executor",
      install: ["bullmq", "ioredis"],
      otherwise: "use the worker pool",
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `Cannot start the BullMQ executor: "@weft--none/${NOWHERE}" is not installed; run "npm install bullmq ioredis", or use the worker pool`,
    );
  });

  test("importOptional() throws at once for a require that finds no package", () => {
    const require = createRequire(import.meta.url);
    expect(() => importOptional(() => require(NOWHERE), { specifier: NOWHERE, whatFor: "open the cache" })).toThrow(
      new MissingPackageError("open the cache", NOWHERE),
    );
  });

  test("importOptional() returns what the load gives when the package is there", async () => {
    const acorn = await importOptional(() => import("acorn"), { specifier: "acorn", whatFor: "parse" });
    expect(typeof acorn.parse).toBe("function");
  });

  test("importOptional() passes on any other failure as it is", async () => {
    const boom = new Error("boom");
    expect(() => importOptional(() => { throw boom; }, { specifier: "x", whatFor: "y" })).toThrow(boom);
    expect(await importOptional(() => Promise.reject(boom), { specifier: "x", whatFor: "y" }).catch((e: unknown) => e)).toBe(boom);
  });
});

describe("isPackageNotFound()", () => {
  const notFound = (message: string, code = "ERR_MODULE_NOT_FOUND") => Object.assign(new Error(message), { code });

  test("isPackageNotFound() reads the messages of Node, Bun and Deno", () => {
    for (const message of [
      "Cannot find package 'bullmq' imported from /app/node_modules/weft/dist/executors/bullmq-packages.js", // Node, Bun
      'Could not resolve "bullmq", but found it in a package.json. Deno expects the node_modules/ directory to be up to date.', // Deno
      'Import "bullmq" not a dependency and not in import map from "file:///app/x.ts"', // Deno
    ]) expect(isPackageNotFound(notFound(message), "bullmq")).toBe(true);
    expect(isPackageNotFound(notFound("Cannot find module 'better-sqlite3'\nRequire stack:\n- /app/x.js", "MODULE_NOT_FOUND"), "better-sqlite3")).toBe(true);
  });

  test("isPackageNotFound() is false for a module missing inside an installed package, or another package", () => {
    expect(isPackageNotFound(notFound("Cannot find module '/app/node_modules/bullmq/dist/esm/index.js' imported from /app/x.js"), "bullmq")).toBe(false);
    expect(isPackageNotFound(notFound("Cannot find package 'cron-parser' imported from /app/node_modules/bullmq/dist/esm/x.js"), "bullmq")).toBe(false);
    expect(isPackageNotFound(notFound("Cannot find package 'bullmq-otel' imported from /app/x.js"), "bullmq")).toBe(false);
    expect(isPackageNotFound(new Error("Cannot find package 'bullmq'"), "bullmq")).toBe(false);
  });
});

describe("packageOf()", () => {
  test("packageOf() drops the subpath and keeps the scope", () => {
    expect(["bullmq", "csv-parse/sync", "@viz-js/viz", "@viz-js/viz/lib", "npm:ioredis"].map(packageOf)).toEqual(["bullmq", "csv-parse", "@viz-js/viz", "@viz-js/viz", "ioredis"]);
  });
});
