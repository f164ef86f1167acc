// Energy estimates (DESIGN §7): versioned model files under energy/ (every figure with its
// source, derived figures marked) and the rules that turn one input's DESIGN §2 counts into pJ.
// The rules, stated so that any figure can be recomputed by hand (docs/ENERGY.md):
//   integer arithmetic = (wordOps / ops) · (mul·E[rules.integer.mul] + add·E[rules.integer.add] + cmp·E[rules.integer.cmp])
//                        with ops = mul + add + cmp (0 when ops = 0): every operation costs its
//                        32-bit figure once per 32-bit word, words spread evenly over the ops;
//   float32 arithmetic = mul·E[rules.float32.mul] + add·E[rules.float32.add] + cmp·E[rules.float32.cmp];
//   memory (both)      = (loads / bytesPerRead) · pJPer64BitRead of the smallest memory class
//                        whose maxBytes ≥ modelBytes (the last class, maxBytes null, beyond) —
//                        fractional reads, no rounding.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CondnetError } from '../errors.js';
import { energyPerInput, zeroCounts, type EnergyColumns, type OpCountColumns, type OpCounts } from './counts.js';
import { stats, type Stats } from './stats.js';

/** Where the built-in models live: energy/<name>.json at the package root. */
export const ENERGY_DIR = fileURLToPath(new URL('../../../energy/', import.meta.url));
export const DEFAULT_ENERGY_MODEL = 'horowitz-45nm';
/** The built-in device model: a Cortex-M4 part's datasheet current per MHz (docs/ENERGY.md). */
export const DEFAULT_DEVICE_ENERGY_MODEL = 'cortex-m4-pic32cx-sg';

export interface EnergyFigure {
  value: number;
  unit: 'pJ';
  /** A key of EnergyModel.sources. */
  source: string;
  what?: string;
  /** Not a number printed in the source: computed from figures that are (see `how`). */
  derived?: boolean;
  how?: string;
}

export interface MemoryClass {
  name: string;
  /** Largest model (bytes) this class holds; null: everything (the last class). */
  maxBytes: number | null;
  pJPer64BitRead: number;
  source: string;
  what?: string;
  derived?: boolean;
  how?: string;
}

export interface ArithmeticRule {
  /** Keys of EnergyModel.operations. */
  mul: string;
  add: string;
  cmp: string;
  /** Scale by wordOps / ops (the integer side); false: one figure per operation. */
  perWord: boolean;
}

/** A parsed, validated energy model file (energy/*.json, "version": 1). */
export interface EnergyModel {
  version: 1;
  name: string;
  description: string;
  /** The file it was read from. */
  file: string;
  unit: 'pJ';
  sources: Record<string, string>;
  operations: Record<string, EnergyFigure>;
  /** Increasing maxBytes; only the last may be null. */
  memory: MemoryClass[];
  rules: { integer: ArithmeticRule; float32: ArithmeticRule; bytesPerRead: number };
}

export class EnergyModelError extends CondnetError {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'EnergyModelError';
  }

  /** `file` may be a bare built-in name ("no-such-model: …"): say what it was meant to be. */
  override get userMessage(): string {
    return `energy model ${this.message}`;
  }
}

/** The two kinds of model file: "operations" (DESIGN §2 counts priced per operation and per
 *  byte read, like horowitz-45nm; a file without "kind" is one) and "device" (a whole
 *  microcontroller's energy per clock cycle from a datasheet, priced per instruction counted on
 *  the emulated core: docs/ENERGY.md, "On the device"). */
export type EnergyModelKind = 'operations' | 'device';

function kindOf(raw: unknown): EnergyModelKind | string {
  const k = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>).kind : undefined;
  return k === undefined ? 'operations' : typeof k === 'string' ? k : JSON.stringify(k);
}

