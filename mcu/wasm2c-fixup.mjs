// Rewrites the memory access of wasm2c's output (wabt 1.0.32) for a Cortex-M4 with one
// linear memory of a fixed size, MCU_MEM_BYTES, in a static array the linker places:
//
//   - every load and store is still checked, against the compile-time constant MCU_MEM_BYTES
//     instead of memory->size, in 32 bits: the address wasm forms as a 33-bit sum (base +
//     offset) is taken mod 2^32 and compared with a constant, where wasm2c loads the size and
//     compares in 64 bits (4 instructions and a branch on a 32-bit core). An address past 2^32
//     so wraps instead of trapping, but no access ever leaves the buffer, and the engine forms
//     no such address (every pointer it follows was validated, its caller's regions checked);
//   - the memory's base is the array's link-time address (mcu_linear_memory), not a pointer
//     loaded from the instance on every access;
//   - the accessors are always inlined: at -Os gcc otherwise calls each one out of line
//     (18-19 instructions a load, docs/MCU.md).
//
// Memory safety is unchanged: an access past the buffer still traps (TRAP(OOB)). The edit is
// textual, so each piece it replaces must be found exactly once, or the build fails.
//
// usage: node mcu/wasm2c-fixup.mjs FILE.c

import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node mcu/wasm2c-fixup.mjs FILE.c');
  process.exit(1);
}
let c = readFileSync(file, 'utf8');

function replaceOnce(what, from, to) {
  const at = c.indexOf(from);
  if (at < 0 || c.indexOf(from, at + 1) >= 0) {
    console.error(`mcu/wasm2c-fixup.mjs: ${what}: expected exactly one match in ${file} (another wasm2c version?)`);
    process.exit(1);
  }
  c = c.slice(0, at) + to + c.slice(at + from.length);
}

replaceOnce('RANGE_CHECK', `#define RANGE_CHECK(mem, offset, len)               \\
  if (UNLIKELY(offset + (uint64_t)len > mem->size)) \\
    TRAP(OOB);`, `/* mcu/wasm2c-fixup.mjs: checked against the fixed size of the one linear memory, in 32 bits. */
extern uint8_t mcu_linear_memory[];
/* Where the memory is. A compiled model reads its input at constant offsets: with the
 * memory's fixed address (mcu/mps2-an386.ld places it first in RAM, and checks) as a constant,
 * an access is one add to the input's address, then immediate offsets (MNIST tree: 42.2
 * instructions against 44.4 through the symbol, 368 bytes less flash). The interpreter indexes
 * with registers: the symbol in a register gives register-offset loads, where the constant
 * costs an add per load (236.7 against 247.4). docs/MCU.md. */
#ifdef MCU_COMPILED
#define MCU_MEM_BASE ((uint8_t*)0x20000000u)
#else
#define MCU_MEM_BASE mcu_linear_memory
#endif
#define RANGE_CHECK(mem, offset, len)                             \\
  if (UNLIKELY((u32)(offset) > (u32)(MCU_MEM_BYTES - (len)))) \\
    TRAP(OOB);`);

replaceOnce('little-endian loads', `#define DEFINE_LOAD(name, t1, t2, t3)                      \\
  static inline t3 name(wasm_rt_memory_t* mem, u64 addr) { \\
    MEMCHECK(mem, addr, t1);                               \\
    t1 result;                                             \\
    wasm_rt_memcpy(&result, &mem->data[addr], sizeof(t1)); \\
    wasm_asm("" ::"r"(result));                            \\
    return (t3)(t2)result;                                 \\
  }`, `#define DEFINE_LOAD(name, t1, t2, t3)                                                  \\
  static inline __attribute__((always_inline)) t3 name(wasm_rt_memory_t* mem, u64 addr) { \\
    MEMCHECK(mem, addr, t1);                                                           \\
    t1 result;                                                                         \\
    wasm_rt_memcpy(&result, MCU_MEM_BASE + (u32)addr, sizeof(t1));           \\
    return (t3)(t2)result;                                                             \\
  }`);

replaceOnce('little-endian stores', `#define DEFINE_STORE(name, t1, t2)                                     \\
  static inline void name(wasm_rt_memory_t* mem, u64 addr, t2 value) { \\
    MEMCHECK(mem, addr, t1);                                           \\
    t1 wrapped = (t1)value;                                            \\
    wasm_rt_memcpy(&mem->data[addr], &wrapped, sizeof(t1));            \\
  }`, `#define DEFINE_STORE(name, t1, t2)                                                         \\
  static inline __attribute__((always_inline)) void name(wasm_rt_memory_t* mem, u64 addr, t2 value) { \\
    MEMCHECK(mem, addr, t1);                                                               \\
    t1 wrapped = (t1)value;                                                                \\
    wasm_rt_memcpy(MCU_MEM_BASE + (u32)addr, &wrapped, sizeof(t1));               \\
  }`);

writeFileSync(file, c);
