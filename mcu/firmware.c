/*
 * condnet firmware for the Cortex-M4 (QEMU mps2-an386, semihosting).
 *
 * The engine (build/condnet.wasm, or build/condnet-counting.wasm with
 * -DMCU_COUNTING) is translated to C by wasm2c and linked with the bare-metal
 * runtime wasm-rt-mcu.c. The model is a const array in flash (model.h, from
 * `condnet export --format c` or mcu/build.sh); at start it is copied into
 * linear memory (RAM) at align8(heapBase()), as host/engine/engine.ts does,
 * and validated.
 *
 * Inputs are streamed from a host file through semihosting (SYS_OPEN /
 * SYS_READ), straight into linear memory: header "CNMI", u32 dim, u32 count
 * (little-endian), then count rows of dim i32. Path: MCU_INPUTS (default
 * "inputs.bin", relative to QEMU's working directory).
 *
 * Output (semihosting, text):
 *   mcu: <key=value ...>            layout and sizes
 *   y <i> <result>                  evaluate()'s result for input i
 *   c <i> <mul> <add> <cmp> <wordOps> <loads>   counting build only
 *   mcu: stackUsed=<bytes>         stack high-water mark (painted stack)
 *   mcu: done <count>
 * Exit status: 0 after every input; 1 if validate() rejects the model;
 * 2 on a bad inputs file or too little linear memory; 4 on an engine trap;
 * 3 on a CPU fault.
 *
 * Instruction counting: every evaluate() call sits between the marker
 * functions mcu_mark_begin() and mcu_mark_end(); the QEMU plugin
 * (mcu/insn-plugin.c) counts instructions executed from one to the other.
 * One empty begin/end pair runs first, for the plugin's calibration.
 */
#include <stdint.h>
#include <string.h>

#include "condnet.h"
#ifndef MCU_COMPILED
#include "model.h" /* MCU_MODEL (const uint8_t[], 8-aligned) and MCU_MODEL_LEN */
#endif
#include "semihost.h"
#include "wasm-rt-impl.h"

#ifndef MCU_INPUTS
#define MCU_INPUTS "inputs.bin"
#endif

extern const uint32_t mcu_mem_bytes;
uint32_t mcu_stack_used(void);

/* ---- output, buffered into few semihosting calls -------------------------- */
static char out_buf[1024];
static uint32_t out_len;
static void flush(void) {
  if (out_len == 0) return;
  out_buf[out_len] = 0;
  semihost_puts(out_buf);
  out_len = 0;
}
static void put_s(const char *s) {
  while (*s) {
    if (out_len == sizeof out_buf - 1) flush();
    out_buf[out_len++] = *s++;
  }
}
/* Decimal by long division of four 16-bit limbs by 10 in 32-bit arithmetic: a 64-bit `%`
 * would link libgcc's __udivmoddi4, 700 bytes of flash for printing. */
static void put_u64(uint64_t v) {
  char tmp[24];
  int n = 0;
  uint32_t limb[4] = { (uint32_t)(v >> 48), (uint32_t)(v >> 32) & 0xffff, (uint32_t)(v >> 16) & 0xffff, (uint32_t)v & 0xffff };
  do {
    uint32_t r = 0, any = 0;
    for (int k = 0; k < 4; k++) {
      uint32_t cur = r << 16 | limb[k];
      limb[k] = cur / 10;
      r = cur % 10;
      any |= limb[k];
    }
    tmp[n++] = (char)('0' + r);
    if (!any) break;
  } while (1);
  char s[24];
  for (int i = 0; i < n; i++) s[i] = tmp[n - 1 - i];
  s[n] = 0;
  put_s(s);
}
static void put_i32(int32_t v) {
  if (v < 0) { put_s("-"); put_u64((uint64_t)(-(int64_t)v)); }
  else put_u64((uint64_t)v);
}
static void put_kv(const char *k, uint64_t v) { put_s(" "); put_s(k); put_s("="); put_u64(v); }

void mcu_fatal(const char *what) {
  flush();
  semihost_puts("mcu: FATAL ");
  semihost_puts(what);
  semihost_puts("\n");
  semihost_exit(2);
}

/* ---- markers for the instruction-counting plugin ---------------------------
 * Distinct bodies and noinline/noipa so that neither is merged nor inlined. */
__attribute__((noinline, noipa, used)) void mcu_mark_begin(void) { __asm__ volatile("nop"); }
__attribute__((noinline, noipa, used)) void mcu_mark_end(void) { __asm__ volatile("nop\n nop"); }

static uint32_t align8(uint32_t x) { return (x + 7u) & ~7u; }
static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

static Z_condnet_instance_t inst;

