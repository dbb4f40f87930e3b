/**
 * Every error the library raises on purpose is a {@link BackpropError}: a stable `code` a program
 * can switch on, and a message a learner can act on — what was expected, what came, and where.
 *
 * The CLI prints `message` on one line (no stack trace) and exits with status 2.
 *
 * @example
 * ```ts
 * try { loadModel(json) } catch (e) { if (e instanceof BackpropError) console.error(e.message) }
 * ```
 */
export class BackpropError extends Error {
  /** A short machine-readable kind, e.g. `"shape"`, `"model-file"`, `"argument"`. */
  readonly code: BackpropErrorCode;
  constructor(code: BackpropErrorCode, message: string) {
    super(message);
    this.name = 'BackpropError';
    this.code = code;
  }
}

/** The kinds of {@link BackpropError}. */
export type BackpropErrorCode =
  | 'shape' // tensor shapes that do not fit together
  | 'dtype' // mixing float32 and float64, or an unknown dtype
  | 'value' // a number out of its allowed range (negative learning rate, NaN in data, …)
  | 'autograd' // misuse of backward(), gradient shape mismatch
  | 'model-file' // a model file that does not validate
  | 'data' // a data file or dataset that does not validate
  | 'argument' // a bad command-line argument or option
  | 'io' // a file that cannot be read or written
  | 'numeric' // NaN or Infinity appeared during training
  | 'unsupported'; // a valid request this library does not handle

/** Shorthand for `throw new BackpropError(code, message)` usable in expressions. */
export function fail(code: BackpropErrorCode, message: string): never {
  throw new BackpropError(code, message);
}
