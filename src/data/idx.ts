import { BackpropError } from '../errors.js';
import { allocate, type DType, type FloatArray } from '../tensor/dtype.js';
import { MAX_DATA_NUMBERS } from './blocks.js';
import { classificationDataset } from './dataset.js';
import { MAX_CLASSES } from './labels.js';
import type { Dataset } from './dataset.js';

/** The element types of IDX files: code → bytes per element. */
const TYPES: Record<number, { bytes: number; name: string }> = {
  0x08: { bytes: 1, name: 'unsigned byte' },
  0x09: { bytes: 1, name: 'signed byte' },
  0x0b: { bytes: 2, name: 'short' },
  0x0c: { bytes: 4, name: 'int' },
  0x0d: { bytes: 4, name: 'float' },
  0x0e: { bytes: 8, name: 'double' },
};

/** An IDX file read into memory: its dimensions and its numbers, row-major. */
export interface IdxArray<T extends FloatArray | Int32Array> {
  /** Dimensions, e.g. `[60000, 28, 28]` for images, `[60000]` for labels. */
  readonly shape: readonly number[];
  /** `shape[0] × shape[1] × …` numbers, row-major. */
  readonly data: T;
}

/** Options of {@link readIdx}. */
export interface IdxOptions {
  /** For error messages. */
  name?: string;
  /** The element type of the result: `'float64'`, `'float32'` or `'int32'` (labels). Default float64. */
  dtype?: DType | 'int32';
  /** A factor applied to every number (e.g. 1/255 for pixels in [0, 1]); default 1. */
  scale?: number;
  /** The most numbers the file may hold (default 2³² − 1). */
  maxNumbers?: number;
}

/**
 * Reads an IDX file (the format of MNIST, Fashion-MNIST, EMNIST, KMNIST: a 4-byte magic
 * `0 0 TYPE DIMS`, DIMS big-endian 32-bit sizes, then the numbers big-endian, row-major) streamed
 * as byte chunks — already decompressed (see `maybeGunzip`). Numbers are written straight into an
 * array of `dtype` allocated from the header; nothing else is kept.
 *
 * @throws BackpropError `data` naming the file: a bad magic, an unknown type, a file cut short or too long.
 * @example
 * ```ts
 * const images = await readIdx(chunks, { dtype: 'float32', scale: 1 / 255 }); // shape [60000, 28, 28]
 * ```
 */
export async function readIdx<D extends DType | 'int32' = 'float64'>(
  chunks: AsyncIterable<Uint8Array>,
  options: IdxOptions & { dtype?: D } = {},
): Promise<IdxArray<D extends 'int32' ? Int32Array : FloatArray>> {
  const name = options.name ?? 'IDX file';
  const scale = options.scale ?? 1;
  let header = new Uint8Array(0);
  let shape: number[] | null = null;
  let type = { bytes: 1, name: '' };
  let typeCode = 0;
  let out: FloatArray | Int32Array | null = null;
  let count = 0;
  let filled = 0;
  let partial = new Uint8Array(8);
  let partialLength = 0;
  const view = new DataView(new ArrayBuffer(8));
  for await (const chunk of chunks) {
    let buf = chunk;
    if (!shape) {
      const joined = new Uint8Array(header.length + buf.length);
      joined.set(header);
      joined.set(buf, header.length);
      if (joined.length < 4) {
        header = joined;
        continue;
      }
      if (joined[0] !== 0 || joined[1] !== 0 || !TYPES[joined[2]!] || joined[3]! < 1) {
        throw new BackpropError('data', `${name}: not an IDX file (it starts with ${Array.from(joined.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')}, expected 00 00 TYPE DIMS)`);
      }
      const dims = joined[3]!;
      if (joined.length < 4 + 4 * dims) {
        header = joined;
        continue;
      }
      typeCode = joined[2]!;
      type = TYPES[typeCode]!;
      const dv = new DataView(joined.buffer, joined.byteOffset, joined.byteLength);
      shape = Array.from({ length: dims }, (_, k) => dv.getUint32(4 + 4 * k));
      count = shape.reduce((a, b) => a * b, 1);
      if (count > (options.maxNumbers ?? MAX_DATA_NUMBERS)) {
        throw new BackpropError('data', `${name}: ${shape.join(' × ')} = ${count} numbers, more than ${options.maxNumbers ?? MAX_DATA_NUMBERS}, the limit for data read here (one array holds at most 2³² − 1, and twice the data must fit in memory)`);
      }
      out = options.dtype === 'int32' ? new Int32Array(count) : allocate(options.dtype ?? 'float64', count);
      buf = joined.subarray(4 + 4 * dims);
    }
    const o = out!;
    if (type.bytes === 1 && partialLength === 0) {
      const n = Math.min(buf.length, count - filled);
      // NOTE: TypedArray#set converts the bytes natively (47 M pixels: ~0.1 s, against ~0.7 s element by element).
      o.set(typeCode === 0x08 ? buf.subarray(0, n) : new Int8Array(buf.buffer, buf.byteOffset, n), filled);
      if (scale !== 1) for (let k = filled; k < filled + n; k++) o[k] = o[k]! * scale;
      filled += n;
      if (n < buf.length) throw tooLong(name, shape);
      continue;
    }
    for (let k = 0; k < buf.length; k++) {
      if (partialLength === 0 && partial.length !== type.bytes) partial = new Uint8Array(type.bytes);
      partial[partialLength++] = buf[k]!;
      if (partialLength < type.bytes) continue;
      if (filled >= count) throw tooLong(name, shape);
      for (let b = 0; b < type.bytes; b++) view.setUint8(b, partial[b]!);
      const v = typeCode === 0x08 ? view.getUint8(0) : typeCode === 0x09 ? view.getInt8(0) : typeCode === 0x0b ? view.getInt16(0) : typeCode === 0x0c ? view.getInt32(0) : typeCode === 0x0d ? view.getFloat32(0) : view.getFloat64(0);
      o[filled++] = v * scale;
      partialLength = 0;
    }
  }
  if (!shape) throw new BackpropError('data', `${name}: the file ends inside the IDX header (${header.length} bytes)`);
  if (filled < count || partialLength > 0) {
    throw new BackpropError('data', `${name}: the file ends after ${filled} of the ${count} numbers its header announces (${shape.join(' × ')}); is it cut short?`);
  }
  return { shape, data: out! as D extends 'int32' ? Int32Array : FloatArray };
}