/** Names of the built-in models (energy/*.json), of one kind when `kind` is given. */
export function builtinEnergyModels(kind?: EnergyModelKind): string[] {
  let names: string[];
  try {
    names = readdirSync(ENERGY_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  } catch {
    return [];
  }
  if (kind === undefined) return names;
  return names.filter((n) => {
    try {
      return kindOf(JSON.parse(readFileSync(`${ENERGY_DIR}${n}.json`, 'utf8'))) === kind;
    } catch {
      return false;
    }
  });
}

/** The one reader of energy model files: a built-in name (a file energy/<name>.json) or a path
 *  to a JSON file, checked against the schema of its "kind"; clear error (file + what is
 *  wrong) on bad input. Callers that need one kind use loadEnergyModel / loadDeviceEnergyModel. */
export function loadAnyEnergyModel(nameOrFile: string, want?: EnergyModelKind): EnergyModel | DeviceEnergyModel {
  const builtin = /^[A-Za-z0-9._-]+$/.test(nameOrFile) && !nameOrFile.endsWith('.json')
    ? `${ENERGY_DIR}${nameOrFile}.json` : null;
  let file: string;
  if (builtin !== null && existsSync(builtin)) file = builtin;
  else if (existsSync(nameOrFile)) file = nameOrFile;
  else {
    const known = builtinEnergyModels(want);
    throw new EnergyModelError(nameOrFile, `neither a built-in ${want === 'device' ? 'device ' : ''}model (${known.length ? known.join(', ') : 'none found'}) nor an existing file`);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new EnergyModelError(file, `cannot read: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new EnergyModelError(file, `not valid JSON: ${(e as Error).message}`);
  }
  const kind = kindOf(raw);
  if (kind !== 'operations' && kind !== 'device') {
    throw new EnergyModelError(file, `"kind" must be "operations" (the default) or "device" (got ${JSON.stringify(kind)})`);
  }
  if (want !== undefined && kind !== want) {
    throw new EnergyModelError(file, want === 'device'
      ? `is an operations model (pJ per DESIGN §2 operation and byte read); a device model (pJ per cycle of a datasheet part, "kind": "device") is needed here, e.g. ${builtinEnergyModels('device').join(', ') || 'none found'}`
      : `is a device model (pJ per cycle of a datasheet part, priced per instruction of a Cortex-M4 run: condnet mcu, or --mcu with measure and report); an operations model is needed here, e.g. ${builtinEnergyModels('operations').join(', ') || 'none found'}`);
  }
  return kind === 'device' ? validateDeviceEnergyModel(raw, file) : validateEnergyModel(raw, file);
}

/** An operations model (DESIGN §2 counts → pJ): a built-in name or a JSON file. */
export function loadEnergyModel(nameOrFile: string): EnergyModel {
  return loadAnyEnergyModel(nameOrFile, 'operations') as EnergyModel;
}

/** A device model (instructions on the emulated Cortex-M4 → pJ): a built-in name or a JSON file. */
export function loadDeviceEnergyModel(nameOrFile: string): DeviceEnergyModel {
  return loadAnyEnergyModel(nameOrFile, 'device') as DeviceEnergyModel;
}

/** The checks both schemas share: a failure names the file, objects, non-empty strings. */
function schemaChecks(file: string) {
  const fail = (msg: string): never => { throw new EnergyModelError(file, msg); };
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const str = (o: Record<string, unknown>, k: string, where: string): string => {
    const v = o[k];
    if (typeof v !== 'string' || v.trim() === '') fail(`${where}.${k} must be a non-empty string`);
    return v as string;
  };
  return { fail, isObj, str };
}

/** Check a parsed JSON value against the model schema (version 1). */
export function validateEnergyModel(raw: unknown, file: string): EnergyModel {
  const { fail, isObj, str } = schemaChecks(file);
  const nonNeg = (v: unknown, where: string): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(`${where} must be a finite number ≥ 0 (got ${JSON.stringify(v)})`);
    return v as number;
  };
  if (!isObj(raw)) return fail('the model must be a JSON object');
  if (raw.version !== 1) fail(`"version" must be 1 (got ${JSON.stringify(raw.version)}); this condnet reads version 1 only`);
  const name = str(raw, 'name', 'model');
  const description = str(raw, 'description', 'model');
  if (raw.unit !== undefined && raw.unit !== 'pJ') fail(`"unit" must be "pJ" (got ${JSON.stringify(raw.unit)})`);
  if (!isObj(raw.sources) || Object.keys(raw.sources).length === 0) fail('"sources" must be an object of citations, at least one');
  const sources: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw.sources as Record<string, unknown>)) {
    if (typeof v !== 'string' || v.trim() === '') fail(`sources.${k} must be a non-empty citation string`);
    sources[k] = v as string;
  }
  const provenance = (o: Record<string, unknown>, where: string) => {
    const source = str(o, 'source', where);
    if (!(source in sources)) fail(`${where}.source "${source}" is not one of "sources" (${Object.keys(sources).join(', ')})`);
    if (o.derived !== undefined && typeof o.derived !== 'boolean') fail(`${where}.derived must be true or false`);
    if (o.derived === true) str(o, 'how', `${where} (derived)`);
    if (o.what !== undefined && typeof o.what !== 'string') fail(`${where}.what must be a string`);
    return {
      source,
      ...(typeof o.what === 'string' ? { what: o.what } : {}),
      ...(o.derived === true ? { derived: true, how: o.how as string } : {}),
    };
  };
  if (!isObj(raw.operations)) fail('"operations" must be an object of figures');
  const operations: Record<string, EnergyFigure> = {};
  for (const [k, v] of Object.entries(raw.operations as Record<string, unknown>)) {
    const where = `operations.${k}`;
    if (!isObj(v)) fail(`${where} must be an object { value, unit, source }`);
    const o = v as Record<string, unknown>;
    const value = nonNeg(o.value, `${where}.value`);
    if (o.unit !== 'pJ') fail(`${where}.unit must be "pJ" (got ${JSON.stringify(o.unit)})`);
    operations[k] = { value, unit: 'pJ', ...provenance(o, where) };
  }
  if (!Array.isArray(raw.memory) || raw.memory.length === 0) fail('"memory" must be a non-empty array of memory classes');
  const memory: MemoryClass[] = [];
  (raw.memory as unknown[]).forEach((v, i) => {
    const where = `memory[${i}]`;
    if (!isObj(v)) fail(`${where} must be an object { name, maxBytes, pJPer64BitRead, source }`);
    const o = v as Record<string, unknown>;
    const cls = str(o, 'name', where);
    const last = i === (raw.memory as unknown[]).length - 1;
    let maxBytes: number | null;
    if (o.maxBytes === null) {
      if (!last) fail(`${where} (${cls}).maxBytes is null (holds everything) but is not the last class`);
      maxBytes = null;
    } else {
      if (typeof o.maxBytes !== 'number' || !Number.isSafeInteger(o.maxBytes) || o.maxBytes <= 0) fail(`${where} (${cls}).maxBytes must be a positive integer or null`);
      maxBytes = o.maxBytes as number;
      const prev = memory[i - 1];
      if (prev && prev.maxBytes !== null && maxBytes <= prev.maxBytes) fail(`${where} (${cls}).maxBytes must exceed the previous class's (${prev.maxBytes}): classes go from small to large`);
    }
    const pJPer64BitRead = nonNeg(o.pJPer64BitRead, `${where} (${cls}).pJPer64BitRead`);
    memory.push({ name: cls, maxBytes, pJPer64BitRead, ...provenance(o, `${where} (${cls})`) });
  });
  if (!isObj(raw.rules)) fail('"rules" must be an object { integer, float32, bytesPerRead }');
  const rules = raw.rules as Record<string, unknown>;
  const rule = (k: 'integer' | 'float32'): ArithmeticRule => {
    const r = rules[k];
    if (!isObj(r)) return fail(`rules.${k} must be an object { mul, add, cmp, perWord }`);
    const pick = (op: 'mul' | 'add' | 'cmp') => {
      const key = str(r, op, `rules.${k}`);
      if (!(key in operations)) fail(`rules.${k}.${op} names "${key}", which is not in "operations"`);
      return key;
    };
    if (typeof r.perWord !== 'boolean') fail(`rules.${k}.perWord must be true or false`);
    return { mul: pick('mul'), add: pick('add'), cmp: pick('cmp'), perWord: r.perWord as boolean };
  };
  const integer = rule('integer');
  const float32 = rule('float32');
  const bytesPerRead = rules.bytesPerRead;
  if (typeof bytesPerRead !== 'number' || !Number.isSafeInteger(bytesPerRead) || bytesPerRead <= 0) fail('rules.bytesPerRead must be a positive integer (8: a 64-bit read)');
  return {
    version: 1, name, description, file, unit: 'pJ', sources, operations, memory,
    rules: { integer, float32, bytesPerRead: bytesPerRead as number },
  };
}

