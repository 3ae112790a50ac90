/**
 * Why a node missed: the difference between the key parts of its last cached
 * entry and the parts it has now.
 *
 * @module
 */
import { ownValue } from "../lib/own-property.ts";
import type { CodePart, KeyParts } from "../lib/ports/metadata-store.ts";
import { describePart } from "./code/_parts.ts";

/** Characters of a data version shown in explanations. */
const SHORT = 8;

/**
 * A one-line reason for a miss, naming every part that changed, such as
 * `code of "cleaned" changed (flow.ts:21); input "path" changed from "a.csv" (3f2a91bc) to "b.csv" (77aa01de)`.
 * A code change names the bindings whose code changed, in source terms:
 * `helper "normalize" changed (flow.ts:42)`, `package "lodash" changed from 4.17.20 to 4.17.21`.
 * With no previous entry the node has never been cached.
 *
 * @example
 * ```ts
 * explainMiss(store.latest("cleaned"), parts); // 'config "region" changed from "eu" (…) to "us" (…)'
 * ```
 */
export function explainMiss(previous: KeyParts | undefined, current: KeyParts): string {
  const node = `"${current.node}"`;
  if (previous === undefined) return `no cached result for ${node} yet`;
  const changes: string[] = [];
  if (previous.version !== current.version) {
    if (previous.version === undefined) changes.push(`${node} got the manual version ${quote(current.version!)}`);
    else if (current.version === undefined) changes.push(`${node} lost its manual version ${quote(previous.version)}`);
    else changes.push(`manual version of ${node} changed from ${quote(previous.version)} to ${quote(current.version)}`);
  } else if (current.version === undefined && previous.codeVersion !== current.codeVersion) {
    const parts = previous.codeParts !== undefined && current.codeParts !== undefined ? codeChanges(node, previous.codeParts, current.codeParts) : [];
    changes.push(...(parts.length > 0 ? parts : [`code of ${node} changed`]));
  }
  compare("input", previous.inputs, current.inputs, previous.previews, current.previews, changes);
  compare("config", previous.config, current.config, previous.previews, current.previews, changes);
  // Same parts but a different key: the key format itself changed (a weft upgrade).
  return changes.length > 0 ? changes.join("; ") : `the cache key of ${node} changed with no change to its parts (a new key format)`;
}

function compare(
  what: string,
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
  beforePreviews: Readonly<Record<string, string>> | undefined,
  afterPreviews: Readonly<Record<string, string>> | undefined,
  out: string[],
): void {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const name of names) {
    const a = ownValue(before, name) as string | undefined;
    const b = ownValue(after, name) as string | undefined;
    if (a === b) continue;
    if (a === undefined) out.push(`${what} "${name}" is new`);
    else if (b === undefined) out.push(`${what} "${name}" is no longer used`);
    else out.push(`${what} "${name}" changed from ${show(a, previewIn(beforePreviews, name))} to ${show(b, previewIn(afterPreviews, name))}`);
  }
}

function previewIn(previews: Readonly<Record<string, string>> | undefined, name: string): string | undefined {
  return previews === undefined ? undefined : ownValue(previews, name) as string | undefined;
}

/** What differs between two lists of code parts, own code first, then by binding. */
function codeChanges(node: string, before: readonly CodePart[], after: readonly CodePart[]): string[] {
  const old = new Map(before.map((p) => [p.id, p]));
  const now = new Map(after.map((p) => [p.id, p]));
  const out: string[] = [];
  const own = after.find((p) => p.kind === "code");
  const ownBefore = before.find((p) => p.kind === "code");
  if (own !== undefined && ownBefore !== undefined && (own.id !== ownBefore.id || own.version !== ownBefore.version)) {
    out.push(`code of ${node} changed${at(own)}`);
  }
  // A module used as a whole changed: name its bindings that changed, or the module when none did (a top-level statement).
  const changedFiles = new Set(after.filter((p) => p.kind !== "module" && p.kind !== "code" && old.get(p.id)?.version !== p.version).map((p) => p.file));
  for (const p of after) {
    if (p.kind === "code" || (p.kind === "module" && changedFiles.has(p.file))) continue;
    const q = old.get(p.id);
    if (q === undefined) out.push(`${describePart(p)} is now used${at(p)}`);
    else if (q.version !== p.version) {
      out.push(p.kind === "package" ? `${describePart(p)} changed from ${q.version} to ${p.version}` : `${describePart(p)} changed${at(p)}`);
    }
  }
  for (const q of before) if (q.kind !== "code" && !now.has(q.id)) out.push(`${describePart(q)} is no longer used`);
  return out;
}

function at(p: CodePart): string {
  return p.where === undefined ? "" : ` (${p.where})`;
}

function show(dataVersion: string, preview: string | undefined): string {
  const short = dataVersion.slice(0, SHORT);
  return preview === undefined ? short : `${preview} (${short})`;
}

function quote(s: string): string {
  return JSON.stringify(s);
}
