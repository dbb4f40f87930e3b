// Tolerant comparisons for numbers checked against independent figures.
import assert from 'node:assert/strict';

/** |a − e| ≤ atol + rtol·|e|, with a message naming what differs. */
export function assertClose(actual: number, expected: number, what: string, rtol = 1e-12, atol = 1e-14): void {
  const ok = Math.abs(actual - expected) <= atol + rtol * Math.abs(expected) || (Number.isNaN(actual) && Number.isNaN(expected));
  assert.ok(ok, `${what}: got ${actual}, expected ${expected} (difference ${actual - expected})`);
}

/** Element by element {@link assertClose} over nested arrays of the same shape. */
export function assertAllClose(actual: unknown, expected: unknown, what: string, rtol = 1e-12, atol = 1e-14): void {
  if (Array.isArray(expected) || ArrayBuffer.isView(expected)) {
    const e = Array.from(expected as ArrayLike<unknown>);
    const a = Array.from(actual as ArrayLike<unknown>);
    assert.equal(a.length, e.length, `${what}: length ${a.length}, expected ${e.length}`);
    e.forEach((x, i) => assertAllClose(a[i], x, `${what}[${i}]`, rtol, atol));
    return;
  }
  assertClose(actual as number, expected as number, what, rtol, atol);
}
