/**
 * Text formats for loaders and materializers: JSON, NDJSON (one JSON value a
 * line) and CSV (RFC 4180: quoted fields may hold commas, quotes and line
 * breaks; read and written by csv-parse and csv-stringify). Each encoder
 * reports how many rows it wrote.
 *
 * @module
 */
import { CsvError, parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { MaterializationError } from "../errors.ts";
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
  /** `source` (the file's path) names the text in errors. */
  decode(text: string, options?: CsvOptions, source?: string): { readonly value: unknown; readonly rows: number };
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
    const records: unknown[][] = [[...columns]];
    for (const row of rows) {
      if (Array.isArray(row)) records.push(row);
      else if (typeof row === "object" && row !== null) records.push(columns.map((c) => (hasField(row, c) ? (row as Record<string, unknown>)[c] : undefined)));
      else throw new TypeError(`Cannot write CSV: rows must be objects or arrays, got ${describeValue(row)}`);
    }
    return { text: stringify(records, WRITE), rows: rows.length };
  },
  decode: (text, options = {}, source) => {
    const [header, ...records] = parseCsv(text, source);
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

/** How cells are written: CRLF line ends; a cell with a comma, a quote or any line break is quoted. */
const WRITE = {
  record_delimiter: "\r\n",
  // csv-stringify quotes a cell holding the record delimiter; a lone \n or \r must be quoted too.
  quoted_match: /[\r\n]/,
  cast: {
    // csv-stringify writes true as "1" and false as "".
    boolean: (b: boolean) => String(b),
    bigint: (n: bigint) => String(n),
    date: (d: Date) => d.toISOString(),
    object: (o: object) => JSON.stringify(o),
  },
};

/**
 * RFC 4180 records: quoted fields, doubled quotes, CRLF or LF line ends; a
 * byte order mark is dropped. Rows may be shorter or longer than the header,
 * and a quote inside an unquoted field is kept as it is.
 *
 * @throws {MaterializationError} naming `source` and the line, for a quoted field never closed (which would
 *   otherwise swallow the rest of the file) or another malformed record
 */
export function parseCsv(text: string, source = "CSV text"): string[][] {
  let lastLine = 0;
  try {
    return parse(text, {
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      // The line each record ends on: an unclosed quote opened in the record after the last one read.
      on_record: (record: string[], context: { lines: number }) => ((lastLine = context.lines), record),
    }) as string[][];
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    const detail = e.code === "CSV_QUOTE_NOT_CLOSED"
      ? `its CSV has a quoted field, in the record at line ${lastLine + 1}, that is never closed; close it with a quote (a quote inside a quoted field is written "")`
      : `its CSV is malformed at line ${(e as CsvError & { lines?: number }).lines ?? lastLine + 1}: ${e.message}`;
    throw new MaterializationError(source, new Error(detail, { cause: e }));
  }
}
