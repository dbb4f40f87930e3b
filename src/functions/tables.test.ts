// The activation and loss tables: every form an entry gives agrees with the others, bit for bit
// where the tiers must agree (scalar f, the loops, the autograd op), and with independent figures
// where they compute the same mathematics another way (central differences, the textbook identity,
// the computer algebra of the ledger). Every entry is checked, so a new one is checked too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activation } from '../autograd/ops/activations.js';
import { logitLossOp, lossOp } from '../autograd/ops/losses.js';
import { backward } from '../autograd/engine.js';
import type { GradNode } from '../autograd/node.js';
import { activationDerivative } from '../explain/symbolic.js';
import { Rng } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';
import { ACTIVATION_TABLE, ACTIVATIONS, HIDDEN_ACTIVATIONS } from './activations/index.js';
import { LOSS_TABLE, LOSSES, logitForm } from './losses/index.js';

/** Kinks, extremes, signed zeros and ordinary points. */
const POINTS = [-400, -30, -5, -2, -1, -0.5, -1e-3, -0, 0, 1e-3, 0.5, 1, 2, 5, 30, 400];

const same = (a: number, b: number, what: string): void => assert.ok(Object.is(a, b), `${what}: ${a} and ${b} are not the same bits`);

test('every elementwise activation: the loops, the autograd op and the scalar f / df give the same bits (float64 and float32)', () => {
  for (const name of ACTIVATIONS) {
    const spec = ACTIVATION_TABLE[name];
    if (spec.form !== 'elementwise') continue;
    const f = spec.f!;
    const df = spec.df!;
    for (const Arr of [Float64Array, Float32Array]) {
      const z = Arr.from(POINTS);
      const a = new Arr(z.length);
      spec.forward(z, a, 1, z.length);
      const g = Arr.from(POINTS.map((_, i) => 0.25 + i / 7));
      const g0 = g.slice();
      spec.backward(g, z, a, 1, z.length);
      const op = activation(spec, new Tensor(z.slice(), [2, z.length / 2], { requiresGrad: true }));
      const opGrad = (op.gradFn as GradNode).backward!(new Tensor(g0.slice(), op.shape))[0]!;
      for (let i = 0; i < z.length; i++) {
        const fa = Arr === Float32Array ? Math.fround(f(z[i]!)) : f(z[i]!);
        same(a[i]!, fa, `${name} forward at ${z[i]}`);
        same(op.data[i]!, a[i]!, `${name} op at ${z[i]}`);
        const dg = df(g0[i]!, z[i]!, a[i]!);
        same(g[i]!, Arr === Float32Array ? Math.fround(dg) : dg, `${name} backward at ${z[i]}`);
        same(opGrad.data[i]!, g[i]!, `${name} op backward at ${z[i]}`);
      }
      // the `at` offset reaches the same numbers
      const a2 = new Arr(z.length + 3);
      const z2 = new Arr(z.length + 3);
      z2.set(z, 3);
      spec.forward(z2, a2, 1, z.length, 3);
      for (let i = 0; i < z.length; i++) same(a2[i + 3]!, a[i]!, `${name} forward with an offset`);
    }
  }
});

test('every elementwise activation: f′ agrees with a central difference of f and with the textbook identity', () => {
  for (const name of ACTIVATIONS) {
    const spec = ACTIVATION_TABLE[name];
    if (spec.form !== 'elementwise') continue;
    const f = spec.f!;
    for (const x of [-3.1, -1.2, -0.4, 0.3, 0.9, 2.2, 4.5]) {
      const h = 1e-6;
      const numeric = (f(x + h) - f(x - h)) / (2 * h);
      const engine = spec.df!(1, x, f(x));
      assert.ok(Math.abs(engine - numeric) < 1e-7 * Math.max(1, Math.abs(numeric)), `${name}: f′(${x}) = ${engine}, central difference ${numeric}`);
      if (spec.cas.kind !== 'jacobian') {
        const id = spec.cas.identityAt(x);
        assert.ok(Math.abs(id - engine) < 1e-12 * Math.max(1, Math.abs(id)), `${name}: textbook identity ${id} ≠ engine ${engine} at ${x}`);
      }
    }
  }
});

