/** A flat buffer of floats: the storage of every tensor. */
export type FloatArray = Float64Array | Float32Array;
