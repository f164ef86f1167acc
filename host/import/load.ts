// A trained network file → FloatNetwork, by content: condnet JSON, a tfjs model.json, or an
// ONNX model (binary protobuf).

import { readFileSync } from 'node:fs';
import { CONDNET_NETWORK_FORMAT, parseCondnetNetwork } from './condnet-json.js';
import { NetworkImportError, type FloatNetwork } from './float-network.js';
import { isOnnx, readOnnxModel } from './onnx.js';
import { isTfjsModel, readTfjsModel } from './tfjs.js';

export function loadFloatNetwork(file: string): FloatNetwork {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new NetworkImportError(file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const text = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  if (!text.startsWith('{')) {
    if (isOnnx(bytes)) return readOnnxModel(bytes, file);
    throw new NetworkImportError(file, 'neither JSON (condnet network, tfjs model.json) nor an ONNX model');
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new NetworkImportError(file, `not JSON: ${(e as Error).message}`);
  }
  if ((json as Record<string, unknown>)?.format === CONDNET_NETWORK_FORMAT) return parseCondnetNetwork(json, file);
  if (isTfjsModel(json)) return readTfjsModel(json, file);
  throw new NetworkImportError(file, 'neither a condnet network (format "condnet-network") nor a tfjs layers model (modelTopology + weightsManifest)');
}
