/**
 * Issue 15: requests a browser would not send, or that an attacker's page would, sent over a real
 * socket to startHistoryServer() on a loopback port: no stack traces, the Host allow-list on whatever
 * the bind address, and the security headers on every answer.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hostname as machineName } from "node:os";
import { join } from "node:path";
import { openSqliteRunStore } from "../../history/open-sqlite-run-store.ts";
import { Builder } from "../../mod.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { serveHttp } from "../../runtime/bun/serve.ts";
import { startHistoryServer, type HistoryServer } from "../../server/start-server.ts";
import { tempDir } from "../cache/_helpers.ts";
import { rawGet, type RawResponse } from "./_raw-http.ts";

const tmp = tempDir("server-hostile");
const path = join(tmp.dir, "weft.db");
let server: HistoryServer;

beforeAll(async () => {
  await using dr = await new Builder().withModules({ doubled: (n: number) => n * 2 }).withTracking({ path }).build();
  await dr.execute(["doubled"], { inputs: { n: 21 } });
  server = await startHistoryServer({ path, port: 0 });
});
afterAll(async () => {
  await server.close();
  tmp.remove();
});

/** What must never reach a client: stack frames, absolute paths of this machine, source lines. */
function expectNoLeak(res: RawResponse) {
  expect(res.text).not.toContain("    at ");
  expect(res.text).not.toContain(import.meta.dir.split("/tests/")[0]!);
  expect(res.text).not.toContain("app.tsx");
  expect(res.text).not.toContain("new URL");
}

function expectSecurityHeaders(res: RawResponse) {
  expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
  expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
}

describe("startHistoryServer() with malformed requests", () => {
  test("an HTTP/1.0 request without Host is a plain 400", async () => {
    const res = await rawGet(server.port, "/api/runs", [], "1.0");
    expect(res.status).toBe(400);
    expect(res.body).toBe("Bad request: the Host header is missing or is not a host name");
    expectNoLeak(res);
    expectSecurityHeaders(res);
  });

  test("an empty Host is a plain 400", async () => {
    const res = await rawGet(server.port, "/runs/x", ["Host: "]);
    expect(res.status).toBe(400);
    expectNoLeak(res);
    expectSecurityHeaders(res);
  });

  test("a Host with userinfo (127.0.0.1@evil.com) is a plain 400, not a page for evil.com", async () => {
    for (const host of ["127.0.0.1@evil.com", "127.0.0.1:80@evil.com", "127.0.0.1/x", "local host", "127.0.0.1:99999"]) {
      const res = await rawGet(server.port, "/api/runs", [`Host: ${host}`]);
      expect([host, res.status]).toEqual([host, 400]);
      expectNoLeak(res);
    }
  });

  test("a well-formed loopback Host is served", async () => {
    for (const host of ["127.0.0.1", `127.0.0.1:${server.port}`, `localhost:${server.port}`, "LOCALHOST.", `[::1]:${server.port}`]) {
      const res = await rawGet(server.port, "/api/runs", [`Host: ${host}`]);
      expect([host, res.status]).toEqual([host, 200]);
    }
  });

  test("a handler that throws is a plain 500 from the runtime, not its development error page", async () => {
    const bare = await serveHttp({ fetch: () => { throw new Error(`boom in ${import.meta.path}`); }, hostname: "127.0.0.1", port: 0 });
    try {
      const res = await rawGet(bare.port, "/", ["Host: 127.0.0.1"]);
      expect(res.status).toBe(500);
      expect(res.text).not.toContain("boom");
      expectNoLeak(res);
    } finally {
      await bare.close();
    }
  });
});

describe("startHistoryServer() security headers", () => {
  test("every answer carries the content security policy: 200, 403, 404 and 405 (400 and 500 above and below)", async () => {
    const statuses: number[] = [];
    for (const [method, target, host] of [
      ["GET", "/", "127.0.0.1"], ["GET", "/", "evil.example"], ["GET", "/runs/nope", "127.0.0.1"], ["GET", "/api/nope", "127.0.0.1"],
      ["DELETE", "/api/runs", "127.0.0.1"], ["GET", "/assets/nope.js", "127.0.0.1"],
    ] as const) {
      const res = await fetch(`${server.url.slice(0, -1)}${target}`, { method, headers: { host } });
      statuses.push(res.status);
      expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    }
    expect(statuses).toEqual([200, 403, 404, 404, 405, 404]);
  });

  test("a store that fails is a 500 that says why in words, with the policy", async () => {
    const opened = openSqliteRunStore(path, bunCacheDrivers, { alive: () => true, existing: true });
    if (opened.status !== "open") throw new Error(opened.reason);
    const failing = await startHistoryServer({ history: opened.store, port: 0 });
    opened.store.close();
    try {
      for (const target of ["/api/runs", "/"]) {
        const res = await rawGet(failing.port, target, ["Host: 127.0.0.1"]);
        expect([target, res.status]).toEqual([target, 500]);
        expectSecurityHeaders(res);
        expectNoLeak(res);
      }
    } finally {
      await failing.close();
    }
  });
});

describe("startHistoryServer() Host allow-list (DNS rebinding)", () => {
  const open = async (options: { allowedHosts?: string[] }) => startHistoryServer({ path, port: 0, hostname: "0.0.0.0", warn: () => {}, ...options });

  test("bound to 0.0.0.0 it still refuses other names, the machine's own included unless listed", async () => {
    const wide = await open({});
    try {
      for (const host of ["attacker.example", `${machineName()}:${wide.port}`, "box.lan"]) {
        const res = await rawGet(wide.port, "/api/runs", [`Host: ${host}`]);
        expect([host, res.status]).toEqual([host, 403]);
        expect(res.body).toContain("weft ui --allow-host");
      }
      expect((await rawGet(wide.port, "/api/runs", [`Host: localhost:${wide.port}`])).status).toBe(200);
    } finally {
      await wide.close();
    }
  });

  test("allowedHosts adds names, with any port or only the one given", async () => {
    const wide = await open({ allowedHosts: [machineName(), "box.lan:4319", "192.168.1.10"] });
    try {
      const statusOf = async (host: string) => (await rawGet(wide.port, "/api/runs", [`Host: ${host}`])).status;
      expect(await statusOf(`${machineName()}:${wide.port}`)).toBe(200);
      expect(await statusOf("box.lan:4319")).toBe(200);
      expect(await statusOf("box.lan:8080")).toBe(403);
      expect(await statusOf("192.168.1.10")).toBe(200);
      expect(await statusOf("attacker.example")).toBe(403);
    } finally {
      await wide.close();
    }
  });

  test("an allowed host that is not a host name is refused before the server starts", async () => {
    await expect(open({ allowedHosts: ["evil.com/x"] })).rejects.toThrow(
      'Allowed host "evil.com/x" is not a host name: give a name or an address, optionally with ":port", such as "build-box.lan" or "192.168.1.10:4319"',
    );
  });
});
