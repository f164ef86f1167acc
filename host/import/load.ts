// A trained network file → FloatNetwork: condnet JSON or tfjs model.json (by content).

import { readFileSync } from 'node:fs';
import { CONDNET_NETWORK_FORMAT, parseCondnetNetwork } from './condnet-json.js';
import { NetworkImportError, type FloatNetwork } from './float-network.js';
import { isTfjsModel, readTfjsModel } from './tfjs.js';

export function loadFloatNetwork(file: string): FloatNetwork {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new NetworkImportError(file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new NetworkImportError(file, `not JSON: ${(e as Error).message}`);
  }
  if ((json as Record<string, unknown>)?.format === CONDNET_NETWORK_FORMAT) return parseCondnetNetwork(json, file);
  if (isTfjsModel(json)) return readTfjsModel(json, file);
  throw new NetworkImportError(file, 'neither a condnet network (format "condnet-network") nor a tfjs layers model (modelTopology + weightsManifest)');
}
