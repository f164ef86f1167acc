// `--beta`, the weight of the split score's size term, as `build -c tree` and `synth` take it.

import { isBeta, MAX_BETA } from '../construct/split-score.js';
import { CliError } from './errors.js';

export function parseBeta(v: string): number {
  const b = Number(v);
  if (v.trim() === '' || !isBeta(b)) throw new CliError(`--beta must be a number from 0 to ${MAX_BETA}, got "${v}"`, 2);
  return b;
}
