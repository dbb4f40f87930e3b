// Held-out accuracy from network outputs (browser-safe: used by the Node and the browser workers).

/** Fraction of rows whose largest output is the label. */
export function accuracy(outputs: ArrayLike<number>, labels: Int32Array, classes: number): number {
  let correct = 0;
  for (let r = 0; r < labels.length; r++) {
    let best = 0;
    for (let j = 1; j < classes; j++) if (outputs[r * classes + j]! > outputs[r * classes + best]!) best = j;
    if (best === labels[r]) correct++;
  }
  return correct / labels.length;
}
