// The expression from micrograd's README, with its published results:
// g = 24.7041, dg/da = 138.8338, dg/db = 645.5773.
import { test } from 'node:test';
import { tensor, relu, type Tensor } from '../src/index.js';
import { assertClose } from './helpers/close.js';

test('micrograd README expression: g, a.grad and b.grad', () => {
  const a = tensor(-4.0, { requiresGrad: true });
  const b = tensor(2.0, { requiresGrad: true });
  let c: Tensor = a.add(b);
  let d: Tensor = a.mul(b).add(b.pow(3));
  c = c.add(c.add(1));
  c = c.add(c.add(1).add(a.neg()));
  d = d.add(d.mul(2).add(relu(b.add(a))));
  d = d.add(d.mul(3).add(relu(b.sub(a))));
  const e = c.sub(d);
  const f = e.pow(2);
  let g = f.div(2.0);
  g = g.add(tensor(10.0).div(f));
  g.backward();
  assertClose(g.item(), 24.7041, 'g', 0, 5e-5);
  assertClose(a.grad!.item(), 138.8338, 'a.grad', 0, 5e-5);
  assertClose(b.grad!.item(), 645.5773, 'b.grad', 0, 5e-5);
});
