// Exporting to ONNX: train a small network, write it as an ONNX file (Gemm + activation nodes,
// float32, opset 13) and, when the onnxruntime-node package is installed, run it there and compare.
// Run (it writes iris.onnx where it runs): cd scratch && npx tsx ../examples/onnx-export.ts
import { writeFileSync } from 'node:fs';
import { Adam, Rng, Sequential, fit, iris, modelFileToOnnx, noGrad, split, Tensor, toModelFile } from 'backprop';

const rng = new Rng(4);
const { train, test } = split(iris(), { train: 0.8, test: 0.2 }, rng);
const model = Sequential.mlp([4, 8, 3], { activation: 'tanh', output: 'softmax', rng });
await fit(model, train, { loss: 'cross_entropy', optimizer: new Adam(model.parameters(), { lr: 0.02 }), epochs: 60, batchSize: 16, rng });

const bytes = modelFileToOnnx(toModelFile(model, 'cross_entropy'));  // input "input" [N, 4], output "output" [N, 3]
writeFileSync('iris.onnx', bytes);
console.log(`wrote iris.onnx (${bytes.length} bytes)`);

const ours = noGrad(() => model.forward(new Tensor(test.x, [test.rows, 4]))).data;
let ort: typeof import('onnxruntime-node') | undefined;
try {
  ort = await import('onnxruntime-node');
} catch {
  console.log('onnxruntime-node is not installed (npm install onnxruntime-node) — skipping the comparison');
}
if (ort) {
  const session = await ort.InferenceSession.create(bytes);
  const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from(test.x), [test.rows, 4]) };
  const result = await session.run(feeds);
  const theirs = result[session.outputNames[0]!]!.data as Float32Array;
  let worst = 0;
  for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - theirs[i]!));
  console.log(`ONNX Runtime on ${test.rows} test flowers: largest difference from backprop ${worst.toExponential(2)}`);
}
