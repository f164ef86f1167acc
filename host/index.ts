// condnet as a library: every arrow of dataset → network → blob → engine → measurement is a
// function here, so nothing needs the CLI. Every error a user can act on is a CondnetError.

export { CondnetError } from './errors.js';
export { loadDataset, parseSyntheticSpec } from './data/source.js';
export type { Dataset } from './data/dataset.js';
export { parseCsvDataset, parseCsvFeatures } from './data/csv.js';
export { parseJsonlDataset } from './data/jsonl.js';
export { chooseQuantization, quantize, quantizeValue, inputDomain } from './data/quantize.js';
export { DataError, DatasetError } from './data/errors.js';
export { buildNetwork, CONSTRUCTIONS, type Construction, type BuildOptions } from './construct/index.js';
export { buildSearch } from './construct/search.js';
export type { Network, SearchNetwork, DenseNetwork, GraphNetwork } from './network.js';
export { writeBlob } from './format/writer.js';
export { readBlob } from './format/reader.js';
export * from './format/errors.js';
export { Engine, engineBytes } from './engine/engine.js';
export { referenceEvaluate } from './engine/reference.js';
export type { OpCounts } from './measure/counts.js';
export { evaluateRows } from './engine/evaluate-rows.js';
export { verify } from './measure/verify.js';
export { measure } from './measure/measure.js';
export { synthesize, type SynthOptions, type Synthesis } from './synth/synthesize.js';
export { prepareSynthesis } from './synth/prepare.js';
export { checkSynthesis } from './synth/check.js';
export { writeFileAtomic } from './io/atomic-write.js';
export { readModel } from './io/read-model.js';
export { runWasi, wasiPaths, type WasiRunOptions } from './wasi/run.js';
export { rowsText } from './wasi/rows.js';
export {
  runMcu, runMcuInputs, McuError, MCU_OPTS, type McuOpt, type McuOptions, type McuReport, type McuSizes,
} from './mcu/run.js';
export { ErrorCode } from '../assembly/format.js';