export interface EnergySplit { arithmetic: number; memory: number; total: number } // pJ

export interface EnergyEstimate {
  /** The engine's integer execution: mul/add/cmp at their word widths (wordOps), loads bytes read as 64-bit SRAM reads. */
  integer: EnergySplit;
  /** The same mul/add/cmp in float32, the same bytes read from the SRAM class that holds the model. */
  float32: EnergySplit;
  /** The size class holding `modelBytes` (smallest class ≥ modelBytes; DRAM beyond the largest SRAM). */
  sram: { name: string; maxBytes: number | null; pJPer64BitRead: number };
}

/** The memory class that holds a model of `modelBytes` bytes. */
export function memoryClassFor(model: EnergyModel, modelBytes: number): MemoryClass {
  const m = model.memory.find((c) => c.maxBytes === null || modelBytes <= c.maxBytes);
  if (!m) {
    const last = model.memory[model.memory.length - 1];
    throw new EnergyModelError(model.file, `no memory class holds ${modelBytes} bytes (the largest, ${last.name}, holds ${last.maxBytes}); end "memory" with a class whose maxBytes is null`);
  }
  return m;
}

/** One input's counts and the model's stored bytes. */
export function energyOf(model: EnergyModel, counts: OpCounts, modelBytes: number): EnergyEstimate {
  const { mul, add, cmp, wordOps, loads } = counts;
  for (const [k, v] of Object.entries({ mul, add, cmp, wordOps, loads, modelBytes })) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`energyOf: ${k} must be a finite number ≥ 0 (got ${v})`);
  }
  const mem = memoryClassFor(model, modelBytes);
  const memory = (loads / model.rules.bytesPerRead) * mem.pJPer64BitRead;
  const ops = mul + add + cmp;
  const arith = (r: ArithmeticRule): number => {
    const e = (k: string) => model.operations[k].value;
    const perOp = mul * e(r.mul) + add * e(r.add) + cmp * e(r.cmp);
    return r.perWord ? (ops === 0 ? 0 : (wordOps / ops) * perOp) : perOp;
  };
  const split = (arithmetic: number): EnergySplit => ({ arithmetic, memory, total: arithmetic + memory });
  return {
    integer: split(arith(model.rules.integer)),
    float32: split(arith(model.rules.float32)),
    sram: { name: mem.name, maxBytes: mem.maxBytes, pJPer64BitRead: mem.pJPer64BitRead },
  };
}

