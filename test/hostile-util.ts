// Shared machinery of the hostile-input suites (test/hostile-*.test.ts): a tally that sorts every
// outcome into "accepted", "refused with a BackpropError" or "unclean" (any other exception), JSON
// documents that can hold what JSON.stringify cannot write (NaN, 1e999, -0, __proto__ keys, nesting
// 100,000 deep), fast-check edits of valid documents, and a fake in-memory CliIo.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BackpropError, type CliIo } from '../src/node.js';
import { outputBytes } from '../src/cli/output.js';

/** Outcomes of one loader over many generated inputs. */
export class Tally {
  tried = 0;
  accepted = 0;
  refused = 0;
  /** Unclean outcomes: the input (shortened) and what was thrown. */
  readonly unclean: string[] = [];
  /** Slowest single input, in milliseconds, and that input. */
  slowestMs = 0;
  slowestInput = '';
  readonly codes = new Map<string, number>();

  constructor(readonly name: string) {}

  /**
   * Runs `f` on one input. A BackpropError with a non-empty one-line-able message is clean; so is a
   * success that `check` accepts. Anything else is recorded as unclean with `show()` of the input.
   */
  run<T>(f: () => T, show: () => string, check: (result: T) => void = () => {}): void {
    this.tried++;
    const t0 = performance.now();
    let result: T;
    try {
      result = f();
    } catch (e) {
      this.time(t0, show);
      if (e instanceof BackpropError && e.message.trim().length > 0) {
        this.refused++;
        this.codes.set(e.code, (this.codes.get(e.code) ?? 0) + 1);
      } else {
        this.fail(show, e);
      }
      return;
    }
    this.time(t0, show);
    try {
      check(result);
      this.accepted++;
    } catch (e) {
      this.fail(show, e);
    }
  }

  /** Records an unclean outcome found by the caller (e.g. a CLI exit status other than 0 or 2). */
  fail(show: () => string, e: unknown): void {
    if (this.unclean.length < 8) this.unclean.push(`${show().slice(0, 300)} → ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`.slice(0, 600));
    else this.unclean.push('…');
  }

  /** Records the time since `t0` of the input `show()` describes. */
  time(t0: number, show: () => string): void {
    const ms = performance.now() - t0;
    if (ms > this.slowestMs) {
      this.slowestMs = ms;
      this.slowestInput = show().slice(0, 120);
    }
  }

  /** One line for `t.diagnostic`. */
  summary(): string {
    const codes = [...this.codes].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ');
    return `${this.name}: ${this.tried} inputs tried, ${this.accepted} accepted, ${this.refused} refused with a BackpropError (${codes}), ${this.unclean.length} unclean; slowest ${this.slowestMs.toFixed(1)} ms (${this.slowestInput})`;
  }

  /** Asserts that nothing was unclean, that something was tried, and that no input took `maxMs` or more. */
  assertClean(minTried: number, maxMs = 2000): void {
    assert.ok(this.tried >= minTried, `${this.name}: only ${this.tried} inputs tried`);
    assert.deepEqual(this.unclean, [], `${this.name}: unclean outcomes`);
    assert.ok(this.slowestMs < maxMs, `${this.name}: one input took ${this.slowestMs.toFixed(0)} ms`);
  }
}

/** Text emitted as is (NaN, 1e999, a 100,000-deep nesting): what JSON.stringify cannot produce. */
export class Raw {
  constructor(readonly text: string) {}
}
/** An object as key/value pairs, so `__proto__` and repeated keys survive until the text. */
export class Obj {
  constructor(readonly pairs: [string, Doc][]) {}
}
/** A JSON-like document. */
export type Doc = null | boolean | number | string | Raw | Obj | Doc[];

/** A parsed JSON value as a {@link Doc}. */
export function toDoc(v: unknown): Doc {
  if (Array.isArray(v)) return v.map(toDoc);
  if (typeof v === 'object' && v !== null) return new Obj(Object.entries(v).map(([k, x]) => [k, toDoc(x)]));
  return v as Doc;
}

