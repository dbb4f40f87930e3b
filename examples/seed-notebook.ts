// The seed notebook (a Korean numpy + sympy notebook that computes four gradients by hand and
// stops before the hidden layer), finished with the library: forward pass, cost, every gradient
// by backpropagation, then gradient descent until the outputs reach the target.
// Run: npx tsx examples/seed-notebook.ts
import { SEED, SGD, noGrad, seedNetwork, sse, tensor } from 'backprop';

const model = seedNetwork();                 // 3 → 2 → 2, sigmoid, the notebook's weights
const x = tensor([[1, 2, 3]]);               // the notebook's input (one sample per row)
const t = tensor([[0.5, 0.1]]);              // its target
const [layer1, layer2] = model.layers;

// Forward pass: g = W1·x + b1, h = σ(g), then the output layer (the notebook's hidden_cal).
const h = layer1!.forward(x);
const y = layer2!.forward(h);
console.log('h =', h.toArray(), ' y =', y.toArray());

// Cost: E = ½·Σ(y − t)², the notebook's cost function.
const cost = sse(y, t);
console.log('E =', cost.item().toFixed(8));

// Backpropagation fills .grad of every weight and bias, hidden layer included.
cost.backward();
const dW2 = layer2!.weight.grad!.toArray() as number[][];
console.log('bw41 =', dW2[0]![0]!.toFixed(8), ' bw51 =', dW2[0]![1]!.toFixed(8));
console.log('bw42 =', dW2[1]![0]!.toFixed(8), ' bw52 =', dW2[1]![1]!.toFixed(8));
const db2 = layer2!.bias.grad!.toArray() as number[];
console.log('∂E/∂b2 =', db2.map((v) => v.toFixed(8)), ' their sum (the notebook\'s bb2) =', (db2[0]! + db2[1]!).toFixed(8));
console.log('∂E/∂W1 =', (layer1!.weight.grad!.toArray() as number[][]).map((r) => r.map((v) => v.toFixed(8))));

// Gradient descent, w ← w − η·∂E/∂w with η = 0.5, until the outputs reach the target.
const optimizer = new SGD(model.parameters(), { lr: SEED.lr });
optimizer.zeroGrad();
for (let step = 1; step <= 1000; step++) {
  sse(model.forward(x), t).backward();
  optimizer.step();
  optimizer.zeroGrad();
  if ([1, 10, 100, 1000].includes(step)) {
    const E = noGrad(() => sse(model.forward(x), t)).item();
    console.log(`after step ${step}: E = ${E.toPrecision(8)}`);
  }
}
const final = noGrad(() => model.forward(x)).toArray() as number[][];
console.log('outputs after 1000 steps:', final[0]!.map((v) => v.toFixed(6)), 'target:', SEED.target[0]);