test('every elementwise activation: the ledger derives f′ by computer algebra and it agrees with the engine', () => {
  for (const name of ACTIVATIONS) {
    const spec = ACTIVATION_TABLE[name];
    if (spec.form !== 'elementwise') continue;
    const zs = [-1.7, -0.2, 0.6, 2.3];
    const s = activationDerivative(name as Exclude<typeof name, 'softmax'>, zs, zs.map((z) => spec.df!(1, z, spec.f!(z))));
    assert.ok(s.maxDiff < 1e-9, `${name}: the ledger's derivative differs by ${s.maxDiff}`);
    if (name === 'sigmoid') assert.equal(s.proven, true, 'mathjs proves σ′ = σ(1 − σ), as sympy did in the seed notebook');
  }
});

test('softmax (row-wise): the backward loop is the Jacobian-vector product of the forward loop', () => {
  const spec = ACTIVATION_TABLE.softmax;
  const rng = new Rng(3);
  const cols = 4;
  const z = Float64Array.from({ length: 2 * cols }, () => rng.normal(0, 2));
  const a = new Float64Array(z.length);
  spec.forward(z, a, 2, cols);
  for (let r = 0; r < 2; r++) assert.ok(Math.abs(a.subarray(r * cols, (r + 1) * cols).reduce((s, v) => s + v, 0) - 1) < 1e-15);
  const g = Float64Array.from({ length: z.length }, () => rng.normal(0, 1));
  const vjp = g.slice();
  spec.backward(vjp, z, a, 2, cols);
  const h = 1e-6;
  for (let i = 0; i < z.length; i++) {
    const up = z.slice();
    const down = z.slice();
    up[i]! += h;
    down[i]! -= h;
    const au = new Float64Array(z.length);
    const ad = new Float64Array(z.length);
    spec.forward(up, au, 2, cols);
    spec.forward(down, ad, 2, cols);
    let numeric = 0;
    for (let k = 0; k < z.length; k++) numeric += (g[k]! * (au[k]! - ad[k]!)) / (2 * h);
    assert.ok(Math.abs(numeric - vjp[i]!) < 1e-8, `softmax vjp ${i}: ${vjp[i]} vs ${numeric}`);
  }
});

test('every activation: its output stays in its stated range, and the output-only ones are kept from hidden layers', () => {
  for (const name of ACTIVATIONS) {
    const spec = ACTIVATION_TABLE[name];
    const z = Float64Array.from({ length: 401 }, (_, i) => -20 + i / 10);
    const a = new Float64Array(z.length);
    spec.forward(z, a, spec.form === 'rowwise' ? 401 : 1, spec.form === 'rowwise' ? 1 : 401);
    const { low = -Infinity, high = Infinity } = spec.range;
    for (const v of a) assert.ok(v >= low && v <= high, `${name}: ${v} outside [${low}, ${high}]`);
    assert.equal(HIDDEN_ACTIVATIONS.includes(name), spec.outputOnly !== true);
  }
});

test('every activation names its PyTorch module and its ONNX nodes from x to the output', () => {
  for (const name of ACTIVATIONS) {
    const spec = ACTIVATION_TABLE[name];
    for (const opset of [13, 20]) {
      const form = spec.onnx('x', 'y', `p.${name}`, opset);
      if (name === 'linear') {
        assert.equal(form.nodes.length, 0);
        assert.equal(spec.torch.module, null);
        continue;
      }
      assert.ok(form.nodes.length >= 1);
      assert.ok(form.nodes[0]!.inputs.includes('x'), `${name}: the first node reads x`);
      assert.equal(form.nodes[form.nodes.length - 1]!.output, 'y', `${name}: the last node writes the output`);
      const known = new Set(['x', ...(form.constants ?? []).map((c) => c.name), ...form.nodes.map((n) => n.output)]);
      for (const n of form.nodes) for (const i of n.inputs) assert.ok(known.has(i), `${name}: node ${n.op} reads ${i}, which nothing writes`);
      assert.match(spec.torch.module!, /^nn\.[A-Z]\w*\(.*\)$/);
    }
  }
});

