// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) with the blob's own CRC field read
// as zero. A 16-entry nibble table: 64 bytes of data instead of the usual 1 KiB, two table
// steps per byte; it runs once per blob, at validation, so size wins over speed here.

const NIBBLE_TABLE: usize = memory.data<u32>([
  0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
  0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c, 0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
]);

/** CRC-32 of [ptr, ptr + len), with the 4 bytes at ptr + skipAt taken as zero. */
export function crc32(ptr: usize, len: usize, skipAt: usize): u32 {
  let crc: u32 = 0xffffffff;
  for (let i: usize = 0; i < len; i++) {
    let b: u32 = i - skipAt < 4 ? 0 : <u32>load<u8>(ptr + i);
    crc ^= b;
    crc = (crc >>> 4) ^ load<u32>(NIBBLE_TABLE + ((crc & 15) << 2));
    crc = (crc >>> 4) ^ load<u32>(NIBBLE_TABLE + ((crc & 15) << 2));
  }
  return ~crc;
}