/** Min / mean / max over the inputs of each figure (each column on its own: the max total is
 *  the largest total of one input, not the sum of the two maxima). */
export interface EnergyStatsSplit { arithmetic: Stats; memory: Stats; total: Stats }

export interface EnergyReport {
  /** The model's name and the file it came from. */
  model: string;
  file: string;
  unit: 'pJ';
  modelBytes: number;
  sram: EnergyEstimate['sram'];
  integer: EnergyStatsSplit;
  float32: EnergyStatsSplit;
  /** float32 total / integer total, of the means. */
  float32OverInteger: number;
}

/** Per-input counts (columns, as countInputs returns them) → pJ per input, min/mean/max. */
export function summarizeEnergy(model: EnergyModel, perInput: OpCountColumns, modelBytes: number): EnergyReport {
  // The memory class first, from no counts: named even with no inputs, and a model that holds
  // no class for modelBytes fails on that before any input's counts are looked at.
  const none = energyOf(model, zeroCounts(), modelBytes).sram;
  const e = energyPerInput(perInput, modelBytes, (c, bytes) => energyOf(model, c, bytes));
  const sram = e.sram ?? none;
  const split = (cols: EnergyColumns): EnergyStatsSplit => ({ arithmetic: stats(cols.arithmetic), memory: stats(cols.memory), total: stats(cols.total) });
  const integer = split(e.integer);
  const float32 = split(e.float32);
  return {
    model: model.name, file: model.file, unit: 'pJ', modelBytes, sram, integer, float32,
    float32OverInteger: integer.total.mean === 0 ? NaN : float32.total.mean / integer.total.mean,
  };
}


