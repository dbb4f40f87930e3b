// backprop data, Node-only additions: readers of files (MNIST package files, CSV files) and the CLI's loadData.
export * from './index.js';
export { loadMnist, readMnistDigits } from './mnist.node.js';
export { readCsvFile } from './csv.node.js';
export { loadData, dataLimit, DATA_NAMES, IDX_SETS, isCsvPath, type LoadDataOptions, type LoadedData } from './load.node.js';
export { fileChunks } from './files.node.js';
