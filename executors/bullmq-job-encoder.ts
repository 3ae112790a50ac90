/**
 * The driver side of a job: turns a ExecutorTask into {@link JobData} (arguments
 * and config on the wire, the node's code version) and a {@link JobResult}
 * back into the node's value or error.
 *
 * @module
 */
import { deserializeError, type SerializedError } from "../lib/error-codec.ts";
import { SerializationError, WorkerError } from "../lib/errors.ts";
import type { CodeVersioner } from "../lib/ports/code-versioner.ts";
import type { BlockOutcome, ExecutorBlock, ExecutorTask } from "../lib/ports/executor.ts";
import { nodeSpecsOf } from "../lib/model/node-specs.ts";
import { setOwn } from "../lib/own-property.ts";
import { findCloneProblem } from "../lib/structured-clone.ts";
import { encodeArgs, PROTOCOL, type BlockItemResult, type BlockJobData, type JobData, type SettledResult } from "./bullmq-protocol.ts";
import type { JobValues } from "./bullmq-values.ts";
import { decodeWire, fromBase64, type Wire } from "./wire-codec.ts";

/** Encodes the tasks of one driver. */
export class JobEncoder {
  readonly #driver: string;
  readonly #values: JobValues;
  readonly #timeout: number | undefined;
  readonly #runtime: string | undefined;
  readonly #configs = new WeakMap<object, Promise<Wire>>();
  readonly #versions = new WeakMap<object, Map<string, Promise<string>>>();

  readonly #codeVersion: CodeVersioner;

  constructor(driver: string, values: JobValues, codeVersion: CodeVersioner, options: { timeout?: number; runtime?: string }) {
    this.#codeVersion = codeVersion;
    this.#driver = driver;
    this.#values = values;
    this.#timeout = options.timeout;
    this.#runtime = options.runtime;
  }