test('every loss: the gradient of its loop agrees with a central difference, and the autograd op with the loop', () => {
  const rng = new Rng(11);
  for (const name of LOSSES) {
    const spec = LOSS_TABLE[name];
    const rows = 3;
    const cols = 4;
    const y = Float64Array.from({ length: rows * cols }, () => 0.05 + 0.9 * rng.uniform());
    const t = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      if (spec.targets === 'distribution') t[r * cols + rng.int(cols)] = 1;
      else for (let j = 0; j < cols; j++) t[r * cols + j] = spec.targets === 'unit-interval' ? rng.uniform() : rng.normal(0, 1);
    }
    const g = new Float64Array(y.length);
    const E = spec.lossAndGrad(y, t, g, rows, cols);
    const h = 1e-7;
    for (let i = 0; i < y.length; i++) {
      const up = y.slice();
      const down = y.slice();
      up[i]! += h;
      down[i]! -= h;
      const numeric = (spec.lossAndGrad(up, t, new Float64Array(y.length), rows, cols) - spec.lossAndGrad(down, t, new Float64Array(y.length), rows, cols)) / (2 * h);
      assert.ok(Math.abs(numeric - g[i]!) < 1e-6 * Math.max(1, Math.abs(numeric)), `${name}: ∂E/∂y[${i}] = ${g[i]}, central difference ${numeric}`);
    }
    const yt = new Tensor(y.slice(), [rows, cols], { requiresGrad: true });
    const op = lossOp(spec, yt, new Tensor(t, [rows, cols]));
    same(op.item(), E, `${name} op value`);
    backward(op);
    for (let i = 0; i < y.length; i++) same(yt.grad!.data[i]!, g[i]!, `${name} op gradient ${i}`);
    // the per-element derivative the ledger shows is the loop's gradient times the reduction's divisor
    const count = spec.reduction === 'sum' ? 1 : spec.reduction === 'rows' ? rows : rows * cols;
    for (let i = 0; i < y.length; i++) {
      const id = spec.cas.identityAt(y[i]!, t[i]!) / count;
      assert.ok(Math.abs(id - g[i]!) < 1e-12 * Math.max(1, Math.abs(id)), `${name}: the ledger's identity ${id} ≠ ${g[i]}`);
    }
  }
});

test('every loss with a form on the logits: it equals the loss of the activated outputs, with the chain-rule gradient', () => {
  const rng = new Rng(5);
  for (const name of LOSSES) {
    const spec = LOSS_TABLE[name];
    if (spec.onLogits === undefined) continue;
    const act = ACTIVATION_TABLE[spec.onLogits.activation as keyof typeof ACTIVATION_TABLE];
    assert.ok(logitForm(name, act.name) === spec.onLogits);
    const rows = 3;
    const cols = act.form === 'rowwise' ? 4 : 2;
    const z = Float64Array.from({ length: rows * cols }, () => rng.normal(0, 2));
    const t = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      if (spec.targets === 'distribution') t[r * cols + rng.int(cols)] = 1;
      else for (let j = 0; j < cols; j++) t[r * cols + j] = rng.uniform();
    }
    const viaLogits = logitLossOp(spec, new Tensor(z.slice(), [rows, cols]), new Tensor(t, [rows, cols])).item();
    const zt = new Tensor(z.slice(), [rows, cols], { requiresGrad: true });
    const composed = lossOp(spec, activation(act, zt), new Tensor(t, [rows, cols]));
    assert.ok(Math.abs(viaLogits - composed.item()) < 1e-12, `${name}: ${viaLogits} on the logits, ${composed.item()} on the outputs`);
    backward(composed);
    const g = new Float64Array(z.length);
    spec.onLogits.lossAndGrad(z, new Float64Array(z.length), t, g, new Float64Array(rows), rows, cols);
    for (let i = 0; i < z.length; i++) assert.ok(Math.abs(g[i]! - zt.grad!.data[i]!) < 1e-10, `${name}: ∂E/∂z[${i}] ${g[i]} vs ${zt.grad!.data[i]}`);
  }
});
