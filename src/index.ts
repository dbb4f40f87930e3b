/**
 * `backprop` — the browser-safe public API: tensors, autograd, layers, losses, optimizers, `fit`,
 * datasets, the model file, safetensors and ONNX. Re-exports only; Node-only parts are in `backprop/node`,
 * the ledger in `backprop/explain`.
 *
 * @module backprop
 */
import './autograd/fluent.js';

export { BackpropError, type BackpropErrorCode } from './errors.js';

export { Tensor, type NestedArray, type NestedInput } from './tensor/tensor.js';
export { tensor, zeros, ones, full, randn, rand, fromData, type TensorOptions } from './tensor/create.js';
export { Rng, seedStream } from './tensor/rng.js';
export { type DType, type FloatArray } from './tensor/dtype.js';
export { type Shape } from './tensor/shape.js';
export { formatNumber } from './tensor/format.js';

export { backward } from './autograd/engine.js';
export { noGrad, isGradEnabled, liveNodeCount } from './autograd/node.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult } from './autograd/gradcheck.js';
export {
  add, sub, mul, div, neg, pow, exp, log, sqrt, abs, maximum, minimum, clip,
  matmul, sum, mean, max, reshape, transpose, sliceRows, gatherRows,
  sigmoid, tanh, relu, leakyRelu, elu, gelu, softplus, softmax, logSoftmax,
  sse, mse, crossEntropy, softmaxCrossEntropy, bce, sigmoidBinaryCrossEntropy,
  type MatmulOptions, type Axes,
} from './autograd/ops/index.js';
export { erf } from './kernels/erf.js';

export { Module } from './nn/module.js';
export { Layer } from './nn/layer.js';
export { isLayerKind, type AnyLayer, type LayerKindName, type LayerOfKind } from './nn/layer-kinds.js';
export { Dense, type DenseOptions } from './nn/dense.js';
export { Sequential, type MlpOptions, type MlpBlockOptions } from './nn/sequential.js';
export { Activation } from './nn/activation-layer.js';
export { BatchNorm1d, type BatchNormOptions } from './nn/batch-norm.js';
export { LayerNorm, type LayerNormOptions } from './nn/layer-norm.js';
export { Dropout, type DropoutOptions } from './nn/dropout.js';
export { PENALTIES, PENALTY_TABLE, penaltyTerm, type Penalty, type PenaltyName, type PenaltySpec } from './nn/penalty.js';
export { batchNorm, layerNorm, dropout, moments, type Moments } from './autograd/ops/norm.js';
export { MAX_PARAMETERS, MAX_LAYERS, INLINE_PARAMETERS, parameterCount, checkNetworkSize, trainingBytes, type TrainingFootprint } from './nn/size.js';
export {
  ACTIVATIONS, ACTIVATION_FORMULAS, ACTIVATION_TABLE, HIDDEN_ACTIVATIONS, activate, activationSpec,
  type ActivationName, type ActivationSpec,
} from './nn/activations.js';
export { INITIALIZERS, initialize, type InitializerName } from './nn/init.js';
export {
  LOSSES, LOSS_FORMULAS, LOSS_TABLE, lossOf, lossFromLogits, modelLoss, isFused, logitForm, lossSpec,
  type LossName, type LossSpec,
} from './nn/losses.js';
export { SEED, seedNetwork } from './nn/seed.js';

export { Optimizer, type OptimizerName, type OptimizerState } from './optim/optimizer.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export { RMSprop, type RMSpropOptions } from './optim/rmsprop.js';
export { Adam, type AdamOptions } from './optim/adam.js';
export { AdamW } from './optim/adamw.js';
export { OPTIMIZERS, createOptimizer, type OptimizerSettings } from './optim/create.js';

export {
  parseModelFile, toModelFile, preprocessingOf, parseJsonText,
  type ModelFile, type DenseLayerFile, type LoadedModel, type PreprocessingFile, type ScalerFile,
} from './io/model-file.js';
export {
  decodeSafetensors, encodeSafetensors,
  type SafetensorsDtype, type SafetensorsTensor, type SafetensorsFile, type SafetensorsReadOptions,
} from './io/safetensors.js';
export {
  modelFileToSafetensors, safetensorsToModelFile, stateDictToModelFile, modelFileToStateDict, parseModelSpec, linearIndices,
  type ModelSpec, type StateDictWriteOptions,
} from './io/state-dict.js';
export { modelFileToOnnx, type OnnxExportOptions } from './io/onnx.js';