// ---- device models ("kind": "device") --------------------------------------------------------
// A whole microcontroller priced per clock cycle: the datasheet's active-mode current per MHz at
// its stated supply is charge per cycle times volts, E_cycle = (I/f)·VDD; one inference costs
// instructions × CPI × E_cycle. The instruction counts are exact (QEMU's plugin); the CPI is an
// assumption the file states, because QEMU counts instructions, not cycles.

/** A figure printed in the cited source, with its unit. */
export interface SourcedValue<U extends string> {
  value: number;
  unit: U;
  /** A key of DeviceEnergyModel.sources. */
  source: string;
  what?: string;
}

/** A parsed, validated device model file (energy/*.json, "version": 1, "kind": "device"). */
export interface DeviceEnergyModel {
  version: 1;
  kind: 'device';
  name: string;
  description: string;
  /** The file it was read from. */
  file: string;
  unit: 'pJ';
  /** The core the instruction counts must come from (the emulated one): "Cortex-M4". */
  core: string;
  /** The part whose datasheet gives the current. */
  part: string;
  sources: Record<string, string>;
  supply: SourcedValue<'V'>;
  currentPerMHz: SourcedValue<'uA/MHz'> & { conditions: string };
  /** Not measured (QEMU counts instructions): an assumption, with why. */
  cyclesPerInstruction: { value: number; assumed: true; how: string };
  /** Derived: currentPerMHz × supply (µA/MHz × V = pJ per cycle), checked on load. */
  pJPerCycle: { value: number; derived: true; how: string };
}

