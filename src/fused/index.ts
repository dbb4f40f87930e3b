// The fused dense-stack path: training steps for Sequential/Dense models without the autograd graph.
export { FusedDenseStack, canFuse, whyNotFused, type FusedOptions } from './stack.js';
export { FusedGradientEngine, fusedEngine, type TensorGradientEngine } from './engine.js';
