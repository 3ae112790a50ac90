/**
 * withTelemetry(): runs exported to OpenTelemetry over OTLP/HTTP by Effect's exporter, received by an OTLP/HTTP
 * JSON endpoint on loopback (no collector installs from npm or Debian's packages here: the receiver reads the
 * standard OTLP JSON encoding with JSON.parse, and checks what a collector would store).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { Builder, collect, node, parallelizable } from "../../mod.ts";

interface Attr { key: string; value: { stringValue?: string; intValue?: string; boolValue?: boolean } }
interface Span { traceId: string; spanId: string; parentSpanId?: string; name: string; startTimeUnixNano: string; endTimeUnixNano: string; attributes: Attr[]; status: { code: number; message?: string } }

const received: { path: string; type: string | null; spans: Span[]; service?: string }[] = [];
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    const body = (await req.json()) as { resourceSpans: { resource: { attributes: Attr[] }; scopeSpans: { spans: Span[] }[] }[] };
    for (const rs of body.resourceSpans) {
      received.push({
        path: new URL(req.url).pathname,
        type: req.headers.get("content-type"),
        service: rs.resource.attributes.find((a) => a.key === "service.name")?.value.stringValue,
        spans: rs.scopeSpans.flatMap((s) => s.spans),
      });
    }
    return Response.json({});
  },
});
afterAll(() => server.stop(true));

const attr = (s: Span, key: string) => {
  const v = s.attributes.find((a) => a.key === key)?.value;
  return v?.stringValue ?? v?.intValue ?? v?.boolValue;
};

describe("withTelemetry()", () => {
  test("one span per run and per node execution (each map item), children of the run's span, with node, item, executor and cache attributes", async () => {
    received.length = 0;
    const flow = {
      words: parallelizable((text: string) => text.split(" ")),
      counted: (words: string) => words.length,
      total: collect((counted: number[]) => counted.reduce((a, b) => a + b, 0)),
    };
    await using dr = await new Builder().withModules(flow).withCache({ memory: true }).withWarnings(() => {})
      .withTelemetry({ url: `http://127.0.0.1:${server.port}/`, serviceName: "weft-test", exportIntervalMs: 50 }).build();
    await dr.execute(["total"], { inputs: { text: "a bb ccc" } });
    await dr.execute(["total"], { inputs: { text: "a bb ccc" } });
    await dr.close(); // sends what is batched
    expect(new Set(received.map((r) => `${r.path} ${r.type} ${r.service}`))).toEqual(new Set(["/v1/traces application/json weft-test"]));
    const spans = received.flatMap((r) => r.spans);
    const runs = spans.filter((s) => s.parentSpanId === undefined || s.parentSpanId === "");
    expect(runs.map((s) => s.name)).toEqual(["weft run total", "weft run total"]);
    for (const run of runs) {
      const children = spans.filter((s) => s.parentSpanId === run.spanId);
      expect(children.every((c) => c.traceId === run.traceId)).toBe(true);
      expect(children.map((c) => `${c.name}${attr(c, "weft.item") === undefined ? "" : ` ${attr(c, "weft.item")}`}`).sort()).toEqual(
        ["counted words[0]", "counted words[1]", "counted words[2]", "total", "words"],
      );
      for (const c of children) {
        expect(BigInt(c.startTimeUnixNano) >= BigInt(run.startTimeUnixNano)).toBe(true);
        expect(BigInt(c.endTimeUnixNano) <= BigInt(run.endTimeUnixNano) + 1_000_000n).toBe(true);
        expect(attr(c, "weft.executor")).toBe("in-process");
      }
    }
    const second = spans.filter((s) => s.parentSpanId === runs[1]!.spanId);
    expect(second.map((s) => attr(s, "weft.cache.status"))).toEqual(["hit", "hit", "hit", "hit", "hit"]);
    const first = spans.filter((s) => s.parentSpanId === runs[0]!.spanId);
    expect(attr(first.find((s) => s.name === "words")!, "weft.cache.reason")).toBe('no cached result for "words" yet');
  });

  test("a failed node's span and its run's span have an error status with the message", async () => {
    received.length = 0;
    const flow = { a: () => 1, boom: node((a: number) => { throw new Error(`no ${a}`); }) };
    await using dr = await new Builder().withModules(flow).withTelemetry({ url: `http://127.0.0.1:${server.port}`, exportIntervalMs: 50 }).build();
    await dr.execute(["boom"]).catch(() => {});
    await dr.close();
    const spans = received.flatMap((r) => r.spans);
    const boom = spans.find((s) => s.name === "boom")!;
    expect(boom.status.code).toBe(2);
    expect(boom.status.message).toContain("no 1");
    expect(spans.find((s) => s.name === "a")!.status.code).not.toBe(2);
    expect(spans.find((s) => s.name.startsWith("weft run"))!.status.code).toBe(2);
  });

  test("bad options are errors at the call; a collector that is down never fails a run", async () => {
    expect(() => new Builder().withTelemetry({ url: "localhost:4318" })).toThrow(/withTelemetry\(\) option "url" must be the collector's OTLP\/HTTP base URL/);
    expect(() => new Builder().withTelemetry({ url: "http://x", exportIntervalMs: -1 })).toThrow(RangeError);
    expect(() => new Builder().withTelemetry({ url: "http://x" }).withTelemetry({ url: "http://y" })).toThrow(/^Cannot call withTelemetry\(\) twice/);
    // Port 9 on loopback (discard) has nothing listening: exports fail, runs do not.
    await using dr = await new Builder().withModules({ a: () => 1 }).withTelemetry({ url: "http://127.0.0.1:9", exportIntervalMs: 10 }).build();
    expect(await dr.execute(["a"])).toEqual({ a: 1 });
    await dr.close();
  });
});
