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
import type { ExecutorTask } from "../lib/ports/executor.ts";
import { nodeSpecsOf } from "../lib/model/node-specs.ts";
import { findCloneProblem } from "../lib/structured-clone.ts";
import { encodeArgs, PROTOCOL, type JobData, type JobResult } from "./bullmq-protocol.ts";
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
  async decode(node: string, result: Exclude<JobResult, { cancelled: true }>): Promise<unknown> {
    if ("error" in result) throw deserializeError((await decodeWire(fromBase64((result.error as { i: string }).i))) as SerializedError);
    const missing = () => new WorkerError(node, `A worker passed the result of node "${node}" by data version, but this driver has no cache; turn on withCache() on the driver`);
    const unreadable = (dv: string) => new WorkerError(node, `A worker stored the result of node "${node}" (data version ${dv}), but this driver's cache cannot read it (not there, or damaged); start weft worker with --cache naming the driver's cache`);
    return this.#values.get(result.value, missing, unreadable);
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