  /**
   * The job for `task`.
   *
   * @throws {SerializationError} naming the node and the path of a value that cannot travel
   */
  async encode(task: ExecutorTask): Promise<JobData> {
    const { locator, style } = task;
    // Checked before anything is sent: the error can name the exact place in the value.
    const problem = findCloneProblem(task.args);
    if (problem) {
      const path = style === "object" ? problem.path.replace(/^\./, "") : problem.path.replace(/^\[(\d+)\]/, "<argument $1>");
      throw new SerializationError(locator.nodeName, path, `${problem.detail} (in the inputs sent to a remote worker)`);
    }
    let config = this.#configs.get(locator.config);
    if (config === undefined) {
      const site = { node: locator.nodeName, what: "the config", fix: "pass a smaller config to withConfig(), or turn on withCache() and start weft worker with --cache" };
      this.#configs.set(locator.config, (config = this.#values.put(locator.config, site)));
    }
    const encodedConfig = config;
    const [args, code, configWire] = await Promise.all([
      encodeArgs(locator.nodeName, style, task.args, this.#values),
      this.#codeVersionOf(task),
      encodedConfig,
    ]);
    const node = { moduleUrl: locator.moduleUrl, exportName: locator.exportName, nodeName: locator.nodeName };
    return {
      protocol: PROTOCOL, driver: this.#driver, node, code, config: configWire, style, args,
      ...(this.#values.cache === undefined ? {} : { refsAbove: this.#values.inlineLimit }),
      ...(this.#timeout === undefined ? {} : { timeout: this.#timeout }),
      ...(this.#runtime === undefined ? {} : { runtime: this.#runtime }),
    };
  }

  /** The node's value, or throws its error (name, message, stack and `kind` kept). */
  async decode(node: string, result: SettledResult): Promise<unknown> {
    if ("error" in result) throw deserializeError((await decodeWire(fromBase64((result.error as { i: string }).i))) as SerializedError);
    const missing = () => new WorkerError(node, `A worker passed the result of node "${node}" by data version, but this driver has no cache; turn on withCache() on the driver`);
    const unreadable = (dv: string) => new WorkerError(node, `A worker stored the result of node "${node}" (data version ${dv}), but this driver's cache cannot read it (not there, or damaged); start weft worker with --cache naming the driver's cache`);
    return this.#values.get(result.value, missing, unreadable);
  }

  /**
   * One job for the items of `blocks`, which share one block and config (see {@link BlockJobData}).
   *
   * @throws {SerializationError} naming the node and the input that cannot travel
   */
  async encodeBlocks(blocks: readonly ExecutorBlock[]): Promise<BlockJobData> {
    const [block] = blocks as [ExecutorBlock];
    const first = block.nodes[0]!.nodeName;
    const config = block.config;
    let configWire = this.#configs.get(config);
    if (configWire === undefined) {
      const site = { node: first, what: "the config", fix: "pass a smaller config to withConfig(), or turn on withCache() and start weft worker with --cache" };
      this.#configs.set(config, (configWire = this.#values.put(config, site)));
    }
    const fix = "turn on withCache() on the driver (withCache({ disable: true }) caches nothing) and start weft worker with --cache naming the same cache, or pass a smaller value";
    const items = await Promise.all(blocks.map(async (b) => {
      const problem = findCloneProblem(b.inputs);
      if (problem) throw new SerializationError(first, problem.path.replace(/^\./, ""), `${problem.detail} (in the inputs sent to a remote worker)`);
      const entries = await Promise.all(Object.entries(b.inputs).map(async ([k, v]) => [k, await this.#values.put(v, { node: first, what: `input "${k}"`, fix })] as const));
      return Object.fromEntries(entries);
    }));
    const nodes = await Promise.all(block.nodes.map(async (n) => ({
      moduleUrl: n.moduleUrl, exportName: n.exportName, nodeName: n.nodeName,
      code: await this.#codeVersionOf({ locator: { ...n, config }, fn: undefined as unknown as Function } as ExecutorTask),
    })));
    return {
      protocol: PROTOCOL, kind: "block", driver: this.#driver, expand: block.expand, nodes, config: await configWire, outputs: block.outputs, items,
      ...(this.#values.cache === undefined ? {} : { refsAbove: this.#values.inlineLimit }),
      ...(this.#timeout === undefined ? {} : { timeout: this.#timeout }),
      ...(this.#runtime === undefined ? {} : { runtime: this.#runtime }),
    };
  }

  /** The outcome of each item of a block job. */
  async decodeBlocks(expand: string, result: SettledResult): Promise<BlockOutcome[]> {
    if ("error" in result) throw deserializeError((await decodeWire(fromBase64((result.error as { i: string }).i))) as SerializedError);
    const items = (await decodeWire(fromBase64((result.value as { i: string }).i))) as BlockItemResult[];
    const missing = () => new WorkerError(expand, `A worker passed a value of the block of "${expand}" by data version, but this driver has no cache; turn on withCache() on the driver`);
    const unreadable = (dv: string) => new WorkerError(expand, `A worker stored a value of the block of "${expand}" (data version ${dv}), but this driver's cache cannot read it (not there, or damaged); start weft worker with --cache naming the driver's cache`);
    return Promise.all(items.map(async (item) => {
      const nodes = item.nodes.map((o) => (o.ok ? o : { ...o, error: deserializeError(o.error as SerializedError) }));
      if (item.values === undefined) return { nodes };
      const values: Record<string, unknown> = {};
      for (const [k, w] of Object.entries(item.values)) setOwn(values, k, await this.#values.get(w, missing, unreadable));
      return { nodes, values };
    }));
  }

  /**
   * The node's code version, from the spec its module defines: the same
   * computation a worker makes on its copy of the module.
   */
  #codeVersionOf(task: ExecutorTask): Promise<string> {
    const { moduleUrl, exportName, nodeName, config } = task.locator;
    let versions = this.#versions.get(config);
    if (versions === undefined) this.#versions.set(config, (versions = new Map()));
    const key = `${moduleUrl}\0${exportName}\0${nodeName}`;
    let version = versions.get(key);
    if (version === undefined) {
      version = (import(moduleUrl) as Promise<Record<string, unknown>>).then((exports) => {
        const spec = nodeSpecsOf(exportName, exports[exportName], { module: "", config, exports }).find((s) => s.name === nodeName);
        // A task for a function that its module does not export as a node: version the function itself.
        return this.#codeVersion(spec ?? { source: task.fn, options: {}, exportName }, { exports, url: moduleUrl });
      });
      versions.set(key, version);
    }
    return version;
  }
}