export { type Dataset, datasetDType } from './data/dataset.js';
export { synthetic, SYNTHETIC_NAMES, type SyntheticName } from './data/synthetic.js';
export { split, splitIndices, type SplitFractions, type SplitOptions, type SplitIndices } from './data/split.js';
export { parseCsv, readCsv, parseCsvRecords, type CsvOptions, type CsvRecord, type MissingPolicy } from './data/csv.js';
export { readIdx, idxDataset, FASHION_MNIST_CLASSES, type IdxArray, type IdxOptions } from './data/idx.js';
export type { DataNotice } from './data/notice.js';
export { datasetFromArrays, toArrays, type FromArraysOptions } from './data/arrays.js';
export { iris, IRIS_FEATURES } from './data/iris.js';
export { mnistSplit, MNIST_PIXELS, MNIST_CLASSES } from './data/mnist.js';
export { Standardizer, MinMaxScaler, scaleDataset, type Scaler } from './data/scale.js';
export { encodeFor, encodingFor, type TargetEncoding, type Task } from './data/dataset.js';

export { fit, type FitOptions } from './train/fit.js';
export { Trainer, type TrainerOptions, type TrainerPosition } from './train/trainer.js';
export { forwardTrace, recordForward, type LayerTrace, type RecordedLayer, type RecordedPass } from './nn/trace.js';
export { type LayerValues } from './nn/layer.js';
export { AutogradEngine, autogradEngine, type GradientEngine, type EngineFactory, type StepTrace, type LayerStepValues } from './train/engine.js';
export {
  evaluate, predictLabels, classificationMetrics, regressionMetrics, toTensorData,
  type Metrics, type ClassificationMetrics, type RegressionMetrics, type TensorData,
} from './train/metrics.js';
export { History, METRIC_NAMES, metricMode, type EpochLogs, type MetricName } from './train/history.js';
export { type Callback, type TrainContext, type BatchLogs, type FitResult } from './train/callbacks.js';
export { EarlyStopping, type EarlyStoppingOptions } from './train/early-stopping.js';
export {
  stepSchedule, exponentialSchedule, cosineSchedule, plateauSchedule, parseSchedule, SCHEDULE_SYNTAX,
  type LrSchedule, type PlateauOptions,
} from './train/schedules.js';
export { clipGradNorm, gradNorm } from './train/clip.js';
export { TrainingDivergedError, describeDiagnosis, type Diagnosis } from './train/diagnose.js';
export { DivergenceCheck, divergenceCallback, describeDivergence, type Divergence, type DivergenceOptions } from './train/divergence.js';
export { checkpointCallback, serializeCheckpoint, parseCheckpoint, CHECKPOINT_FILE, type CheckpointOptions } from './train/checkpoint.js';
export { parseTrainingState, type TrainingState, type EarlyStoppingState } from './train/state.js';
export { historySvg, defaultPanels, niceTicks, type PlotPanel } from './train/plot-svg.js';
export {
  HealthMonitor, examineModel, measureLayers, snapshotParameters, healthBaseline, describeHealth, formatHealth, healthMessage, healthPanels, healthTable,
  HEALTH_CODES, HEALTH_THRESHOLDS,
  type HealthOptions, type HealthRun, type HealthStep, type ModelHealth, type ExamineOptions, type LayerHealth, type Histogram, type MeasureOptions,
  type HealthBaseline, type HealthCheck, type HealthCode, type HealthDiagnosis, type HealthSymptom, type EpochHealth, type HealthLang, type HealthWords,
} from './train/health/index.js';
export { trainEpoch, evaluateLoss } from './train/epoch.js';

// Notebook displays: every object shows itself (Symbol.for('Jupyter.display')); `view` for options;
// the representations are pure functions, for any front end.
export { view, show, View, type ViewOptions } from './display/view.js';
export { JUPYTER_DISPLAY, type MediaBundle, type Displayable } from './display/protocol.js';
export { liveProgress, progressBundle, type ProgressState } from './display/progress.js';
export { type DisplayFn } from './display/jupyter.js';
export { tensorBundle, tensorHtml, type TensorViewOptions } from './display/tensor.js';
export { modelBundle, modelSummary, type LayerSummary } from './display/model.js';
export { networkSvg, type NetworkViewOptions } from './display/network.js';
export { historyBundle } from './display/history.js';
export { datasetBundle, scatterSvg, type DatasetViewOptions } from './display/dataset.js';
export { metricsBundle } from './display/metrics.js';
export { alignedNumbers } from './display/numbers.js';

// Speed: why a model trains without the fused path (src/fused/README.md), and the kernel set.
export { whyNotFused } from './fused/stack.js';

// Parameter names (`W2[0][0]`, `b1[1]`, the seed notebook's `w41`), as the ledger and `--param` read them.
export { parseParamName, notebookWeightName, type ParamSelector } from './explain/names.js';
export { initKernels, kernelInfo, shutdownKernels, type KernelInfo, type KernelOptions } from './kernels/kernel-state.js';
export { WasmArena, WasmArray, type ArenaDtype } from './kernels/wasm-arena.js';
