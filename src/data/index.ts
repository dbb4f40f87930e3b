// backprop data — browser-safe datasets, readers, splits, batching, scaling and checks (re-exports only).
// Node-only readers (MNIST files, CSV files, loadData) are in ./index.node.ts.
export { makeDataset, datasetDType, classificationDataset, withTargetEncoding, encodeLabel, type Dataset, type DatasetInit, type Task, type TargetEncoding } from './dataset.js';
export { datasetFromArrays, datasetFromMatrices, readMatrix, toArrays, subset, concat, type FromArraysOptions, type Matrix } from './arrays.js';
export { circle, xor, gauss, spiral, moons, synthetic, SYNTHETIC_NAMES, SYNTHETIC_CLASSES, type SyntheticName, type SyntheticOptions } from './synthetic.js';
export { iris, IRIS_FEATURES } from './iris.js';
export { mnistSplit, mnistTrainCounts, MNIST_PIXELS, MNIST_CLASSES, MNIST_TRAIN_FRACTION } from './mnist.js';
export { parseCsv, readCsv, parseCsvRecords, csvNumber, type CsvOptions, type CsvRecord, type MissingPolicy } from './csv.js';
export { CsvScanner, parseDecimal, type CsvSink, type ScanOptions } from './csv-scan.js';
export { readIdx, idxDataset, FASHION_MNIST_CLASSES, type IdxArray, type IdxOptions } from './idx.js';
export { maybeGunzip } from './chunks.js';
export { LabelColumn, MAX_CLASSES, AUTO_CLASSES, MISSING_MARKERS, type LabelResult } from './labels.js';
export { RowBlocks, MAX_DATA_NUMBERS } from './blocks.js';
export type { DataNotice } from './notice.js';
export { parseDataJson } from './json.js';
export { split, splitIndices, splitCounts, type SplitFractions, type SplitOptions, type SplitIndices } from './split.js';
export { batches, batchCount, epochOrder, copyRows, type Batch, type BatchOptions } from './batch.js';
export { Standardizer, MinMaxScaler, scalerFromJSON, scaleDataset, type Scaler, type ScalerJSON, type StandardizeJSON, type MinMaxJSON } from './scale.js';
export { classCounts, columnStats, describeDataset, type ColumnStats } from './summary.js';
export { validateForModel, dataProblems, outputRange, type ModelShape, type OutputRange } from './validate.js';
