// TensorFlow.js layers format (model.json + weight shards), as written by tfjs `model.save`
// and by the tensorflowjs converter from Keras. Dense ReLU MLPs only: Dense (relu, linear, or
// softmax on the last layer, which argmax ignores), InputLayer, Flatten of a flat input,
// Dropout (inactive at inference). Anything else is refused naming the first such layer.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NetworkImportError, checkFloatNetwork, type FloatLayer, type FloatNetwork } from './float-network.js';

interface LayerJson { class_name?: string; className?: string; config?: Record<string, unknown> }
interface WeightSpec { name: string; shape: number[]; dtype?: string }
interface ManifestGroup { paths: string[]; weights: WeightSpec[] }

export function isTfjsModel(json: unknown): boolean {
  const o = json as Record<string, unknown>;
  return typeof o === 'object' && o !== null && 'modelTopology' in o && 'weightsManifest' in o;
}

export function readTfjsModel(json: unknown, file: string): FloatNetwork {
  const fail = (m: string): never => { throw new NetworkImportError(file, m); };
  const o = json as { modelTopology: Record<string, unknown>; weightsManifest: ManifestGroup[] };
  // Keras conversions wrap the model in `model_config`; tfjs saves it bare.
  const topology = (o.modelTopology.model_config ?? o.modelTopology) as LayerJson;
  const layersJson = (topology.config?.layers ?? fail('modelTopology has no config.layers')) as LayerJson[];

  // Weight values: each group's shards back to back, its weights in manifest order.
  const values = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const group of o.weightsManifest) {
    const bytes = Buffer.concat(group.paths.map((p) => {
      try {
        return readFileSync(join(dirname(file), p));
      } catch (e) {
        return fail(`cannot read weight shard ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }));
    let at = 0;
    for (const w of group.weights) {
      if ((w.dtype ?? 'float32') !== 'float32') fail(`weight ${w.name}: dtype ${w.dtype} (only float32 is read)`);
      const count = w.shape.reduce((a, b) => a * b, 1);
      if (at + 4 * count > bytes.length) fail(`weight ${w.name} runs past the end of its shards`);
      const data = new Float32Array(count);
      for (let k = 0; k < count; k++) data[k] = bytes.readFloatLE(at + 4 * k);
      values.set(w.name, { shape: w.shape, data });
      at += 4 * count;
    }
  }
  const weight = (layer: string, kind: string) => {
    for (const [name, v] of values) if (name === `${layer}/${kind}` || name.startsWith(`${layer}/${kind}:`)) return v;
    return undefined;
  };

  let inputDim: number | undefined;
  const layers: FloatLayer[] = [];
  layersJson.forEach((l, k) => {
    const cls = l.class_name ?? l.className ?? '?';
    const cfg = l.config ?? {};
    const shape = (cfg.batch_input_shape ?? cfg.batchInputShape) as (number | null)[] | undefined;
    if (shape && inputDim === undefined) {
      const dims = shape.slice(1);
      if (dims.some((x) => x === null)) fail(`layer ${k} (${cls}): input shape ${JSON.stringify(shape)} is not fixed`);
      inputDim = (dims as number[]).reduce((a, b) => a * b, 1);
    }
    switch (cls) {
      case 'InputLayer':
      case 'Dropout':
        return;
      case 'Flatten':
        if (layers.length > 0) fail(`layer ${k} (Flatten) after a Dense layer is not a flat input`);
        return;
      case 'Dense': {
        const name = String(cfg.name);
        const activation = String(cfg.activation ?? 'linear');
        const last = k === layersJson.length - 1 || layersJson.slice(k + 1).every((x) => (x.class_name ?? x.className) === 'Dropout');
        if (activation !== 'relu' && activation !== 'linear' && !(activation === 'softmax' && last)) {
          fail(`layer ${k} (Dense ${name}): activation "${activation}" is not supported (relu, linear, softmax on the last layer)`);
        }
        const kernel = weight(name, 'kernel') ?? fail(`layer ${k} (Dense ${name}): no weight "${name}/kernel" in the manifest`);
        const [inputs, outputs] = kernel.shape;
        const bias = cfg.use_bias === false ? undefined : weight(name, 'bias') ?? fail(`layer ${k} (Dense ${name}): no weight "${name}/bias"`);
        // tfjs kernels are [inputs, outputs]; condnet rows are neurons.
        const weights = new Float64Array(inputs * outputs);
        for (let i = 0; i < inputs; i++) for (let j = 0; j < outputs; j++) weights[j * inputs + i] = kernel.data[i * outputs + j];
        layers.push({ inputs, outputs, weights, biases: bias ? Float64Array.from(bias.data) : new Float64Array(outputs), relu: activation === 'relu' });
        return;
      }
      default:
        fail(`layer ${k} (${cls}) is not supported: condnet imports dense ReLU MLPs (Dense, InputLayer, Flatten, Dropout)`);
    }
  });
  // Class names, when the model carries them: tfjs saves `userDefinedMetadata` beside the
  // topology (model.setUserDefinedMetadata({ classNames: […] })).
  const meta = (json as { userDefinedMetadata?: { classNames?: unknown } }).userDefinedMetadata;
  const named = meta?.classNames;
  if (named !== undefined && !(Array.isArray(named) && named.every((c) => typeof c === 'string'))) fail('userDefinedMetadata.classNames must be an array of strings');
  return checkFloatNetwork({ source: file, inputDim: inputDim ?? layers[0]?.inputs ?? 0, layers, ...(named ? { classes: named as string[] } : {}) });
}