int main(void) {
  wasm_rt_init();
  Z_condnet_init_module();
  Z_condnet_instantiate(&inst);
  wasm_rt_memory_t *mem = Z_condnetZ_memory(&inst);

  wasm_rt_trap_t trap = wasm_rt_impl_try();
  if (trap != WASM_RT_TRAP_NONE) {
    flush();
    semihost_puts("mcu: TRAP ");
    semihost_puts(wasm_rt_strerror(trap));
    semihost_puts("\n");
    return 4;
  }

  uint8_t hdr_in[12];
  int32_t fd = semihost_open(MCU_INPUTS, 1);
  if (fd < 0) mcu_fatal("cannot open the inputs file " MCU_INPUTS);
  if (semihost_read(fd, hdr_in, 12) != 0 || memcmp(hdr_in, "CNMI", 4) != 0) mcu_fatal("bad inputs header");
  uint32_t dim = rd32(hdr_in + 4), count = rd32(hdr_in + 8);

#ifdef MCU_COMPILED
  /* A compiled model (`condnet compile`): the model is the module's code and data, so there is
   * nothing to copy or validate; one input goes at align8(heapBase), as host/engine/engine.ts
   * places it. */
  uint32_t input_at = align8(Z_condnetZ_heapBase(&inst));
  uint64_t need = (uint64_t)input_at + 4u * (uint64_t)dim;
  if (need > mem->size) mcu_fatal("linear memory: MCU_MEM_BYTES too small for one input");
  put_s("mcu: engine=compiled");
  put_kv("heapBase", Z_condnetZ_heapBase(&inst));
  put_kv("inputAt", input_at);
  put_kv("dim", dim);
  put_kv("count", count);
  put_kv("memoryBytes", mcu_mem_bytes);
  put_s("\n");
#else
  /* The model through an opaque pointer: GCC may otherwise materialize a second
   * copy of a static const array for the memcpy below (seen with GCC 12 -Os). */
  const uint8_t *model = MCU_MODEL;
  uint32_t model_len = MCU_MODEL_LEN; /* opaque too, so an empty-model build keeps all the code */
  __asm__("" : "+r"(model), "+r"(model_len));
  if (model_len < 64) mcu_fatal("model shorter than a header (an empty-model build is for size only)");

  /* Layout as host/engine/engine.ts: blob at align8(heapBase), then the
   * scratch its header declares, then one input (8-aligned). */
  uint32_t scratch = rd32(model + 32);
  uint32_t blob_at = align8(Z_condnetZ_heapBase(&inst));
  uint32_t input_at = align8(blob_at + model_len) + align8(scratch);
  uint64_t need = (uint64_t)input_at + 4u * (uint64_t)dim;
  if (need > mem->size) mcu_fatal("linear memory: MCU_MEM_BYTES too small for the model and one input");
  memcpy(mem->data + blob_at, model, model_len);

  put_s("mcu:");
#ifdef MCU_COUNTING
  put_s(" engine=counting");
#else
  put_s(" engine=release");
#endif
  put_kv("heapBase", Z_condnetZ_heapBase(&inst));
  put_kv("blobAt", blob_at);
  put_kv("blobBytes", model_len);
  put_kv("scratch", scratch);
  put_kv("inputAt", input_at);
  put_kv("dim", dim);
  put_kv("count", count);
  put_kv("memoryBytes", mcu_mem_bytes);
  put_s("\n");

  int32_t code = (int32_t)Z_condnetZ_validate(&inst, blob_at, model_len);
  if (code != 0) {
    put_s("mcu: validate returned ");
    put_i32(code);
    put_s("\n");
    flush();
    return 1;
  }
#endif

  /* Calibration pair: what the plugin counts around no call at all. */
  mcu_mark_begin();
  mcu_mark_end();

  for (uint32_t i = 0; i < count; i++) {
    if (semihost_read(fd, mem->data + input_at, 4u * dim) != 0) mcu_fatal("inputs file shorter than its header says");
    mcu_mark_begin();
    int32_t y = (int32_t)Z_condnetZ_evaluate(&inst, input_at);
    mcu_mark_end();
    put_s("y ");
    put_u64(i);
    put_s(" ");
    put_i32(y);
    put_s("\n");
#ifdef MCU_COUNTING
    put_s("c ");
    put_u64(i);
    for (uint32_t k = 0; k < 5; k++) {
      put_s(" ");
      put_u64((uint64_t)Z_condnetZ_counter(&inst, k));
    }
    put_s("\n");
#endif
  }
  put_s("mcu: stackUsed=");
  put_u64(mcu_stack_used());
  put_s("\n");
  put_s("mcu: done ");
  put_u64(count);
  put_s("\n");
  flush();
  return 0;
}
