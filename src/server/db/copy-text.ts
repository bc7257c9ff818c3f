import { writeDigits } from "@/lib/decimal-digits";

/**
 * Rows in COPY's text format written straight into buffers: a value's digits or bytes go
 * where they belong, with no string per value, per row or per chunk. Writing a run's
 * millions of commission lines as strings (each value to text, joined with tabs, the
 * chunk made into a Buffer) cost the node process more CPU than the database spent
 * storing them, and the garbage of it more again.
 */
export interface CopyRow {
  /** An integer; a number that is not a safe integer goes as its text. */
  int(v: number): CopyRow;
  /** A text value, escaped as COPY needs; null is NULL. */
  text(v: string | null): CopyRow;
  /** An integer array (`{1,2,3}`). */
  intArray(v: ArrayLike<number>): CopyRow;
  /** A value as JSON text; null is NULL. */
  json(v: unknown): CopyRow;
}

const CHUNK = 1 << 16;
const TAB = 9;
const NEWLINE = 10;
const MINUS = 45;
const ZERO = 48;
const BACKSLASH = 92;
const RETURN = 13;
const LETTER_T = 116;
const LETTER_N = 110;
const LETTER_R = 114;
const COMMA = 44;
const CLOSE_BRACE = 125;
const SPECIAL = /[\\\t\n\r]/;

/** A value in COPY's text format (backslash, tab, newline and carriage return escaped). */
export function copyEscape(v: string): string {
  return SPECIAL.test(v) ? v.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r") : v;
}

/**
 * Writes rows into 64 KiB buffers (larger when one value needs it); `endRow()` after each
 * row, `take()` the filled buffers whenever convenient and `finish()` the rest. A buffer
 * once taken is never written again (the stream may still hold it).
 */
export class CopyTextWriter implements CopyRow {
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  private atRowStart = true;
  private full: Buffer[] = [];

  /** Whether filled buffers wait to be taken. */
  get ready(): boolean {
    return this.full.length > 0;
  }

  int(v: number): CopyRow {
    this.separate(0);
    this.digits(v);
    return this;
  }

  text(v: string | null): CopyRow {
    if (v === null) return this.raw("\\N");
    // Escaped while copied: ASCII byte by byte, the rest (rare) through copyEscape.
    this.separate(v.length * 2);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c >= 0x80) {
        this.pos = p;
        const rest = copyEscape(v.slice(i));
        this.room(rest.length * 3);
        this.pos += this.buf.write(rest, this.pos, "utf8");
        return this;
      }
      if (c === BACKSLASH || c === TAB || c === NEWLINE || c === RETURN) {
        buf[p++] = BACKSLASH;
        buf[p++] = c === BACKSLASH ? BACKSLASH : c === TAB ? LETTER_T : c === NEWLINE ? LETTER_N : LETTER_R;
      } else {
        buf[p++] = c;
      }
    }
    this.pos = p;
    return this;
  }

  intArray(v: ArrayLike<number>): CopyRow {
    if (v.length === 0) return this.raw("{}");
    this.raw("{");
    for (let i = 0; i < v.length; i++) {
      if (i > 0) {
        this.room(1);
        this.buf[this.pos++] = COMMA;
      }
      this.digits(v[i]!);
    }
    this.room(1);
    this.buf[this.pos++] = CLOSE_BRACE;
    return this;
  }

  json(v: unknown): CopyRow {
    return v === null || v === undefined ? this.raw("\\N") : this.text(JSON.stringify(v));
  }

  endRow(): void {
    this.room(1);
    this.buf[this.pos++] = NEWLINE;
    this.atRowStart = true;
  }

  /** The filled buffers (the one being written stays). */
  take(): Buffer[] {
    const out = this.full;
    this.full = [];
    return out;
  }

  /** Everything written, the last buffer too. */
  finish(): Buffer[] {
    if (this.pos > 0) this.full.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.pos = 0;
    return this.take();
  }

  /** A safe integer's digits (any other number as its text), with room made for them. */
  private digits(v: number): void {
    if (!Number.isSafeInteger(v)) {
      const t = String(v);
      this.room(t.length);
      for (let i = 0; i < t.length; i++) this.buf[this.pos++] = t.charCodeAt(i);
      return;
    }
    this.room(17);
    if (v < 0) {
      this.buf[this.pos++] = MINUS;
      v = -v;
    }
    this.pos = writeDigits(this.buf, this.pos, v);
  }

  /** ASCII text that needs no escaping (`\\N`, `{}`), byte by byte. */
  private raw(s: string): CopyRow {
    this.separate(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
    return this;
  }

  /** A tab before every value but a row's first, and room for `n` more bytes. */
  private separate(n: number): void {
    this.room(n + 1);
    if (this.atRowStart) this.atRowStart = false;
    else this.buf[this.pos++] = TAB;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    // A row may straddle two buffers: COPY reads a stream, not rows.
    if (this.pos > 0) this.full.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK, n));
    this.pos = 0;
  }
}

