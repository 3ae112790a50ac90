import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { isWeftError, MaterializationError, NodeExecutionError } from "../../../lib/errors.ts";
import { csv, parseCsv } from "../../../lib/materialize/formats.ts";
import { Builder, from, MemoryTextFiles } from "../../../mod.ts";

describe("csv", () => {
  test("csv.decode() strips a byte order mark from the first header", () => {
    expect(csv.decode("\ufeffchannel,spend\r\nsearch,3\r\n").value).toEqual([{ channel: "search", spend: "3" }]);
  });

  test("csv.decode() fails on an unclosed quote, naming the file and the line, instead of swallowing the rest", () => {
    const error = (() => {
      try {
        csv.decode('channel,note\nsearch,"says hi\nsocial,ok\nvideo,ok\n', {}, "data/spend.csv");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(MaterializationError);
    expect((error as MaterializationError).id).toBe("data/spend.csv");
    expect((error as Error).message).toBe(
      'Cannot materialize "data/spend.csv": its CSV has a quoted field, in the record at line 2, that is never closed; close it with a quote (a quote inside a quoted field is written "")',
    );
  });

  test("parseCsv() counts lines inside quoted fields when it names the line of an unclosed quote", () => {
    expect(() => parseCsv('a,b\n"two\nlines",1\n3,"open\n4,5\n')).toThrow("in the record at line 4,");
  });

  test("parseCsv() reads rows shorter and longer than the header, and a quote inside an unquoted field", () => {
    expect(parseCsv('a,b\n1\n1,2,3\nx"y,z\n')).toEqual([["a", "b"], ["1"], ["1", "2", "3"], ['x"y', "z"]]);
  });

  test("csv.encode() quotes commas, quotes and every line break, and writes CRLF line ends", () => {
    const rows = [{ a: 'say "hi", twice', b: "line\nbreak" }, { a: "cr\ronly", b: true }, { a: new Date(0), b: { n: 1 } }, { a: null }];
    expect(csv.encode(rows).text).toBe(
      'a,b\r\n"say ""hi"", twice","line\nbreak"\r\n"cr\ronly",true\r\n1970-01-01T00:00:00.000Z,"{""n"":1}"\r\n,\r\n',
    );
  });

  test("csv.encode() and csv.decode() round-trip any string cells", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ a: fc.string({ unit: "grapheme" }), b: fc.string() })), (rows) => {
        const { text, rows: n } = csv.encode(rows, { columns: ["a", "b"] });
        expect(n).toBe(rows.length);
        expect(csv.decode(text).value).toEqual(rows);
      }),
    );
  });

  test("from.csv() fails its node with the MaterializationError of an unclosed quote", async () => {
    const fs = new MemoryTextFiles();
    await fs.writeText("in.csv", 'a,b\n1,"2\n');
    const dr = await new Builder().withModules({ rows: from.using(fs).csv({ path: "in.csv" }) }).build();
    const error = await dr.execute(["rows"]).catch((e) => e);
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect(isWeftError(error.cause, "materialization")).toBe(true);
    expect(error.cause.message).toContain('Cannot materialize "in.csv": its CSV has a quoted field, in the record at line 2,');
  });
});
