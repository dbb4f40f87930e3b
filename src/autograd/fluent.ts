import { Tensor } from '../tensor/tensor.js';
import { backward } from './engine.js';
import * as ops from './ops/index.js';

/**
 * Method forms of the ops, so expressions read like micrograd and PyTorch: `a.mul(b).add(c)`,
 * `loss.backward()`. Installed on Tensor.prototype when the library entry is imported (as the
 * chained ops of TensorFlow.js); inside the library the functional forms are used.
 */
declare module '../tensor/tensor.js' {
  interface Tensor {
    add(other: Tensor | number): Tensor;
    sub(other: Tensor | number): Tensor;
    mul(other: Tensor | number): Tensor;
    div(other: Tensor | number): Tensor;
    neg(): Tensor;
    pow(exponent: Tensor | number): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    abs(): Tensor;
    maximum(other: Tensor | number): Tensor;
    minimum(other: Tensor | number): Tensor;
    clip(min: number, max: number): Tensor;
    matmul(other: Tensor, options?: ops.MatmulOptions): Tensor;
    sum(axis?: ops.Axes, keepDims?: boolean): Tensor;
    mean(axis?: ops.Axes, keepDims?: boolean): Tensor;
    max(axis?: ops.Axes, keepDims?: boolean): Tensor;
    reshape(shape: readonly number[]): Tensor;
    transpose(axes?: readonly number[]): Tensor;
    sliceRows(start: number, end: number): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    relu(): Tensor;
    softmax(): Tensor;
    logSoftmax(): Tensor;
    /** Reverse-mode differentiation from this tensor; see {@link backward}. */
    backward(gradient?: Tensor): void;
    /** Keep `.grad` on this non-leaf tensor during backward; returns this. */
    retainGrad(): Tensor;
  }
}

const proto = Tensor.prototype;
proto.add = function (this: Tensor, o: Tensor | number) { return ops.add(this, o); };
proto.sub = function (this: Tensor, o: Tensor | number) { return ops.sub(this, o); };
proto.mul = function (this: Tensor, o: Tensor | number) { return ops.mul(this, o); };
proto.div = function (this: Tensor, o: Tensor | number) { return ops.div(this, o); };
proto.neg = function (this: Tensor) { return ops.neg(this); };
proto.pow = function (this: Tensor, e: Tensor | number) { return ops.pow(this, e); };
proto.exp = function (this: Tensor) { return ops.exp(this); };
proto.log = function (this: Tensor) { return ops.log(this); };
proto.sqrt = function (this: Tensor) { return ops.sqrt(this); };
proto.abs = function (this: Tensor) { return ops.abs(this); };
proto.maximum = function (this: Tensor, o: Tensor | number) { return ops.maximum(this, o); };
proto.minimum = function (this: Tensor, o: Tensor | number) { return ops.minimum(this, o); };
proto.clip = function (this: Tensor, lo: number, hi: number) { return ops.clip(this, lo, hi); };
proto.matmul = function (this: Tensor, o: Tensor, opt?: ops.MatmulOptions) { return ops.matmul(this, o, opt); };
proto.sum = function (this: Tensor, axis?: ops.Axes, keep?: boolean) { return ops.sum(this, axis, keep); };
proto.mean = function (this: Tensor, axis?: ops.Axes, keep?: boolean) { return ops.mean(this, axis, keep); };
proto.max = function (this: Tensor, axis?: ops.Axes, keep?: boolean) { return ops.max(this, axis, keep); };
proto.reshape = function (this: Tensor, shape: readonly number[]) { return ops.reshape(this, shape); };
proto.transpose = function (this: Tensor, axes?: readonly number[]) { return ops.transpose(this, axes); };
proto.sliceRows = function (this: Tensor, s: number, e: number) { return ops.sliceRows(this, s, e); };
proto.sigmoid = function (this: Tensor) { return ops.sigmoid(this); };
proto.tanh = function (this: Tensor) { return ops.tanh(this); };
proto.relu = function (this: Tensor) { return ops.relu(this); };
proto.softmax = function (this: Tensor) { return ops.softmax(this); };
proto.logSoftmax = function (this: Tensor) { return ops.logSoftmax(this); };
proto.backward = function (this: Tensor, g?: Tensor) { backward(this, g); };
proto.retainGrad = function (this: Tensor) { this.retainsGrad = true; return this; };
