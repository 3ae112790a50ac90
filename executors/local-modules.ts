/**
 * The modules a remote worker serves, and how a job's node is found in them.
 * A job names the node's module by its URL on the driver's machine, which
 * another machine may hold at another path: the worker takes its module of
 * the same URL when it has one, otherwise the one module of its own that
 * defines the node under the same export name.
 *
 * @module
 */
import { WorkerError } from "../lib/errors.ts";
import { nodeSpecsOf, type NodeSpec } from "../lib/model/node-specs.ts";
import type { JobData } from "./bullmq-protocol.ts";
import type { CodeVersioner } from "../lib/ports/code-versioner.ts";

/** A job's node on this machine. */
export interface LocalNode {
  /** URL of the module here. */
  readonly moduleUrl: string;
  readonly spec: NodeSpec;
  /** Code version of this machine's copy. */
  readonly version: string;
}

/** The modules of one worker process. */
export class LocalModules {
  readonly urls: readonly string[];
  readonly #exports = new Map<string, Record<string, unknown>>();
  readonly #nodes = new Map<string, Promise<LocalNode>>();
  /**
   * Every node an export defines under a config, by `url\0exportName\0configKey`: one export may define many
   * nodes (`parameterize`), each its own job, so expanding it once per node made a worker's first jobs of 500
   * such nodes cost 500 × 500 expansions (0.5–0.7 s per worker, 30–80 ms once).
   */
  readonly #specs = new Map<string, ReadonlyMap<string, NodeSpec>>();

  readonly #codeVersion: CodeVersioner;

  private constructor(urls: readonly string[], codeVersion: CodeVersioner) {
    this.urls = urls;
    this.#codeVersion = codeVersion;
  }

  /**
   * Imports every module up front, so that a module that cannot load stops the worker at start.
   *
   * @throws {Error} naming the module that cannot be imported
   */
  static async load(urls: readonly string[], codeVersion: CodeVersioner): Promise<LocalModules> {
    if (urls.length === 0) throw new TypeError("A worker needs at least one module: pass --modules ./flow.ts");
    const modules = new LocalModules(urls, codeVersion);
    for (const url of urls) {
      try {
        modules.#exports.set(url, (await import(url)) as Record<string, unknown>);
      } catch (e) {
        throw new Error(`Cannot import module "${url}": ${(e as Error)?.message ?? String(e)}`, { cause: e });
      }
    }
    return modules;
  }

  /** The exports of the module at `url` (one of {@link LocalModules.urls}). */
  exportsOf(url: string): Readonly<Record<string, unknown>> {
    return this.#exports.get(url)!;
  }

  /**
   * This worker's code set: `name@version` of every node its modules define
   * under an empty config, and `?export` for each export that defines none
   * there (a config may shape it into a node: such jobs are checked when run).
   */
  async codeSet(): Promise<string[]> {
    const entries: string[] = [];
    for (const [url, exports] of this.#exports) {
      for (const [exportName, value] of Object.entries(exports)) {
        if (typeof value !== "function" || exportName.startsWith("_")) continue;
        let specs: readonly NodeSpec[];
        try {
          specs = nodeSpecsOf(exportName, value, { module: "", config: {}, exports });
        } catch {
          specs = [];
        }
        if (specs.length === 0) entries.push(`?${exportName}`);
        for (const spec of specs) entries.push(`${spec.name}@${await this.#codeVersion(spec, { exports, url })}`);
      }
    }
    return [...new Set(entries)].sort();
  }

  /**
   * The job's node here, with its code version; `configKey` identifies the
   * config (nodes may be shaped by it).
   *
   * @throws {WorkerError} when no module here defines the node, or several do
   */
  find(node: JobData["node"], config: Readonly<Record<string, unknown>>, configKey: string): Promise<LocalNode> {
    const key = `${node.moduleUrl}\0${node.exportName}\0${node.nodeName}\0${configKey}`;
    let found = this.#nodes.get(key);
    if (found === undefined) {
      found = this.#find(node, config, configKey);
      this.#nodes.set(key, found);
    }
    return found;
  }

  async #find(node: JobData["node"], config: Readonly<Record<string, unknown>>, configKey: string): Promise<LocalNode> {
    const { moduleUrl, exportName, nodeName } = node;
    const candidates = this.#exports.has(moduleUrl) ? [moduleUrl] : [...this.#exports.keys()];
    const matches: { moduleUrl: string; spec: NodeSpec }[] = [];
    for (const url of candidates) {
      const spec = this.#specsOf(url, exportName, config, configKey).get(nodeName);
      if (spec) matches.push({ moduleUrl: url, spec });
    }
    if (matches.length === 0) {
      throw new WorkerError(nodeName, `This worker has no module that defines node "${nodeName}" (export "${exportName}" of "${moduleUrl}" on the driver); start weft worker with --modules naming this machine's copy of that module`);
    }
    if (matches.length > 1) {
      throw new WorkerError(nodeName, `This worker has several modules that define node "${nodeName}" (${matches.map((m) => `"${m.moduleUrl}"`).join(", ")}); start it with the driver's module only`);
    }
    const [match] = matches as [{ moduleUrl: string; spec: NodeSpec }];
    return { ...match, version: await this.#codeVersion(match.spec, { exports: this.#exports.get(match.moduleUrl)!, url: match.moduleUrl }) };
  }

  /** The nodes export `exportName` of module `url` defines under `config`, by name, expanded once per config. */
  #specsOf(url: string, exportName: string, config: Readonly<Record<string, unknown>>, configKey: string): ReadonlyMap<string, NodeSpec> {
    const key = `${url}\0${exportName}\0${configKey}`;
    let specs = this.#specs.get(key);
    if (specs === undefined) {
      const exports = this.#exports.get(url)!;
      // Reversed: the first spec of a name wins, as a search of the list found it.
      specs = new Map(nodeSpecsOf(exportName, exports[exportName], { module: "", config, exports }).map((spec) => [spec.name, spec] as const).reverse());
      this.#specs.set(key, specs);
    }
    return specs;
  }
}
