import { BackpropError } from '../errors.js';

/**
 * One record as a {@link CsvScanner} hands it over: field `k` is the bytes
 * `buf[starts[k], ends[k])` with surrounding blanks trimmed, or — when `texts[k]` is not null — a
 * quoted field's text (quotes removed, `""` unescaped). Valid only during the call.
 */
export interface CsvRecordView {
  readonly buf: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly texts: readonly (string | null)[];
  /** Number of fields. */
  readonly count: number;
  /** The (1-based) line of the file where the record ends. */
  readonly line: number;
}

/** What a {@link CsvScanner} hands each record to (one call per record, so per-cell work stays in one loop). */
export interface CsvSink {
  record(r: CsvRecordView): void;
}

/** Options of {@link CsvScanner}. */
export interface ScanOptions {
  /** One-character field delimiter; default: detected from the first line (`,`, `;` or tab). */
  delimiter?: string;
  /** Lines to skip at the start of the file, before the header (default 0). */
  skipRows?: number;
  /** The file's name, first in every error message. */
  name?: string;
}

/** The longest record accepted: a longer one is almost always a quote left open. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

const QUOTE = 34;
const NL = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const CANDIDATES = [44, 59, 9]; // , ; tab

/**
 * A streaming CSV tokenizer over UTF-8 bytes (RFC 4180): fields split at the delimiter, records at
 * line ends (LF or CRLF); quoted fields may hold delimiters, `""` and line breaks; a UTF-8 BOM is
 * skipped, blank lines are skipped, unquoted fields are trimmed. Feed it chunks of any size with
 * {@link CsvScanner.push} and finish with {@link CsvScanner.end}; fields reach the sink as byte
 * ranges, so numbers can be parsed without making a string per cell. Only the bytes of a record cut
 * by a chunk boundary are kept between chunks.
 *
 * The delimiter, unless given, is the one of `,` `;` tab that occurs most often (outside quotes) in
 * the first line read (ties: `,` first).
 *
 * @throws BackpropError `data` naming the line: a quote never closed, text after a closing quote,
 *   a record longer than {@link MAX_RECORD_BYTES}.
 * @example
 * ```ts
 * const s = new CsvScanner(sink, { name: 'iris.csv' });
 * for await (const chunk of chunks) s.push(chunk);
 * s.end();
 * ```
 */
export class CsvScanner {
  /** Bytes of the input consumed by complete records so far. */
  consumed = 0;
  /** The delimiter in use (known after the first line). */
  delimiter: string | undefined;
  private delim = -1;
  private carry: Uint8Array | null = null;
  private pending: Uint8Array[] = [];
  private pendingLength = 0;
  private line = 1;
  private skip: number;
  private started = false;
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  private texts: (string | null)[] = new Array<string | null>(64).fill(null);
  private quotedCount = 0;
  private readonly name: string;
  private readonly decoder = new TextDecoder();
  private readonly view: { -readonly [K in keyof CsvRecordView]: CsvRecordView[K] } = { buf: new Uint8Array(0), starts: this.starts, ends: this.ends, texts: this.texts, count: 0, line: 0 };

  constructor(
    private readonly sink: CsvSink,
    options: ScanOptions = {},
  ) {
    this.name = options.name ?? 'CSV';
    this.skip = options.skipRows ?? 0;
    if (options.delimiter !== undefined) {
      if (options.delimiter.length !== 1 || options.delimiter === '"' || options.delimiter === '\n' || options.delimiter.charCodeAt(0) > 127) {
        throw new BackpropError('argument', `${this.name}: the delimiter must be one ASCII character other than a quote or a line break, got ${JSON.stringify(options.delimiter)}`);
      }
      this.delim = options.delimiter.charCodeAt(0);
      this.delimiter = options.delimiter;
    }
  }

  /** Feeds the next chunk of the file. */
  push(bytes: Uint8Array): void {
    // NOTE: one array type in the loops (a Node Buffer is a Uint8Array subclass).
    const chunk = bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (this.carry && chunk.indexOf(NL) < 0) {
      // NOTE: no line break, so no record can end here: keep the bytes without scanning them again
      // (a file without line breaks would otherwise be scanned over and over).
      this.pending.push(chunk.slice());
      this.pendingLength += chunk.length;
      this.checkRecordLength(this.carry.length + this.pendingLength);
      return;
    }
    const buf = this.carry ? this.joinCarry(chunk) : chunk;
    const used = this.scan(buf, false);
    this.consumed += used - (buf.length - chunk.length);
    this.carry = used < buf.length ? buf.slice(used) : null;
    if (this.carry) this.checkRecordLength(this.carry.length);
  }

