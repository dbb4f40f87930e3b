// Two interleaved spirals, the hardest of TensorFlow Playground's sets, with a picture of what the
// network learned: spiral.svg shows the decision boundary and the test points.
// Run (it writes spiral.svg where it runs): cd scratch && npx tsx ../examples/spiral.ts
import { writeFileSync } from 'node:fs';
import { Adam, Rng, Sequential, evaluate, fit, noGrad, split, synthetic, Tensor } from 'backprop';

const rng = new Rng(3);
const data = synthetic('spiral', { rng, size: 500, noise: 0 });
const { train, test } = split(data, { train: 0.8, test: 0.2 }, rng);

const model = Sequential.mlp([2, 16, 16, 2], { activation: 'tanh', output: 'softmax', rng });
const optimizer = new Adam(model.parameters(), { lr: 0.01 });
const epochs = 300;
await fit(model, train, { loss: 'cross_entropy', optimizer, epochs, batchSize: 16, rng });
const accuracy = evaluate(model, 'cross_entropy', test).classification!.accuracy;
console.log(`${epochs} epochs: test accuracy ${(100 * accuracy).toFixed(1)} %`);

// The decision boundary: the probability of class 1 on a grid covering the data.
let lo = Infinity;
let hi = -Infinity;
for (const v of data.x) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
[lo, hi] = [lo - 0.5, hi + 0.5];
const cells = 60;
const size = 360;
const grid = new Float64Array(cells * cells * 2);
for (let i = 0; i < cells; i++) {
  for (let j = 0; j < cells; j++) {
    grid[2 * (i * cells + j)] = lo + ((j + 0.5) / cells) * (hi - lo);      // x₁ left → right
    grid[2 * (i * cells + j) + 1] = hi - ((i + 0.5) / cells) * (hi - lo);  // x₂ top → bottom
  }
}
const p = noGrad(() => model.forward(new Tensor(grid, [cells * cells, 2]))).data;
const cell = size / cells;
const px = (v: number): number => ((v - lo) / (hi - lo)) * size;
const py = (v: number): number => ((hi - v) / (hi - lo)) * size;
const colour = (q: number): string => `rgb(${Math.round(245 - 180 * q)},${Math.round(160 + 20 * q)},${Math.round(60 + 180 * q)})`;
const parts: string[] = [];
for (let i = 0; i < cells * cells; i++) {
  const q = p[2 * i + 1]!;
  parts.push(`<rect x="${((i % cells) * cell).toFixed(1)}" y="${(Math.floor(i / cells) * cell).toFixed(1)}" width="${cell.toFixed(2)}" height="${cell.toFixed(2)}" fill="${colour(q)}" fill-opacity="0.55"/>`);
}
for (let r = 0; r < test.rows; r++) {
  const fill = test.labels![r] === 1 ? '#1f6fb4' : '#e0701a';
  parts.push(`<circle cx="${px(test.x[2 * r]!).toFixed(1)}" cy="${py(test.x[2 * r + 1]!).toFixed(1)}" r="3.5" fill="${fill}" stroke="white" stroke-width="1"/>`);
}
const title = `spiral: 2-16-16-2 tanh/softmax, test accuracy ${(100 * accuracy).toFixed(1)} %`;
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size + 24}" viewBox="0 0 ${size} ${size + 24}" role="img" aria-label="${title}">
<title>${title}</title>
<g transform="translate(0,24)">${parts.join('')}</g>
<text x="6" y="16" font-family="sans-serif" font-size="12">${title}</text>
</svg>
`;
writeFileSync('spiral.svg', svg);
console.log(`wrote spiral.svg (${cells}×${cells} decision boundary, ${test.rows} test points)`);