/** The text of a document (non-finite numbers and -0 as their JavaScript spelling). */
export function docText(d: Doc): string {
  if (d instanceof Raw) return d.text;
  if (Array.isArray(d)) return `[${d.map(docText).join(',')}]`;
  if (d instanceof Obj) return `{${d.pairs.map(([k, v]) => `${JSON.stringify(k)}:${docText(v)}`).join(',')}}`;
  if (typeof d === 'number') return Number.isFinite(d) ? (Object.is(d, -0) ? '-0' : JSON.stringify(d)) : String(d);
  return JSON.stringify(d);
}

/** `depth` nested arrays around `inner`, as text. */
export const nestedArrays = (depth: number, inner = ''): Raw => new Raw('['.repeat(depth) + inner + ']'.repeat(depth));
/** `depth` nested objects `{"a": …}` around `inner`, as text. */
export const nestedObjects = (depth: number, inner = '1'): Raw => new Raw('{"a":'.repeat(depth) + inner + '}'.repeat(depth));

/** Values that do not belong where numbers, strings or arrays are expected. */
export const hostileValue: fc.Arbitrary<Doc> = fc.oneof(
  {
    weight: 32,
    arbitrary: fc.constantFrom<Doc>(
      null, true, false, '', 'NaN', 'Infinity', '1', '0x10', -0, 0, -1, 0.5, 1.5, 1e12, -1e12, 2 ** 31, 2 ** 53, 2 ** 64, 1e308, 5e-324,
      new Raw('NaN'), new Raw('Infinity'), new Raw('-Infinity'), new Raw('1e999'), new Raw('-1e999'), new Raw('undefined'), new Raw('-0'),
      [], [[]], [[1, 2], [3]], [[1], 'x'], [null], [1, [2, [3]]],
      new Obj([]), new Obj([['__proto__', new Obj([['polluted', 'yes']])]]),
      new Obj([['constructor', new Obj([['prototype', new Obj([['polluted', 'yes']])]])]]),
      new Obj([['a', 1], ['a', 2]]),
      'x'.repeat(10_000), '\u0000', '\ud800', '__proto__', 'constructor',
    ),
  },
  // NOTE: deep nesting costs ~20 ms an input; kept rare so the suite stays fast.
  { weight: 1, arbitrary: fc.constantFrom<Doc>(nestedArrays(1000), nestedArrays(100_000), nestedObjects(1000), nestedObjects(100_000), nestedArrays(100_000, '1')) },
  { weight: 8, arbitrary: fc.double() },
  { weight: 8, arbitrary: fc.integer() },
  { weight: 8, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 8, arbitrary: fc.array(fc.oneof(fc.double(), fc.constant(null), fc.string({ maxLength: 3 })), { maxLength: 4 }) },
);

/** Keys that tempt a loader: object internals, and the names real files use. */
export const hostileKey = fc.constantFrom(
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', 'length',
  'format', 'version', 'dtype', 'loss', 'seed', 'layers', 'preprocessing', 'type', 'activation', 'weights', 'bias', 'inputs', 'units', 'init',
  'targets', 'featureNames', 'targetNames', 'classNames', 'task',
);

/** One edit of a document: a walk (indices taken modulo the children) and what to do at its end. */
export const docEdit = fc.record({
  walk: fc.array(fc.nat(), { maxLength: 6 }),
  op: fc.oneof(
    fc.record({ kind: fc.constant('replace' as const), value: hostileValue }),
    fc.record({ kind: fc.constant('delete' as const) }),
    fc.record({ kind: fc.constant('add' as const), key: hostileKey, value: hostileValue }),
    fc.record({ kind: fc.constant('push' as const), value: hostileValue }),
    fc.record({ kind: fc.constant('pop' as const) }),
    fc.record({ kind: fc.constant('wrap' as const) }),
  ),
});
export type DocEdit = typeof docEdit extends fc.Arbitrary<infer E> ? E : never;

