// A loss the library does not ship, written with the autograd ops: the Huber loss, quadratic near
// zero and linear for large errors, so a few wild targets pull the fit less than with MSE.
// It gets its gradient for free; gradcheck confirms it against central differences.
// Run: npx tsx examples/custom-loss.ts
import { Adam, Rng, Sequential, gradcheck, minimum, mse, noGrad, rand, Tensor, tensor } from 'backprop';

/** Huber loss, mean over all elements: ½e² where |e| ≤ δ, δ(|e| − ½δ) beyond (e = y − t). */
function huber(y: Tensor, t: Tensor, delta = 1): Tensor {
  const a = y.sub(t).abs();
  const quadratic = minimum(a, delta);  // |e| capped at δ
  const linear = a.sub(quadratic);      // the part of |e| beyond δ
  return quadratic.pow(2).mul(0.5).add(linear.mul(delta)).mean();
}

// 1. The gradient autograd derives is the true one (away from the kink at |e| = δ).
const check = gradcheck((y) => huber(y, tensor([[0.2], [-0.4], [3], [-2.5]])), [tensor([[0.5], [0.1], [0.4], [0.3]], { requiresGrad: true })]);
console.log(`gradcheck: ${check.ok ? 'ok' : 'FAILED'} (largest error ${check.maxAbsError.toExponential(1)})`);

// 2. Fit y = 2x − 1 on 64 points where 8 targets are wild outliers, once with MSE, once with Huber.
const rng = new Rng(5);
const x = rand([64, 1], rng, { low: -1, high: 1 });
const clean = x.mul(2).sub(1);
const noisy = Float64Array.from(clean.data, (v, i) => (i % 8 === 0 ? v + 12 : v));
const t = new Tensor(noisy, [64, 1]);

function train(loss: (y: Tensor, t: Tensor) => Tensor): number {
  const model = Sequential.mlp([1, 1], { activation: 'linear', rng: new Rng(2) });
  const optimizer = new Adam(model.parameters(), { lr: 0.05 });
  for (let step = 0; step < 400; step++) {
    optimizer.zeroGrad();
    loss(model.forward(x), t).backward();
    optimizer.step();
  }
  const [w, b] = model.parameters().map((p) => p.data[0]!);
  console.log(`  w = ${w!.toFixed(3)}, b = ${b!.toFixed(3)}   (true line: w = 2, b = −1)`);
  return noGrad(() => mse(model.forward(x), clean)).item();
}
console.log('MSE:');
const errMse = train(mse);
console.log('Huber:');
const errHuber = train((y, t) => huber(y, t));
console.log(`error against the clean line: MSE-trained ${errMse.toFixed(4)}, Huber-trained ${errHuber.toFixed(4)}`);