const DOT = 46;
const LETTER_CAPITAL_N = 78;

/**
 * Rows of COPY's text format whose values are all numbers or NULL, read straight from the
 * bytes into one row of numbers (NaN for NULL), reused for every row: a million rows without
 * a string per value. A number is its digits with an optional sign and decimal point; the
 * value is the one `Number()` gives its text (digits as an integer divided by a power of
 * ten: both exact below 2^53, and the division rounds as parsing does). Anything else is
 * refused. Rows may straddle chunks.
 */
export class CopyNumberReader {
  readonly row: Float64Array;
  private field = 0;
  private digits = 0;
  private scale = 1;
  private negative = false;
  private fraction = false;
  private empty = true;
  private isNull = false;
  private escaped = false;

  constructor(readonly columns: number, private readonly each: (row: Float64Array) => void) {
    this.row = new Float64Array(columns);
  }

  /** Reads the rows a chunk completes (and keeps a row it leaves open). */
  read(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (c >= ZERO && c <= ZERO + 9) {
        if (this.escaped || this.isNull) this.refuse(c);
        this.digits = this.digits * 10 + (c - ZERO);
        if (this.fraction) this.scale *= 10;
        this.empty = false;
      } else if (c === TAB || c === NEWLINE) {
        this.endValue();
        if (c === NEWLINE) this.endRow();
      } else if (c === DOT && !this.fraction && !this.escaped && !this.isNull) {
        this.fraction = true;
      } else if (c === MINUS && this.empty && !this.negative && !this.fraction && !this.escaped && !this.isNull) {
        this.negative = true;
      } else if (c === BACKSLASH && this.empty && !this.negative && !this.fraction && !this.escaped && !this.isNull) {
        this.escaped = true;
      } else if (c === LETTER_CAPITAL_N && this.escaped) {
        this.escaped = false;
        this.isNull = true;
      } else {
        this.refuse(c);
      }
    }
  }

  /** After the last chunk: a row without its final newline still counts. */
  end(): void {
    if (this.field > 0 || !this.empty || this.isNull || this.negative || this.fraction) {
      this.endValue();
      this.endRow();
    }
  }

  private endValue(): void {
    if (this.field >= this.columns) throw new Error(`COPY numbers: a row has more than ${this.columns} values`);
    if (this.isNull) this.row[this.field] = NaN;
    else if (this.empty || this.escaped) throw new Error("COPY numbers: an empty value");
    else this.row[this.field] = (this.negative ? -this.digits : this.digits) / this.scale;
    this.field++;
    this.digits = 0;
    this.scale = 1;
    this.negative = this.fraction = this.isNull = this.escaped = false;
    this.empty = true;
  }

  private endRow(): void {
    if (this.field !== this.columns) throw new Error(`COPY numbers: a row has ${this.field} values, not ${this.columns}`);
    this.each(this.row);
    this.field = 0;
  }

  private refuse(c: number): never {
    throw new Error(`COPY numbers: "${String.fromCharCode(c)}" in a value that should be a number`);
  }
}
