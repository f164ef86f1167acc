// CRC-32 (IEEE 802.3) over a blob with its own CRC field taken as zero — the same function
// as assembly/crc32.ts, table-driven here because the host has bytes to spare.

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 of `bytes`, with the 4 bytes at `skipAt` read as zero when it is given. */
export function crc32(bytes: Uint8Array, skipAt?: number): number {
  const skip = skipAt ?? bytes.length;
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    const b = i >= skip && i < skip + 4 ? 0 : bytes[i];
    crc = TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}
