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
import { fromWire, toWire, type Wire, type WireOptions } from "./wire-codec.ts";

/** Encodes the tasks of one driver. */
export class JobEncoder {
  readonly #driver: string;
  readonly #wire: WireOptions;
  readonly #timeout: number | undefined;
  readonly #runtime: string | undefined;
  readonly #configs = new WeakMap<object, Promise<Wire>>();
  readonly #versions = new WeakMap<object, Map<string, Promise<string>>>();

  readonly #codeVersion: CodeVersioner;

  constructor(driver: string, wire: WireOptions, codeVersion: CodeVersioner, options: { timeout?: number; runtime?: string }) {
    this.#codeVersion = codeVersion;
    this.#driver = driver;
    this.#wire = wire;
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
    if (config === undefined) this.#configs.set(locator.config, (config = toWire(locator.config, this.#wire)));
    const encodedConfig = config.catch((e) => {
      throw new SerializationError(locator.nodeName, "", `the config cannot be encoded for a remote worker: ${(e as Error).message}`, { cause: e });
    });
    const [args, code, configWire] = await Promise.all([
      encodeArgs(style, task.args, this.#wire).catch((e) => {
        throw new SerializationError(locator.nodeName, "", `the inputs cannot be encoded for a remote worker: ${(e as Error).message}`, { cause: e });
      }),
      this.#codeVersionOf(task),
      encodedConfig,
    ]);
    const node = { moduleUrl: locator.moduleUrl, exportName: locator.exportName, nodeName: locator.nodeName };
    return {
      protocol: PROTOCOL, driver: this.#driver, node, code, config: configWire, style, args,
      ...(this.#wire.store === undefined ? {} : { refsAbove: this.#wire.inlineLimit }),
      ...(this.#timeout === undefined ? {} : { timeout: this.#timeout }),
      ...(this.#runtime === undefined ? {} : { runtime: this.#runtime }),
    };
  }

  /** The node's value, or throws its error (name, message, stack and `kind` kept). */
  async decode(node: string, result: Exclude<JobResult, { readonly refused: string }>): Promise<unknown> {
    const missing = () => new WorkerError(node, `A worker stored the result of node "${node}" in a shared result store, but this executor has none; pass the same sharedDirectory to bullmqExecutor() as --store to weft worker`);
    if ("value" in result) return fromWire(result.value, this.#wire.store, missing);
    throw deserializeError((await fromWire(result.error, this.#wire.store, missing)) as SerializedError);
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
