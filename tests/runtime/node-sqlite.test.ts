import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type BetterSqlite3 from "better-sqlite3";
import { CacheError, isWeftError } from "../../lib/errors.ts";
import { chooseNodeSqlite, type NodeSqliteModules } from "../../runtime/node/sqlite.ts";
import { nodeSqliteOpener } from "../../runtime/shared/node-sqlite.ts";

// Node's "module not found" for a require of a package that is not installed.
const notInstalled = (name: string) => () => {
  throw Object.assign(new Error(`Cannot find module '${name}'\nRequire stack:\n- /app/node_modules/weft/dist/runtime/node/sqlite.js`), { code: "MODULE_NOT_FOUND" });
};

/** A stand-in for better-sqlite3's Database class that records the files it opens. */
function fakeBetterSqlite3(opened: string[]): typeof BetterSqlite3 {
  return class {
    constructor(path: string) {
      opened.push(path);
    }
    transaction() {
      return { immediate: () => undefined };
    }
    close() {}
  } as unknown as typeof BetterSqlite3;
}

function modules(overrides: Partial<NodeSqliteModules>): NodeSqliteModules {
  return { betterSqlite3: notInstalled("better-sqlite3"), nodeSqlite: () => undefined, version: "20.20.2", ...overrides };
}

describe("chooseNodeSqlite()", () => {
  test("chooseNodeSqlite() without better-sqlite3 or node:sqlite is a CacheError that names the package to install", () => {
    let error: unknown;
    try {
      chooseNodeSqlite(modules({}));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CacheError);
    expect((error as Error).message).toBe(
      'Cannot open the cache or run history on Node 20.20.2: "better-sqlite3" is not installed; run "npm install better-sqlite3", or use Node 22.13 or later (it has node:sqlite), Bun or Deno',
    );
    expect(isWeftError((error as Error).cause, "missing-package")).toBe(true);
  });

  test("chooseNodeSqlite() takes node:sqlite when better-sqlite3 is not installed", () => {
    const dir = mkdtempSync(join(tmpdir(), "weft-node-sqlite-"));
    try {
      // Bun implements node:sqlite too: it stands in for Node's.
      const db = chooseNodeSqlite(modules({ nodeSqlite: () => ({ DatabaseSync }) }))(join(dir, "weft.db"));
      db.exec("CREATE TABLE t (a)");
      db.transaction(() => db.prepare("INSERT INTO t VALUES (?)").run(7));
      expect(db.prepare("SELECT a FROM t").all()).toEqual([{ a: 7 }]);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("chooseNodeSqlite() takes better-sqlite3 first when it is installed, loading its addon once in memory", () => {
    const opened: string[] = [];
    let asked = false;
    const open = chooseNodeSqlite(modules({ betterSqlite3: () => fakeBetterSqlite3(opened), nodeSqlite: () => ((asked = true), { DatabaseSync }) }));
    open("/p/weft.db");
    expect([opened, asked]).toEqual([[":memory:", "/p/weft.db"], false]);
  });

  // What better-sqlite3 throws at its first Database when its addon was built for another Node.
  const wrongBuild = () => {
    throw new Error("The module '/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version");
  };

  test("chooseNodeSqlite() takes node:sqlite when better-sqlite3 is installed but does not load", () => {
    const Broken = class { constructor() { wrongBuild(); } } as unknown as typeof BetterSqlite3;
    const db = chooseNodeSqlite(modules({ betterSqlite3: () => Broken, nodeSqlite: () => ({ DatabaseSync }) }))(":memory:");
    expect(db.prepare("SELECT 1 AS one").get()).toEqual({ one: 1 });
    db.close();
  });

  test("chooseNodeSqlite() with a better-sqlite3 that does not load and no node:sqlite is a CacheError that says to rebuild it", () => {
    expect(() => chooseNodeSqlite(modules({ betterSqlite3: wrongBuild }))).toThrow(new CacheError(
      "Cannot open the cache or run history on Node 20.20.2: \"better-sqlite3\" is installed but does not load (The module '/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node' was compiled against a different Node.js version); " +
        'run "npm rebuild better-sqlite3", or use Node 22.13 or later (it has node:sqlite), Bun or Deno',
    ));
  });
});

describe("nodeSqliteOpener()", () => {
  test("nodeSqliteOpener() joins an inner transaction to the outer one and rolls both back on a throw", () => {
    const db = nodeSqliteOpener(DatabaseSync)(":memory:");
    db.exec("CREATE TABLE t (a)");
    const insert = db.prepare("INSERT INTO t VALUES (?)");
    expect(() => db.transaction(() => {
      insert.run(1);
      db.transaction(() => insert.run(2));
      throw new Error("stop");
    })).toThrow("stop");
    expect([db.prepare("SELECT count(*) AS n FROM t").get(), db.prepare("SELECT a FROM t WHERE a = ?").get(9)]).toEqual([{ n: 0 }, undefined]);
    expect(insert.run(3)).toEqual({ changes: 1 });
    db.close();
  });
});
