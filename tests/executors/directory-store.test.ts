import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirectoryValueStore } from "../../runtime/shared/directory-store.ts";

const root = mkdtempSync(join(tmpdir(), "weft-store-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const fresh = () => new DirectoryValueStore(mkdtempSync(join(root, "s-")));
const count = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;

describe("DirectoryValueStore", () => {
  test("put() returns the SHA-256 of the bytes and get() gives them back", async () => {
    const store = fresh();
    const ref = await store.put(new TextEncoder().encode("abc"));
    expect(ref).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(new TextDecoder().decode(await store.get(ref))).toBe("abc");
  });

  test("put() stores the same bytes once and leaves no temporary file", async () => {
    const store = fresh();
    await Promise.all([1, 2, 3].map(() => store.put(new Uint8Array([9, 9, 9]))));
    expect(count(store.directory)).toBe(1);
  });

  test("get() of a value the directory does not hold names the reference and the directory", async () => {
    const store = fresh();
    const ref = "0".repeat(64);
    await expect(store.get(ref)).rejects.toThrow(`Cannot read value "${ref}" from the shared directory "${store.directory}": `);
  });

  test("get() refuses a damaged file instead of returning wrong bytes", async () => {
    const store = fresh();
    const ref = await store.put(new Uint8Array([1, 2, 3]));
    writeFileSync(join(store.directory, ref.slice(0, 2), ref.slice(2)), new Uint8Array([1, 2]));
    await expect(store.get(ref)).rejects.toThrow("the file is damaged (its content does not match its hash); delete it and re-run");
  });

  test("get() rejects a reference that is not a SHA-256", async () => {
    await expect(fresh().get("../../etc/passwd")).rejects.toThrow("not a SHA-256 reference");
  });
});