function tooLong(name: string, shape: readonly number[] | null): BackpropError {
  return new BackpropError('data', `${name}: more bytes than its header announces (${shape?.join(' × ')}); is it an IDX file?`);
}

/**
 * A classification dataset from an IDX image file and its IDX label file (e.g. MNIST's
 * `train-images-idx3-ubyte` and `train-labels-idx1-ubyte`): one row per image, the image's numbers
 * flattened; classes `classNames` (default `"0"`, `"1"`, … up to the largest label).
 *
 * @throws BackpropError `data` when the counts disagree, a label is outside the classes, or the
 *   labels would make more than {@link MAX_CLASSES} classes.
 * @example
 * ```ts
 * const train = idxDataset(images, labels, { classNames: FASHION_MNIST_CLASSES, name: 'fashion-mnist-train' });
 * ```
 */
export function idxDataset(images: IdxArray<FloatArray>, labels: IdxArray<Int32Array>, options: { classNames?: readonly string[]; name?: string } = {}): Dataset {
  const rows = images.shape[0]!;
  const where = options.name ?? 'IDX data';
  if (labels.shape.length !== 1 || labels.shape[0] !== rows) {
    throw new BackpropError('data', `${where}: ${rows} images but labels of shape ${labels.shape.join(' × ')} (expected ${rows})`);
  }
  let max = 0;
  let at = 0;
  for (let i = 0; i < rows; i++) {
    if (labels.data[i]! > max) {
      max = labels.data[i]!;
      at = i;
    }
  }
  // NOTE: before a name per class is made (a label of 2·10⁹ would make 2·10⁹ of them) or a one-hot table.
  if (options.classNames === undefined && max >= MAX_CLASSES) {
    throw new BackpropError('data', `${where}: label ${max} of image ${at} would make ${max + 1} classes, more than ${MAX_CLASSES}; IDX labels are class numbers 0, 1, 2, …`);
  }
  const classNames = options.classNames ?? Array.from({ length: max + 1 }, (_, k) => String(k));
  for (let i = 0; i < rows; i++) {
    const k = labels.data[i]!;
    if (k < 0 || k >= classNames.length) throw new BackpropError('data', `${where}: label ${k} of image ${i} is not one of the ${classNames.length} classes`);
  }
  const inputSize = images.shape.slice(1).reduce((a, b) => a * b, 1);
  const featureNames = Array.from({ length: inputSize }, (_, j) => `pixel${j + 1}`);
  return classificationDataset(images.data, inputSize, labels.data, classNames, 'onehot', { featureNames, ...(options.name && { name: options.name }) });
}

/** Fashion-MNIST's ten classes, in label order. */
export const FASHION_MNIST_CLASSES: readonly string[] = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
