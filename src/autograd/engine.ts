import { BackpropError } from '../errors.js';
import { shapeToString, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { GradNode, noGrad } from './node.js';

/**
 * Reverse-mode differentiation from `root`: fills `.grad` of every leaf tensor that requires grad
 * (and of non-leaves marked `retainsGrad`) with ∂root/∂tensor, adding into any gradient already
 * there. The order is a reverse topological walk built iteratively (deep graphs do not overflow the
 * stack; a tensor used twice gets the sum of both paths). Afterwards the graph is released.
 *
 * @param root a one-element tensor (the loss), or any tensor when `gradient` is given.
 * @param gradient ∂L/∂root, same shape as root; default 1 for a one-element root.
 *
 * @example
 * ```ts
 * const loss = sse(model.forward(x), t);
 * backward(loss);            // or loss.backward()
 * model.layers[0].weight.grad;
 * ```
 */
export function backward(root: Tensor, gradient?: Tensor): void {
  if (root.graphReleased) {
    throw new BackpropError('autograd', 'backward(): the graph of this tensor was already released by an earlier backward(); run the forward pass again');
  }
  if (!root.requiresGrad) {
    throw new BackpropError('autograd', 'backward(): this tensor does not require grad (no parameter with requiresGrad took part in computing it, or it was computed inside noGrad)');
  }
  let seed: Tensor;
  if (gradient === undefined) {
    if (root.size !== 1) {
      throw new BackpropError('autograd', `backward(): a gradient is needed for a non-scalar root of shape ${shapeToString(root.shape)}; reduce it to one number (e.g. sum or a loss) first`);
    }
    seed = new Tensor(root.data.slice().fill(1), root.shape);
  } else {
    if (!sameShape(gradient.shape, root.shape)) {
      throw new BackpropError('autograd', `backward(): gradient of shape ${shapeToString(gradient.shape)} does not match the root of shape ${shapeToString(root.shape)}`);
    }
    seed = gradient;
  }

  const order = topologicalOrder(root);
  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  noGrad(() => {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const g = grads.get(t);
      if (g === undefined) continue;
      grads.delete(t);
      const node = t.gradFn as GradNode | null;
      if (node === null || t.retainsGrad) accumulate(t, g);
      if (node === null || node.backward === null) continue;
      const inputGrads = node.backward(g);
      for (let k = 0; k < node.inputs.length; k++) {
        const input = node.inputs[k]!;
        const ig = inputGrads[k];
        if (ig === null || ig === undefined || !input.requiresGrad) continue;
        if (!sameShape(ig.shape, input.shape)) {
          throw new BackpropError(
            'autograd',
            `${node.op}: the gradient of input '${node.inputNames[k]}' has shape ${shapeToString(ig.shape)}, which does not match the shape of the input ${shapeToString(input.shape)}`,
          );
        }
        const prev = grads.get(input);
        grads.set(input, prev === undefined ? ig : addInto(prev.clone(), ig));
      }
    }
  });
  for (const t of order) {
    const node = t.gradFn as GradNode | null;
    if (node !== null) {
      node.release();
      t.gradFn = null;
      t.graphReleased = true;
    }
  }
}

/** Every tensor that requires grad reachable from `root`, inputs before the ops that use them. */
export function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: Tensor[] = [root];
  const next: number[] = [0];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack.length - 1;
    const t = stack[top]!;
    const inputs = t.gradFn === null ? [] : t.gradFn.inputs;
    const i = next[top]!;
    if (i < inputs.length) {
      next[top] = i + 1;
      const child = inputs[i]!;
      if (child.requiresGrad && !visited.has(child)) {
        visited.add(child);
        stack.push(child);
        next.push(0);
      }
    } else {
      order.push(t);
      stack.pop();
      next.pop();
    }
  }
  return order;
}

function accumulate(t: Tensor, g: Tensor): void {
  if (g.dtype !== t.dtype) {
    throw new BackpropError('autograd', `backward(): gradient dtype ${g.dtype} does not match tensor dtype ${t.dtype}`);
  }
  if (t.grad === null) t.grad = new Tensor(g.data.slice(), t.shape);
  else addInto(t.grad, g);
}

function addInto(target: Tensor, g: Tensor): Tensor {
  const a = target.data;
  const b = g.data;
  for (let i = 0; i < a.length; i++) a[i]! += b[i]!;
  return target;
}
