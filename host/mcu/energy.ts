// Energy per inference on the emulated Cortex-M4 (docs/ENERGY.md, "On the device"): the exact
// instruction counts of a `condnet mcu` run priced by a device model (energy/cortex-m4-*.json:
// a datasheet's current per MHz at its supply, and an assumed CPI), beside the 45 nm estimate of
// the same inferences from the engine's DESIGN §2 counts.
//
// `measure` and `report` have no instruction counts of their own (they never run the device), so
// they take a saved `condnet mcu --json` result (`--mcu FILE`) and check that it measured the
// same model file (SHA-256) on the same inputs; without one they say a device run is needed.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Dataset } from '../data/dataset.js';
import { sliceDataset } from '../data/dataset.js';
import { CondnetError } from '../errors.js';
import {
  deviceEnergyOf, summarizeEnergy, type DeviceEnergyModel, type EnergyModel, type EnergyReport,
} from '../measure/energy.js';
import { countDataset } from '../measure/measure.js';
import { stats, type Stats } from '../measure/stats.js';
import { MCU_OPTS, type McuReport } from './run.js';

/** Energy per inference on the device, from one run's instruction counts. */
export interface DeviceEnergyReport {
  /** The device model's name and file. */
  model: string;
  file: string;
  unit: 'pJ';
  core: string;
  part: string;
  /** The datasheet figures (sourced) and the two the model derives or assumes. */
  supplyV: number;
  currentUAPerMHz: number;
  pJPerCycle: number;
  cyclesPerInstruction: number;
  /** The citation of the current figure. */
  source: string;
  /** The run the instructions come from. */
  run: { dataset: string; inputs: number; opt: string; target: string; instructions: Stats };
  /** pJ per inference = instructions × CPI × pJPerCycle, min / mean / max over the run's inputs. */
  perInference: Stats;
}

/** What `condnet mcu` adds to its report: the device energy, and the 45 nm estimate (the
 *  operations model) of the same inputs when the model could be counted in Node. */
export interface McuEnergy {
  device: DeviceEnergyReport;
  operations?: EnergyReport;
  /** Why `operations` is absent (the model or an input could not be counted in Node). */
  operationsSkipped?: string;
}

/** A device model prices instructions of its own core only. */
function checkCore(model: DeviceEnergyModel, target: string): void {
  if (!target.includes(model.core)) {
    throw new CondnetError(`energy model ${model.name} prices ${model.core} instructions; the run was on ${target}`);
  }
}

/** The device energy of a run (every input's instruction count). */
export function deviceEnergyReport(model: DeviceEnergyModel, run: Pick<McuReport, 'dataset' | 'inputs' | 'opt' | 'target' | 'instructions'>): DeviceEnergyReport {
  checkCore(model, run.target);
  const per = run.instructions.perInput;
  const pJ = new Float64Array(per.length);
  for (let i = 0; i < per.length; i++) pJ[i] = deviceEnergyOf(model, per[i]);
  return {
    model: model.name, file: model.file, unit: 'pJ', core: model.core, part: model.part,
    supplyV: model.supply.value, currentUAPerMHz: model.currentPerMHz.value,
    pJPerCycle: model.pJPerCycle.value, cyclesPerInstruction: model.cyclesPerInstruction.value,
    source: model.sources[model.currentPerMHz.source],
    run: {
      dataset: run.dataset, inputs: run.inputs, opt: run.opt, target: run.target,
      instructions: { min: run.instructions.min, mean: run.instructions.mean, max: run.instructions.max },
    },
    perInference: stats(pJ),
  };
}

/** The 45 nm estimate (an operations model) of the inputs a run used: the engine's counting
 *  build in Node on the same rows (the first `limit` when the run had one). */
export function operationsEnergyFor(blob: Uint8Array, ds: Dataset, model: EnergyModel, limit?: number): EnergyReport {
  const rows = limit !== undefined && limit < ds.n ? sliceDataset(ds, 0, limit) : ds;
  return summarizeEnergy(model, countDataset(blob, rows).counts, blob.length);
}

