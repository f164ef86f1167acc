// Byte sizes as users write them (CONDNET_MEMORY_BUDGET, --max-bytes) and as messages show
// them: one parser and one printer, so every limit reads and reads back the same way.

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 };

/** Bytes, or with a K, M or G suffix (binary units; "KiB", "MB" and the like are read the
 *  same); undefined when `text` is not such a size. */
export function parseByteSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(text.trim());
  return m ? Math.floor(Number(m[1]) * UNITS[m[2].toLowerCase()]) : undefined;
}

export function formatBytes(b: number): string {
  return b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : `${Math.ceil(b / 2 ** 10)} KiB`;
}
