// The playground's modules that tests use in Node, and the library instance they share (web-module.ts
// loads this file with web/tsconfig.json, so their `backprop` is src/index.ts, the same module as `lib`).
export { TrainingRun } from '../../web/src/run.js';
export { buildData, csvColumns, lossFits } from '../../web/src/data.js';
export { blocks, buildModel, lastMasks, paramAt, readLayerState, withMasks } from '../../web/src/net.js';
export { PlayHealth } from '../../web/src/health.js';
export { modelFileText, readModelFile } from '../../web/src/model-file.js';
export { SYNTHETIC_DEFAULTS } from '../../web/src/state.js';
export { decodeState, encodeState } from '../../web/src/url.js';
export * as lib from '../../src/index.js';
export * as explainLib from '../../src/explain/index.js';