  /** Ends the input: the last record may lack a line break. */
  end(): void {
    const buf = this.carry ? this.joinCarry(new Uint8Array(0)) : new Uint8Array(0);
    this.carry = null;
    this.scan(buf, true);
  }

  /** The unfinished record's bytes (the carry and the chunks kept since), then `chunk`. */
  private joinCarry(chunk: Uint8Array): Uint8Array {
    const parts = [this.carry!, ...this.pending, chunk];
    const buf = new Uint8Array(this.carry!.length + this.pendingLength + chunk.length);
    let at = 0;
    for (const p of parts) {
      buf.set(p, at);
      at += p.length;
    }
    this.pending = [];
    this.pendingLength = 0;
    return buf;
  }

  private checkRecordLength(bytes: number): void {
    if (bytes > MAX_RECORD_BYTES) throw new BackpropError('data', `${this.name} line ${this.line}: a record longer than ${MAX_RECORD_BYTES} bytes; is a quote left open there?`);
  }

  /** Scans complete records from `buf`; returns how many bytes were consumed. */
  private scan(buf: Uint8Array, final: boolean): number {
    let p = 0;
    if (!this.started) {
      if (buf.length < 3 && !final) return 0;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) p = 3;
      this.started = true;
    }
    while (this.skip > 0) {
      const nl = buf.indexOf(NL, p);
      if (nl < 0) {
        if (!final) return p;
        this.skip = 0;
        return buf.length;
      }
      p = nl + 1;
      this.line++;
      this.skip--;
    }
    if (this.delim < 0) {
      const nl = buf.indexOf(NL, p);
      if (nl < 0 && !final) return p;
      this.delim = detectDelimiter(buf, p, nl < 0 ? buf.length : nl);
      this.delimiter = String.fromCharCode(this.delim);
    }
    while (p < buf.length) {
      const next = this.record(buf, p, final);
      if (next < 0) return p;
      p = next;
    }
    return p;
  }

  /** Scans one record starting at `p`; emits it and returns the position after it, or −1 when incomplete. */
  private record(buf: Uint8Array, p: number, final: boolean): number {
    const len = buf.length;
    const delim = this.delim;
    const tabBlank = delim !== TAB;
    const texts = this.texts;
    for (let k = 0; k < this.quotedCount; k++) texts[k] = null;
    this.quotedCount = 0;
    let n = 0;
    let i = p;
    let newlines = 0;
    for (;;) {
      let c = i < len ? buf[i]! : -1;
      while (c === SPACE || c === CR || (c === TAB && tabBlank)) c = ++i < len ? buf[i]! : -1;
      let start: number;
      let end: number;
      if (c === QUOTE) {
        start = i + 1;
        let j = start;
        let escaped = false;
        let inner = 0;
        for (;;) {
          if (j >= len) {
            if (!final) return -1;
            throw new BackpropError('data', `${this.name} line ${this.line + newlines - inner}: a quoted field starts here and is never closed`);
          }
          const q = buf[j]!;
          if (q === QUOTE) {
            if (j + 1 >= len && !final) return -1;
            if (buf[j + 1] === QUOTE) {
              escaped = true;
              j += 2;
              continue;
            }
            break;
          }
          if (q === NL) {
            newlines++;
            inner++;
          }
          j++;
        }
        end = j;
        let text = this.decoder.decode(buf.subarray(start, end));
        if (escaped) text = text.replaceAll('""', '"');
        if (n >= texts.length) this.growFields();
        texts[n] = text;
        this.quotedCount = n + 1;
        i = j + 1;
        c = i < len ? buf[i]! : -1;
        while (c === SPACE || c === CR || (c === TAB && tabBlank)) c = ++i < len ? buf[i]! : -1;
        if (c !== -1 && c !== delim && c !== NL) {
          throw new BackpropError('data', `${this.name} line ${this.line + newlines}: unexpected ${JSON.stringify(String.fromCharCode(c))} after a closing quote (a quote inside a quoted field is written "")`);
        }
      } else {
        start = i;
        while (i < len) {
          c = buf[i]!;
          if (c === delim || c === NL) break;
          i++;
        }
        if (i >= len && !final) return -1;
        end = i;
        while (end > start) {
          c = buf[end - 1]!;
          if (c === SPACE || c === CR || (c === TAB && tabBlank)) end--;
          else break;
        }
      }
      if (n === this.starts.length) this.growFields();
      this.starts[n] = start;
      this.ends[n] = end;
      n++;
      if (i < len && buf[i] === delim) {
        i++;
        continue;
      }
      break;
    }
    if (i >= len && !final) return -1;
    if (i - p > MAX_RECORD_BYTES) {
      throw new BackpropError('data', `${this.name} line ${this.line}: a record longer than ${MAX_RECORD_BYTES} bytes; is a quote left open there?`);
    }
    const endLine = this.line + newlines;
    if (i < len) i++; // the line break
    this.line = endLine + 1;
    if (n === 1 && this.quotedCount === 0 && this.starts[0] === this.ends[0]) return i; // a blank line
    this.view.buf = buf;
    this.view.starts = this.starts;
    this.view.ends = this.ends;
    this.view.texts = texts;
    this.view.count = n;
    this.view.line = endLine;
    this.sink.record(this.view);
    return i;
  }

  private growFields(): void {
    while (this.texts.length <= this.starts.length * 2) this.texts.push(null);
    const s = new Int32Array(this.starts.length * 2);
    s.set(this.starts);
    this.starts = s;
    const e = new Int32Array(this.ends.length * 2);
    e.set(this.ends);
    this.ends = e;
  }
}

