// NOTE: the limits live in nn/size.ts (Sequential.mlp and Dense.create check them too); files re-export them.
export { MAX_LAYERS, MAX_PARAMETERS } from '../nn/size.js';
