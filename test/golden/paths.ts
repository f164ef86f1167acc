import { fileURLToPath } from 'node:url';

/** test/golden in the source tree (this file runs from dist/test/golden). */
export function goldenDir(): string {
  return fileURLToPath(new URL('../../../test/golden', import.meta.url));
}