/** Check a parsed JSON value against the device model schema (version 1). */
export function validateDeviceEnergyModel(raw: unknown, file: string): DeviceEnergyModel {
  const { fail, isObj, str } = schemaChecks(file);
  const positive = (v: unknown, where: string): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(`${where} must be a finite number > 0 (got ${JSON.stringify(v)})`);
    return v as number;
  };
  if (!isObj(raw)) return fail('the model must be a JSON object');
  if (raw.version !== 1) fail(`"version" must be 1 (got ${JSON.stringify(raw.version)}); this condnet reads version 1 only`);
  if (raw.kind !== 'device') fail('"kind" must be "device"');
  const name = str(raw, 'name', 'model');
  const description = str(raw, 'description', 'model');
  if (raw.unit !== undefined && raw.unit !== 'pJ') fail(`"unit" must be "pJ" (got ${JSON.stringify(raw.unit)})`);
  const core = str(raw, 'core', 'model');
  const part = str(raw, 'part', 'model');
  if (!isObj(raw.sources) || Object.keys(raw.sources).length === 0) fail('"sources" must be an object of citations, at least one');
  const sources: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw.sources as Record<string, unknown>)) {
    if (typeof v !== 'string' || v.trim() === '') fail(`sources.${k} must be a non-empty citation string`);
    sources[k] = v as string;
  }
  const sourced = <U extends string>(k: string, units: readonly string[], canonical: U): SourcedValue<U> & Record<string, unknown> => {
    const o = raw[k];
    if (!isObj(o)) return fail(`"${k}" must be an object { value, unit, source }`);
    const value = positive(o.value, `${k}.value`);
    if (typeof o.unit !== 'string' || !units.includes(o.unit)) fail(`${k}.unit must be ${units.map((u) => JSON.stringify(u)).join(' or ')} (got ${JSON.stringify(o.unit)})`);
    const source = str(o, 'source', k);
    if (!(source in sources)) fail(`${k}.source "${source}" is not one of "sources" (${Object.keys(sources).join(', ')})`);
    if (o.what !== undefined && typeof o.what !== 'string') fail(`${k}.what must be a string`);
    if (o.derived === true) fail(`${k} is a figure of the source, not derived; put derived figures in pJPerCycle`);
    return { ...o, value, unit: canonical, source, ...(typeof o.what === 'string' ? { what: o.what } : {}) };
  };
  const supply = sourced('supply', ['V'], 'V');
  const cur = sourced('currentPerMHz', ['uA/MHz', 'µA/MHz'], 'uA/MHz');
  const conditions = str(cur, 'conditions', 'currentPerMHz');
  const cpiRaw = raw.cyclesPerInstruction;
  if (!isObj(cpiRaw)) return fail('"cyclesPerInstruction" must be an object { value, assumed: true, how }');
  const cpi = positive(cpiRaw.value, 'cyclesPerInstruction.value');
  if (cpiRaw.assumed !== true) fail('cyclesPerInstruction.assumed must be true: QEMU counts instructions, not cycles, so the CPI is an assumption');
  const cpiHow = str(cpiRaw, 'how', 'cyclesPerInstruction');
  const pcRaw = raw.pJPerCycle;
  if (!isObj(pcRaw)) return fail('"pJPerCycle" must be an object { value, derived: true, how }');
  const pJ = positive(pcRaw.value, 'pJPerCycle.value');
  if (pcRaw.derived !== true) fail('pJPerCycle.derived must be true: it is computed from currentPerMHz and supply');
  const pcHow = str(pcRaw, 'how', 'pJPerCycle');
  // µA/MHz = 1e-12 C per cycle, × V = pJ per cycle: the file's derived figure must be that product.
  const product = cur.value * supply.value;
  if (Math.abs(pJ - product) > 1e-9 * product) fail(`pJPerCycle.value ${pJ} is not currentPerMHz × supply = ${cur.value} × ${supply.value} = ${product}`);
  const clean = <U extends string>(v: SourcedValue<U>): SourcedValue<U> => ({ value: v.value, unit: v.unit, source: v.source, ...(v.what !== undefined ? { what: v.what } : {}) });
  return {
    version: 1, kind: 'device', name, description, file, unit: 'pJ', core, part, sources,
    supply: clean(supply),
    currentPerMHz: { ...clean(cur), conditions },
    cyclesPerInstruction: { value: cpi, assumed: true, how: cpiHow },
    pJPerCycle: { value: pJ, derived: true, how: pcHow },
  };
}

/** pJ of one inference of `instructions` instructions on the device: instructions × CPI × pJ per cycle. */
export function deviceEnergyOf(model: DeviceEnergyModel, instructions: number): number {
  if (!Number.isFinite(instructions) || instructions < 0) throw new RangeError(`deviceEnergyOf: instructions must be a finite number ≥ 0 (got ${instructions})`);
  return instructions * model.cyclesPerInstruction.value * model.pJPerCycle.value;
}
