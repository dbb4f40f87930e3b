import type { Fail } from './layers/types.js';

/** True for `{…}` objects (not arrays, not null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A short description of a JSON value for error messages. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return JSON.stringify(v.length > 30 ? `${v.slice(0, 30)}…` : v);
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}

/** A non-empty matrix of finite numbers, rows × `expectedCols` (or any width when null). */
export function checkMatrix(value: unknown, path: string, expectedCols: number | null, fail: Fail): number[][] {
  if (!Array.isArray(value) || value.length === 0) return fail(path, `expected a non-empty array of rows (outputs × inputs), got ${describe(value)}`);
  const firstRow: unknown = value[0];
  const cols = Array.isArray(firstRow) ? firstRow.length : -1;
  const want = expectedCols ?? cols;
  const ok = value.every((row: unknown) => Array.isArray(row) && row.length === want) && want > 0;
  if (!ok) {
    const got = value.every((row: unknown) => Array.isArray(row)) ? `${value.length}×${shapeOfRows(value as unknown[][])}` : describe(value.find((r: unknown) => !Array.isArray(r)));
    return fail(path, `expected ${value.length} rows of ${want > 0 ? want : 'n'} numbers${expectedCols !== null ? ` (the previous layer has ${expectedCols} outputs)` : ''}, got ${got}`);
  }
  (value as unknown[][]).forEach((row, i) =>
    row.forEach((x, j) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) fail(`${path}[${i}][${j}]`, `expected a finite number, got ${describe(x)}`);
    }),
  );
  return value as number[][];
}

/** A vector of `length` finite numbers. */
export function checkVector(value: unknown, path: string, length: number, fail: Fail, what = 'one per output'): number[] {
  if (!Array.isArray(value) || value.length !== length) return fail(path, `expected ${length} numbers (${what}), got ${describe(value)}`);
  value.forEach((x: unknown, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) fail(`${path}[${i}]`, `expected a finite number, got ${describe(x)}`);
  });
  return value as number[];
}

/** `length` finite numbers in a Float64Array or Float32Array (a large model's weights, from its weights file). */
export function checkFlat(value: unknown, path: string, length: number, fail: Fail): Float64Array | Float32Array {
  if (!(value instanceof Float64Array || value instanceof Float32Array)) return fail(path, `expected float64 or float32 numbers, got ${describe(value)}`);
  if (value.length !== length) return fail(path, `expected ${length} numbers, got ${value.length}`);
  for (let i = 0; i < value.length; i++) if (!Number.isFinite(value[i]!)) fail(`${path}[${i}]`, `expected a finite number, got ${value[i]}`);
  return value;
}

/** A positive integer of at most `max`. */
export function checkSize(value: unknown, path: string, max: number, fail: Fail): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    return fail(path, `expected a positive integer of at most ${max}, got ${describe(value)}`);
  }
  return value;
}

function shapeOfRows(rows: unknown[][]): string {
  const lengths = [...new Set(rows.map((r) => r.length))];
  return lengths.length === 1 ? String(lengths[0]) : `{${lengths.join(', ')}} (ragged)`;
}
