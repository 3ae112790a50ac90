/**
 * OpenTelemetry export of runs: one span per run and one per node execution
 * (per map/reduce item), children of their run's span, sent over OTLP/HTTP
 * by Effect's exporter (effect/observability OtlpTracer, JSON encoding,
 * batched). A lifecycle hook like run tracking: spans are made when a node
 * ends, with the start and duration the engine measured, so the hot path of a
 * run gains no span work while a node runs. `driver.close()` flushes what is
 * still batched.
 *
 * @module
 */
import { Context, Effect, Exit, Layer, Option, Scope, type Tracer } from "effect";
import { FetchHttpClient } from "effect/http";
import { OtlpExporter, OtlpSerialization, OtlpTracer } from "effect/observability";
import type { GraphEndEvent, GraphStartEvent, Hook, NodeEndEvent } from "../hooks.ts";
import { WEFT_VERSION } from "../version.ts";

/** Options of `Builder.withTelemetry()`. */
export interface TelemetryOptions {
  /** The collector's OTLP/HTTP base URL, such as `http://localhost:4318`: spans go to `<url>/v1/traces`. */
  readonly url: string;
  /** `service.name` of the spans (default "weft"). */
  readonly serviceName?: string;
  /** Headers of every export request (an API key of a vendor's endpoint). */
  readonly headers?: Readonly<Record<string, string>>;
  /** How long spans wait to be sent together, in ms (default 1,000). */
  readonly exportIntervalMs?: number;
}

/** The telemetry of one driver: its hook, and `close()`, which sends what is batched. */
export interface Telemetry {
  readonly hook: Hook;
  close(): Promise<void>;
}

/**
 * Checks {@link TelemetryOptions}.
 *
 * @throws {TypeError} for a URL that is not http(s), headers that are not strings; {@link RangeError} for a bad interval
 */
export function checkTelemetryOptions(options: TelemetryOptions): void {
  if (typeof options !== "object" || options === null) throw new TypeError("withTelemetry() expects an options object { url }");
  if (typeof options.url !== "string" || !URL.canParse(options.url) || !/^https?:$/.test(new URL(options.url).protocol)) {
    throw new TypeError(`withTelemetry() option "url" must be the collector's OTLP/HTTP base URL, such as "http://localhost:4318", got ${JSON.stringify(options.url)}`);
  }
  if (options.serviceName !== undefined && typeof options.serviceName !== "string") throw new TypeError('withTelemetry() option "serviceName" must be a string');
  if (options.headers !== undefined && (typeof options.headers !== "object" || options.headers === null || Object.values(options.headers).some((v) => typeof v !== "string"))) {
    throw new TypeError('withTelemetry() option "headers" must be an object of header name -> string');
  }
  const ms = options.exportIntervalMs;
  if (ms !== undefined && (!Number.isFinite(ms) || ms < 0)) throw new RangeError(`withTelemetry() option "exportIntervalMs" must be a number of at least 0, got ${String(ms)}`);
}

/** Epoch milliseconds (hook times) as the nanoseconds of a span. */
const nanos = (ms: number): bigint => BigInt(Math.round(ms * 1e6));

/**
 * Starts the exporter and returns the hook that makes the spans.
 *
 * @example
 * ```ts
 * const telemetry = await openTelemetry({ url: "http://localhost:4318", serviceName: "pricing" });
 * // Builder.withTelemetry(options) does this, and closes it with the driver.
 * ```
 */
export async function openTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  checkTelemetryOptions(options);
  const scope = Effect.runSync(Scope.make());
  const layer = Layer.mergeAll(OtlpSerialization.layerJson, FetchHttpClient.layer, OtlpExporter.layerFlusher);
  const base = options.url.replace(/\/+$/, "");
  const tracer: Tracer.Tracer = await Effect.runPromise(OtlpTracer.make({
    url: `${base}/v1/traces`,
    resource: { serviceName: options.serviceName ?? "weft", serviceVersion: WEFT_VERSION },
    ...(options.headers === undefined ? {} : { headers: options.headers }),
    exportInterval: options.exportIntervalMs ?? 1000,
  }).pipe(Effect.provide(layer), Scope.provide(scope)));
  const runs = new Map<string, Tracer.Span>();
  const spanOf = (name: string, parent: Tracer.Span | undefined, start: number, root: boolean) =>
    tracer.span({
      name, parent: parent === undefined ? Option.none() : Option.some(parent), annotations: Context.empty(), links: [],
      startTime: nanos(start), kind: "internal", root, sampled: true,
    });
  const hook: Hook = {
    beforeGraph(e: GraphStartEvent) {
      const span = spanOf(`weft run ${e.outputs.join(",")}`, undefined, e.start, true);
      span.attribute("weft.run_id", e.runId);
      span.attribute("weft.outputs", e.outputs.join(","));
      span.attribute("weft.nodes", e.nodes.length);
      runs.set(e.runId, span);
    },
    afterNode(e: NodeEndEvent) {
      const span = spanOf(e.node, runs.get(e.runId), e.start, false);
      span.attribute("weft.node", e.node);
      span.attribute("weft.run_id", e.runId);
      if (e.items.length > 0) span.attribute("weft.item", e.items.map((i) => `${i.node}[${i.index}]`).join("/"));
      span.attribute("weft.executor", e.executor);
      if (e.cache !== undefined) {
        span.attribute("weft.cache.status", e.cache.status);
        if (e.cache.reason !== undefined) span.attribute("weft.cache.reason", e.cache.reason);
      }
      span.end(nanos(e.start + e.duration), e.success ? Exit.void : Exit.fail(e.error));
    },
    afterGraph(e: GraphEndEvent) {
      const span = runs.get(e.runId);
      if (span === undefined) return;
      runs.delete(e.runId);
      span.attribute("weft.cancelled", e.cancelled);
      span.end(nanos(e.start + e.duration), e.success ? Exit.void : Exit.fail(e.error));
    },
  };
  let closed: Promise<void> | undefined;
  return {
    hook,
    // Closing the scope flushes the batch (bounded by the exporter's shutdown timeout).
    close: () => (closed ??= Effect.runPromise(Scope.close(scope, Exit.void))),
  };
}
