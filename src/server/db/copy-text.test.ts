import { describe, expect, it } from "vitest";
import { CopyNumberReader, CopyTextWriter } from "./copy-text";

const text = (buffers: Buffer[]) => Buffer.concat(buffers).toString("utf8");

describe("COPY text rows written into buffers", () => {
  it("writes integers, text, arrays, JSON and nulls as COPY reads them", () => {
    const w = new CopyTextWriter();
    w.int(0).int(-7).int(2 ** 53 - 1).int(-(2 ** 53 - 1)).int(1.5).int(1e21);
    w.endRow();
    w.text("plain").text("tab\there").text("line\nbreak\r").text("back\\slash").text("ümlaut ✓ 漢字").text("").text(null);
    w.endRow();
    w.intArray([]).intArray([3, -1, 20]).json({ a: "x\ty" }).json(null);
    w.endRow();
    expect(text(w.finish())).toBe(
      "0\t-7\t9007199254740991\t-9007199254740991\t1.5\t1e+21\n" +
      "plain\ttab\\there\tline\\nbreak\\r\tback\\\\slash\tümlaut ✓ 漢字\t\t\\N\n" +
      '{}\t{3,-1,20}\t{"a":"x\\\\ty"}\t\\N\n',
    );
  });

  it("writes integers on both sides of 2^31 and escapes before and after non-ASCII text", () => {
    const w = new CopyTextWriter();
    for (const v of [9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 5, 2 ** 40 + 7]) w.int(v);
    w.endRow();
    w.text("a\tü\nb\\").intArray(Int32Array.of(7, -2147483648, 0)).intArray([2 ** 40, 0.5]);
    w.endRow();
    expect(text(w.finish())).toBe(
      "9\t10\t99\t100\t2147483647\t2147483648\t-2147483648\t-2147483653\t1099511627783\n" +
      "a\\tü\\nb\\\\\t{7,-2147483648,0}\t{1099511627776,0.5}\n",
    );
  });

  it("fills buffers of 64 KiB, lets a row straddle two, and never rewrites one taken", () => {
    const w = new CopyTextWriter();
    const taken: Buffer[] = [];
    const expected: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      w.int(i).text(`member ${i} ✓`).int(-i * 1_000_003);
      w.endRow();
      expected.push(`${i}\tmember ${i} ✓\t${-i * 1_000_003}\n`);
      if (w.ready) taken.push(...w.take()); // held as a stream holds them: later writes must not change them
      if (i === 10_000) expect(taken.length).toBeGreaterThan(3);
    }
    const last = w.finish();
    expect(taken.every((b) => b.length <= 1 << 16)).toBe(true);
    expect(text([...taken, ...last])).toBe(expected.join(""));
  });

  it("makes room for a value longer than a buffer", () => {
    const w = new CopyTextWriter();
    const long = "é".repeat(100_000);
    w.int(1).text(long).int(2);
    w.endRow();
    expect(text(w.finish())).toBe(`1\t${long}\t2\n`);
  });
});

describe("COPY text rows of numbers read from bytes", () => {
  const read = (chunks: string[], columns: number) => {
    const rows: number[][] = [];
    const reader = new CopyNumberReader(columns, (row) => rows.push([...row]));
    for (const c of chunks) reader.read(Buffer.from(c));
    reader.end();
    return rows;
  };

  it("reads integers, decimals and nulls, rows split anywhere across chunks", () => {
    const text = "1\t-2.50\t\\N\n2147483648\t0.001\t-0\n-9007199254740991\t12\t3\n";
    const expected = [[1, -2.5, NaN], [2147483648, 0.001, -0], [-9007199254740991, 12, 3]];
    expect(read([text], 3)).toEqual(expected);
    for (let cut = 1; cut < text.length; cut++) expect(read([text.slice(0, cut), text.slice(cut)], 3)).toEqual(expected);
    expect(read(["7\t8"], 2)).toEqual([[7, 8]]); // the last row without its newline
    expect(read([], 2)).toEqual([]);
  });

  it("refuses what is not a number, and rows of another width", () => {
    expect(() => read(["1\tabc\n"], 2)).toThrow(/should be a number/);
    expect(() => read(["1e5\n"], 1)).toThrow(/should be a number/);
    expect(() => read(["1.2.3\n"], 1)).toThrow(/should be a number/);
    expect(() => read(["\\N5\n"], 1)).toThrow(/should be a number/);
    expect(() => read(["1\t\n"], 2)).toThrow(/empty value/);
    expect(() => read(["1\t2\n"], 1)).toThrow(/more than 1/);
    expect(() => read(["1\n"], 2)).toThrow(/1 values, not 2/);
  });
});
