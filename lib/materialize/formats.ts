/**
 * Text formats for loaders and materializers: JSON, NDJSON (one JSON value a
 * line) and CSV (RFC 4180: quoted fields may hold commas, quotes and line
 * breaks). Each encoder reports how many rows it wrote.
 *
 * @module
 */
import { hasField } from "../own-property.ts";
import { describeValue } from "../modifiers/bindings.ts";

/** An encoded value and its row count. */
export interface Encoded {
  readonly text: string;
  readonly rows: number;
}

/** A text format: how to write a value and read it back. */
export interface Format {
  readonly name: string;
  encode(value: unknown, options?: CsvOptions): Encoded;
  decode(text: string, options?: CsvOptions): { readonly value: unknown; readonly rows: number };
}

/** CSV options. */
export interface CsvOptions {
  /** Column order when writing; by default the keys of the rows in order of first appearance. */
  readonly columns?: readonly string[];
  /** When reading, turn cells that look like numbers into numbers (off by default: cells are strings). */
  readonly numbers?: boolean;
}

export const json: Format = {
  name: "json",
  encode: (value) => ({ text: `${JSON.stringify(value, null, 2)}\n`, rows: Array.isArray(value) ? value.length : 1 }),
  decode: (text) => {
    const value: unknown = JSON.parse(text);
    return { value, rows: Array.isArray(value) ? value.length : 1 };
  },
};

export const ndjson: Format = {
  name: "ndjson",
  encode: (value) => {
    const rows = requireArray("NDJSON", value);
    return { text: rows.map((r) => `${JSON.stringify(r)}\n`).join(""), rows: rows.length };
  },
  decode: (text) => {
    const value = text.split(/\r?\n/).filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as unknown);
    return { value, rows: value.length };
  },
};

export const csv: Format = {
  name: "csv",
  encode: (value, options = {}) => {
    const rows = requireArray("CSV", value);
    const columns = options.columns ?? columnsOf(rows);
    const lines = [columns.map(cell).join(",")];
    for (const row of rows) {
      if (Array.isArray(row)) lines.push(row.map(cell).join(","));
      else if (typeof row === "object" && row !== null) lines.push(columns.map((c) => cell(hasField(row, c) ? (row as Record<string, unknown>)[c] : undefined)).join(","));
      else throw new TypeError(`Cannot write CSV: rows must be objects or arrays, got ${describeValue(row)}`);
    }
    return { text: `${lines.join("\r\n")}\r\n`, rows: rows.length };
  },
  decode: (text, options = {}) => {
    const [header, ...records] = parseCsv(text);
    if (header === undefined) return { value: [], rows: 0 };
    const convert = options.numbers ? (s: string) => (NUMBER.test(s) ? Number(s) : s) : (s: string) => s;
    const value = records.map((r) => Object.fromEntries(header.map((h, i) => [h, convert(r[i] ?? "")])));
    return { value, rows: value.length };
  },
};

const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function requireArray(format: string, value: unknown): readonly unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`Cannot write ${format}: expected an array of rows, got ${describeValue(value)}`);
  return value;
}

function columnsOf(rows: readonly unknown[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) if (typeof r === "object" && r !== null && !Array.isArray(r)) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

function cell(v: unknown): string {
  const s = v === null || v === undefined ? "" : v instanceof Date ? v.toISOString() : typeof v === "object" ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** RFC 4180 records: quoted fields, doubled quotes, CRLF or LF line ends. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  const endField = () => (record.push(field), (field = ""));
  const endRecord = () => (endField(), records.push(record), (record = []));
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
      else if (ch === '"') (quoted = false), i++;
      else (field += ch), i++;
    } else if (ch === '"' && field === "") (quoted = true), i++;
    else if (ch === ",") endField(), i++;
    else if (ch === "\r" && text[i + 1] === "\n") endRecord(), (i += 2);
    else if (ch === "\n") endRecord(), i++;
    else (field += ch), i++;
  }
  if (field !== "" || record.length > 0) endRecord();
  return records;
}