/** Applies an edit to a copy-on-write walk of `doc` and returns the new document. */
export function applyEdit(doc: Doc, edit: DocEdit, depth = 0): Doc {
  const here = depth >= edit.walk.length;
  const children = Array.isArray(doc) ? doc : doc instanceof Obj ? doc.pairs.map((p) => p[1]) : [];
  if (here || children.length === 0) {
    const { op } = edit;
    switch (op.kind) {
      case 'replace': return op.value;
      case 'delete': return Array.isArray(doc) ? doc.slice(1) : doc instanceof Obj ? new Obj(doc.pairs.slice(1)) : null;
      case 'add': return doc instanceof Obj ? new Obj([...doc.pairs, [op.key, op.value]]) : new Obj([[op.key, op.value]]);
      case 'push': return Array.isArray(doc) ? [...doc, op.value] : [doc, op.value];
      case 'pop': return Array.isArray(doc) ? doc.slice(0, -1) : doc instanceof Obj ? new Obj(doc.pairs.slice(0, -1)) : '';
      case 'wrap': return [doc];
    }
  }
  const i = edit.walk[depth]! % children.length;
  const child = applyEdit(children[i]!, edit, depth + 1);
  if (Array.isArray(doc)) return doc.map((c, k) => (k === i ? child : c));
  return new Obj((doc as Obj).pairs.map(([k, v], n) => [k, n === i ? child : v]));
}

/** Edits at the level of the text: cut it short, or splice in a few characters. */
export const textEdit = fc.oneof(
  fc.record({ kind: fc.constant('none' as const) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), text: fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', '\u0000', 'NaN', '\ufeff', '/*', ' ', '1e999', '-', '.') }),
);
export type TextEdit = typeof textEdit extends fc.Arbitrary<infer E> ? E : never;

export function applyTextEdit(text: string, e: TextEdit): string {
  if (e.kind === 'none') return text;
  const at = text.length === 0 ? 0 : e.at % text.length;
  return e.kind === 'truncate' ? text.slice(0, at) : text.slice(0, at) + e.text + text.slice(at);
}

/** A short view of a possibly huge input for failure messages. */
export function shorten(text: string): string {
  return text.length > 240 ? `${text.slice(0, 160)}…(${text.length} chars)…${text.slice(-60)}` : text;
}

/** Own property names of the built-in prototypes, to prove no input added any. */
export function prototypeSnapshot(): string {
  const own = (o: object) => Object.getOwnPropertyNames(o).sort().join(',');
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype].map(own).join('|');
}

/** Asserts the prototypes are as in `before` and `({}).polluted` is undefined. */
export function assertNoPollution(before: string): void {
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  assert.equal(([] as unknown as Record<string, unknown>)['polluted'], undefined);
  assert.equal(prototypeSnapshot(), before);
}

/** An in-memory CliIo: files by path, atomic writes recorded only when complete. */
export interface FakeIo extends CliIo {
  files: Map<string, Uint8Array>;
  out: string;
  err: string;
}

/** A fake io over `files` (copied), honouring BACKPROP_MAX_FILE_BYTES from `env` like the real one. */
export function fakeIo(files: ReadonlyMap<string, Uint8Array>, env: Record<string, string> = {}): FakeIo {
  const io: FakeIo = {
    files: new Map(files),
    out: '',
    err: '',
    stdout: (t) => void (io.out += t),
    stderr: (t) => void (io.err += t),
    readBytes(path) {
      const b = io.files.get(path);
      if (b === undefined) throw new BackpropError('io', `${path}: no such file or directory`);
      const limit = Number(env.BACKPROP_MAX_FILE_BYTES ?? Infinity);
      if (b.length > limit) throw new BackpropError('io', `${path}: the file is ${b.length} bytes, above the limit of ${limit} bytes`);
      return b.slice();
    },
    readText: (path) => new TextDecoder().decode(io.readBytes(path)),
    readChunks: async function* (path) {
      const b = io.files.get(path);
      if (b === undefined) throw new BackpropError('io', `${path}: no such file or directory`);
      for (let at = 0; at < b.length; at += 1000) yield b.slice(at, at + 1000);
    },
    writeAtomic(path, data) {
      if (path.startsWith('readonly/') || path === '' || path.endsWith('/')) throw new BackpropError('io', `${path}: cannot write (permission denied); the previous file, if any, is unchanged`);
      io.files.set(path, outputBytes(data).slice());
    },
    exists: (p) => io.files.has(p),
    isTTY: false,
    columns: 80,
    env,
    now: () => 0,
  };
  return io;
}