/** SHA-256 (hex) of a model file's bytes: how a saved `mcu --json` names what it measured. */
export function modelSha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** pJ in the unit that keeps 1–999 before the point (pJ, nJ, µJ, mJ). */
export function formatEnergy(pJ: number, digits = 2): string {
  const units: [number, string][] = [[1e9, 'mJ'], [1e6, 'µJ'], [1e3, 'nJ'], [1, 'pJ']];
  const [scale, unit] = units.find(([s]) => Math.abs(pJ) >= s) ?? [1, 'pJ'];
  return `${(pJ / scale).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${unit}`;
}

/** The device energy lines of `mcu`, `measure --mcu` and the report's text. */
export function deviceEnergyText(e: DeviceEnergyReport): string {
  const p = e.perInference;
  return `energy per inference on the device (${e.model}; derived, docs/ENERGY.md): mean ${formatEnergy(p.mean)}, min ${formatEnergy(p.min)}, max ${formatEnergy(p.max)}\n` +
    `  = instructions × CPI ${e.cyclesPerInstruction} (assumed: QEMU counts instructions, not cycles) × ${e.pJPerCycle} pJ per cycle ` +
    `(${e.currentUAPerMHz} µA/MHz × ${e.supplyV} V, ${e.part}, its datasheet's active current)\n`;
}

/** The operations model's line beside it (the same inferences, 45 nm). */
export function operationsEnergyLine(e: EnergyReport): string {
  return `45 nm estimate of the same inferences (${e.model}: the engine's operations and blob reads only, docs/ENERGY.md): ` +
    `mean ${formatEnergy(e.integer.total.mean)}, max ${formatEnergy(e.integer.total.max)} (integer)\n`;
}

/** The part of an `mcu --json` result that `measure --mcu` and `report --mcu` read. */
export type McuResult = Pick<McuReport, 'model' | 'dataset' | 'kind' | 'inputs' | 'target' | 'opt' | 'instructions'> & { modelSha256: string };

/** Read and check a saved `condnet mcu --json` result: the fields used, well-formed. */
export function readMcuResult(path: string): McuResult {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CondnetError(`--mcu ${path}: ${code ? `cannot read (${code})` : `not valid JSON: ${(e as Error).message}`}`);
  }
  const fail = (what: string): never => { throw new CondnetError(`--mcu ${path}: ${what} (expected the output of condnet mcu … --json)`); };
  const o = raw as Record<string, unknown>;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('not a JSON object');
  for (const k of ['model', 'dataset', 'kind', 'target', 'opt'] as const) if (typeof o[k] !== 'string') fail(`no string "${k}"`);
  if (!(MCU_OPTS as readonly string[]).includes(o.opt as string)) fail(`"opt" must be one of ${MCU_OPTS.join(', ')}`);
  if (typeof o.inputs !== 'number' || !Number.isSafeInteger(o.inputs) || o.inputs < 1) fail('no positive integer "inputs"');
  if (typeof o.modelSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(o.modelSha256)) {
    fail('no "modelSha256" (a result written before condnet mcu recorded it: run condnet mcu again)');
  }
  const ins = o.instructions as Record<string, unknown> | undefined;
  const per = ins?.perInput;
  if (!Array.isArray(per) || per.length !== o.inputs || per.some((v) => typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)) {
    fail('"instructions.perInput" must hold one non-negative integer per input');
  }
  const s = stats(per as number[]);
  return {
    model: o.model as string, dataset: o.dataset as string, kind: o.kind as string, inputs: o.inputs as number,
    target: o.target as string, opt: o.opt as McuReport['opt'], modelSha256: o.modelSha256 as string,
    instructions: { ...s, calibration: typeof ins?.calibration === 'number' ? ins.calibration : NaN, perInput: per as number[] },
  };
}

/** The saved run must be of this model file on these inputs, or its energy is not this model's. */
export function checkMcuResult(r: McuResult, path: string, modelBytes: Uint8Array, modelName: string, ds: Dataset): void {
  if (r.modelSha256 !== modelSha256(modelBytes)) {
    throw new CondnetError(`--mcu ${path} measured another model file (${r.model}, SHA-256 ${r.modelSha256.slice(0, 12)}…) than ${modelName}`);
  }
  if (r.dataset !== ds.name || r.inputs !== ds.n) {
    throw new CondnetError(`--mcu ${path} ran ${r.inputs} inputs of ${r.dataset}; this command measures ${ds.n} of ${ds.name}: run condnet mcu on the same dataset`);
  }
}
