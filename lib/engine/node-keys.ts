/**
 * Cache keys of node calls, made one way for a run and for a plan: the key
 * parts of a node (its code version, the data versions of what it receives,
 * the config it reads) from the data versions of the slots it reads. The
 * run's CacheInterceptor (cache-interceptor.ts) asks with a live frame; a
 * plan (cache-plan.ts) asks with the versions it predicts, where a slot whose
 * value is not known before the run is {@link PENDING}. Given values and
 * config are fingerprinted once per run or plan, when first needed.
 *
 * @module
 */
import type { GraphNode } from "../graph/graph.ts";
import { ownValue, setOwn } from "../own-property.ts";
import type { ParamDep } from "../model/params.ts";
import type { KeyParts } from "../ports/metadata-store.ts";
import { DEFAULT_INPUT, type Cache, type NodeCodeVersion } from "../ports/cache.ts";

/** Slot marker: the value has no data version; nodes reading it are not cached this run. */
export const UNCACHEABLE = "\u0000uncacheable";
/** Slot marker: the producer's behaviour is "ignore"; nodes reading it leave it out of their key. */
export const IGNORED = "\u0000ignored";
/** Slot marker of a plan: the value is computed by the run, its data version is not known before. */
export const PENDING = "\u0000pending";

/** The config of a node that reads none: one frozen object for all of them. */
const NO_CONFIG: Readonly<Record<string, string>> = Object.freeze({});

/** What a node's key is made of, or why it has none. */
export type KeyOutcome =
  | { readonly kind: "parts"; readonly parts: KeyParts }
  /** Not cached; `warn`: say so as a warning (it was not said at build). */
  | { readonly kind: "uncacheable"; readonly reason: string; readonly warn: boolean }
  /** An input's value is computed by the run (plans only): its name. */
  | { readonly kind: "pending"; readonly input: string };

/** How the caller reads the slots of the frame a node runs in. */
export interface SlotReader {
  /** The data version of the value in `slot` (or a marker). */
  versionOf(slot: number): string;
  /** True when the value in `slot` is `undefined` (an optional parameter then takes its default). */
  isUndefined(slot: number): boolean;
}

/** Makes key parts for one run or plan; remembers what it fingerprinted. */
export class NodeKeys {
  readonly #configVersions = new Map<string, string>();
  /** Short readable forms of small values, by data version. */
  readonly previews = new Map<string, string>();
  /** Data versions of literal defaults (the values themselves are read at build). */
  readonly #defaultVersions = new Map<ParamDep, string>();

  constructor(
    readonly cache: Cache,
    readonly config: Readonly<Record<string, unknown>>,
    /** Code version of each node by id, computed once at build (`undefined`: a manual version, or not a function). */
    readonly codeVersions: readonly (NodeCodeVersion | undefined)[],
  ) {}

  /** The data version of a given value (an input, an override, an item), keeping its preview. */
  versionOfValue(value: unknown): string {
    const fp = this.cache.fingerprint(value);
    if (!fp.ok) return UNCACHEABLE;
    if (fp.preview !== undefined) this.previews.set(fp.dataVersion, fp.preview);
    return fp.dataVersion;
  }

  /**
   * The key parts of `node` called with the slots `argSlots` (parameter order, -1: the default), recorded
   * under `record` (`words[3]` for an item). An input without a data version makes the node uncacheable; an
   * input the run has yet to compute (a plan's {@link PENDING}) makes it pending, unless another is uncacheable.
   */
  partsOf(node: GraphNode, argSlots: Int32Array, record: string, slots: SlotReader): KeyOutcome {
    const code = node.options.version !== undefined ? undefined : this.codeVersions[node.id];
    if (code === undefined && node.options.version === undefined) return { kind: "uncacheable", reason: "its code version is unknown", warn: true };
    // Said once, at build (the cache warns then), not on every run.
    if (code !== undefined && !code.ok) return { kind: "uncacheable", reason: `its code version is unknown: ${code.reason}`, warn: false };
    const inputs: Record<string, string> = {};
    let previews: Record<string, string> | undefined;
    let pending: string | undefined;
    for (let j = 0; j < argSlots.length; j++) {
      const dep = node.deps[j]!;
      const name = dep.name;
      const slot = argSlots[j]!;
      let v: string;
      // An argument that is undefined makes JavaScript use the default: the same call as leaving it out.
      if (slot === -1) v = this.#defaultVersion(dep);
      else {
        v = slots.versionOf(slot);
        if (v === PENDING) {
          pending ??= name;
          continue;
        }
        if (dep.optional && v !== IGNORED && slots.isUndefined(slot)) v = this.#defaultVersion(dep);
      }
      if (v === IGNORED) continue;
      if (v === UNCACHEABLE) return { kind: "uncacheable", reason: `input "${name}" has no data version`, warn: false };
      setOwn(inputs, name, v);
      const preview = this.previews.get(v);
      if (preview !== undefined) setOwn((previews ??= {}), name, preview);
    }
    if (pending !== undefined) return { kind: "pending", input: pending };
    // Built field by field, not with conditional spreads: this runs for every cached node call.
    const parts: { -readonly [K in keyof KeyParts]: KeyParts[K] } = { node: record, codeVersion: code?.codeVersion ?? "", inputs, config: this.#configOf(node) };
    if (code?.parts !== undefined) parts.codeParts = code.parts;
    if (node.options.version !== undefined) parts.version = node.options.version;
    if (previews !== undefined) parts.previews = previews;
    return { kind: "parts", parts };
  }

  /** What a parameter left to its default contributes to the key. */
  #defaultVersion(dep: ParamDep): string {
    if (dep.defaultValue === undefined) return DEFAULT_INPUT;
    let v = this.#defaultVersions.get(dep);
    if (v === undefined) {
      const fp = this.cache.fingerprint(dep.defaultValue.value);
      v = fp.ok ? fp.dataVersion : DEFAULT_INPUT;
      if (fp.ok && fp.preview !== undefined) this.previews.set(fp.dataVersion, fp.preview);
      this.#defaultVersions.set(dep, v);
    }
    return v;
  }

  #configOf(node: GraphNode): Readonly<Record<string, string>> {
    if (node.configKeys.length === 0) return NO_CONFIG;
    const out: Record<string, string> = {};
    for (const key of node.configKeys) {
      let v = this.#configVersions.get(key);
      if (v === undefined) {
        const fp = this.cache.fingerprint(ownValue(this.config, key));
        v = fp.ok ? fp.dataVersion : UNCACHEABLE;
        this.#configVersions.set(key, v);
      }
      setOwn(out, key, v);
    }
    return out;
  }
}
