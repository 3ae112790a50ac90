import { describe, expect, test } from "bun:test";
import {
  Builder, config, dataloader, datasaver, does, extractFields, inject, node, parameterize, pipe, source, step, subdag, tag, unpackFields, value,
} from "../../../mod.ts";
import { nodeSpecsOf } from "../../../lib/model/node-specs.ts";

const worker = <F extends (...args: any[]) => unknown>(fn: F) => node(fn, { worker: true, timeout: 250 });
const specs = (exportName: string, value: unknown, config: Record<string, unknown> = {}) => nodeSpecsOf(exportName, value, { module: "m", config });

describe("node options through modifiers", () => {
  // Worker nodes land with issue 4: until then, a modifier must hand `worker` (and every other option) through untouched.
  const cases: [string, unknown, string][] = [
    ["config.when", config.when({ on: true }, worker((x: number) => x)), "out"],
    ["tag", tag({ t: "v" }, worker((x: number) => x)), "out"],
    ["parameterize", parameterize({ out: { k: value(1) } }, worker((k: number) => k)), "out"],
    ["inject", inject({ xs: source("a") }, worker((xs: number) => xs)), "out"],
    ["extractFields", extractFields(["f"], worker(() => ({ f: 1 }))), "out"],
    ["unpackFields", unpackFields(["f"], worker(() => [1])), "out"],
    ["pipe", pipe({ input: [step((x: number) => x)] }, worker((x: number) => x)), "out"],
    ["pipe output", pipe({ output: [step((x: number) => x)] }, worker((x: number) => x)), "out.raw"],
    ["does", does((a: object) => a, worker((x: number) => x)), "out"],
    ["dataloader", dataloader(worker(() => [1, {}])), "out.raw"],
    ["datasaver", datasaver(worker(() => ({}))), "out"],
    ["subdag", subdag({ modules: [{ inner: worker((x: number) => x) }] }, (inner: number) => inner), "out.inner"],
  ];
  for (const [name, exported, node] of cases) {
    test(`${name}() passes worker and timeout through to the node it shapes`, () => {
      const spec = specs("out", exported, { on: true }).find((s) => s.name === node);
      expect([spec?.options.worker, spec?.options.timeout]).toEqual([true, 250]);
    });
  }

  test("node() on a modifier applies its options to every node it defines", async () => {
    const shaped = node(parameterize({ a: { k: value(1) }, b: { k: value(2) } }, async (k: number) => k), { tags: { team: "x" }, timeout: 500 });
    expect(specs("t", shaped).map((s) => [s.name, s.options.timeout, s.options.tags])).toEqual([["a", 500, { team: "x" }], ["b", 500, { team: "x" }]]);
    const dr = await new Builder().withModules({ t: shaped }).build();
    expect(await dr.execute(["a", "b"])).toEqual({ a: 1, b: 2 });
  });

  test("node() on a modifier rejects deps, which only fit one function", () => {
    expect(() => node(parameterize({ a: {} }, () => 1), { deps: ["x"] })).toThrow(TypeError);
  });

  test("expansion is a pure function of export, module and config: two calls give the same specs", () => {
    const exported = tag({ t: "v" }, config.when({ on: true }, extractFields(["f"], (x: number) => ({ f: x }))));
    const first = specs("out", exported, { on: true }).map((s) => [s.name, s.exportName, s.deps, s.modifiers, s.configKeys]);
    expect(specs("out", exported, { on: true }).map((s) => [s.name, s.exportName, s.deps, s.modifiers, s.configKeys])).toEqual(first);
    expect(first.map(([n]) => n)).toEqual(["out", "f"]);
  });
});