/** The most frequent of `,` `;` tab outside quotes in `buf[from, to)` (ties and none: `,`). */
function detectDelimiter(buf: Uint8Array, from: number, to: number): number {
  const counts = [0, 0, 0];
  let quoted = false;
  for (let i = from; i < to; i++) {
    const c = buf[i]!;
    if (c === QUOTE) quoted = !quoted;
    else if (!quoted) {
      const k = CANDIDATES.indexOf(c);
      if (k >= 0) counts[k]!++;
    }
  }
  let best = 0;
  for (let k = 1; k < 3; k++) if (counts[k]! > counts[best]!) best = k;
  return CANDIDATES[best]!;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * The number written in `buf[start, end)` as a plain decimal (`-1.5`, `.5`, `3.`, `2e-3`, `+7`), or
 * NaN when the bytes are anything else (empty, text, `0x10`, `NaN`, `Infinity`, a number too large
 * for float64). Exactly `Number(text)`: up to 15 significant digits and a power of ten within ±22
 * the value is one correctly rounded multiplication or division (Clinger's fast path); longer
 * numbers go through `Number`.
 *
 * @example
 * ```ts
 * parseDecimal(new TextEncoder().encode('-2.5e3'), 0, 6); // -2500
 * ```
 */
export function parseDecimal(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (i < end && (buf[i] === 45 || buf[i] === 43)) negative = buf[i++] === 45;
  let mantissa = 0;
  let significant = 0;
  let digits = 0;
  let exponent = 0;
  while (i < end) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) break;
    if (significant > 0 || d !== 0) significant++;
    mantissa = mantissa * 10 + d;
    digits++;
    i++;
  }
  if (i < end && buf[i] === 46) {
    i++;
    while (i < end) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      if (significant > 0 || d !== 0) significant++;
      mantissa = mantissa * 10 + d;
      exponent--;
      digits++;
      i++;
    }
  }
  if (digits === 0) return NaN;
  if (i < end && (buf[i] === 101 || buf[i] === 69)) {
    i++;
    let expNegative = false;
    if (i < end && (buf[i] === 45 || buf[i] === 43)) expNegative = buf[i++] === 45;
    let e = 0;
    let expDigits = 0;
    while (i < end) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      if (e < 1e6) e = e * 10 + d;
      expDigits++;
      i++;
    }
    if (expDigits === 0) return NaN;
    exponent += expNegative ? -e : e;
  }
  if (i !== end) return NaN;
  let v: number;
  if (significant <= 15 && exponent >= -22 && exponent <= 22) {
    v = exponent < 0 ? mantissa / POW10[-exponent]! : mantissa * POW10[exponent]!;
  } else {
    let s = '';
    for (let k = start; k < end; k++) s += String.fromCharCode(buf[k]!);
    v = Number(s);
    if (!Number.isFinite(v)) return NaN;
    return v;
  }
  return negative ? -v : v;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The number in a cell, or `undefined` when the cell is not a plain decimal number. */
export function csvNumber(cell: string): number | undefined {
  if (!NUMBER.test(cell)) return undefined;
  const v = Number(cell);
  return Number.isFinite(v) ? v : undefined;
}
