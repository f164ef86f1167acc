/*
 * The condnet C library on QEMU's mps2-an386 (Cortex-M4), with semihosting: a firmware built
 * from ../../lib (the model) and this folder alone (docs/C-LIBRARY.md).
 *
 * Reads the inputs from a host file through semihosting (SYS_OPEN, SYS_READ): "CNMI", u32 dim,
 * u32 count (little-endian), then count rows of dim int32 values, already quantized
 * (condnet.h). Path: INPUTS_FILE (default "inputs.bin", relative to QEMU's working folder).
 * Writes through semihosting:
 *   mcu: kind=… dim=… classes=… count=… memoryBytes=…
 *   y <i> <result>          condnet_evaluate()'s result for row i (a class or a negative code)
 *   mcu: stackUsed=<bytes> stackReserved=<bytes>   the stack's high-water mark (startup.c
 *                          paints it) and its size (STACK in the Makefile)
 *   mcu: done <count>
 * Exit status: 0 after every row; 1 if condnet_init() fails; 2 on a bad inputs file; 3 on a
 * CPU fault (startup.c); 4 when the stack was (nearly) exhausted, which may have corrupted
 * .bss, so the run does not count.
 */
#include <stdint.h>
#include <string.h>

#include "condnet.h"
#include "semihost.h"

#ifndef INPUTS_FILE
#define INPUTS_FILE "inputs.bin"
#endif

uint32_t mcu_stack_used(void); /* startup.c */
extern uint32_t _sstack, _estack; /* mps2-an386.ld */
/* Bytes the stack keeps free at least, or the run fails: the painted stack cannot tell a stack
 * that was just big enough from one that overflowed into .bss. */
#define STACK_SPARE 64u

/* Output, buffered into few semihosting calls. */
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
static void put_u32(uint32_t v) {
  char s[12];
  int n = 11;
  s[n] = 0;
  do {
    s[--n] = (char)('0' + v % 10u);
    v /= 10u;
  } while (v != 0);
  put_s(s + n);
}
static void put_i32(int32_t v) {
  if (v < 0) {
    put_s("-");
    put_u32(0u - (uint32_t)v);
  } else {
    put_u32((uint32_t)v);
  }
}
static void put_kv(const char *k, uint32_t v) {
  put_s(" ");
  put_s(k);
  put_s("=");
  put_u32(v);
}
static __attribute__((noreturn)) void fail(const char *what, int status) {
  flush();
  semihost_puts("mcu: FATAL ");
  semihost_puts(what);
  semihost_puts("\n");
  semihost_exit(status);
}
/* Markers around each call, for counting its instructions with a QEMU TCG plugin that counts
 * from one function's entry to the other's (the condnet project's mcu/insn-plugin.c, through
 * QEMU_FLAGS, docs/C-LIBRARY.md). Distinct bodies, never inlined or merged; a nop otherwise. */
__attribute__((noinline, noipa, used)) void mcu_mark_begin(void) { __asm__ volatile("nop"); }
__attribute__((noinline, noipa, used)) void mcu_mark_end(void) { __asm__ volatile("nop\n nop"); }

static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }


int main(void) {
  int32_t r = condnet_init();
  if (r != CONDNET_OK) {
    put_s("mcu: condnet_init: ");
    put_s(condnet_strerror(r));
    put_s("\n");
    flush();
    return 1;
  }
  uint8_t hdr[12];
  int32_t fd = semihost_open(INPUTS_FILE, 1);
  if (fd < 0) fail("cannot open the inputs file " INPUTS_FILE, 2);
  if (semihost_read(fd, hdr, 12) != 0 || memcmp(hdr, "CNMI", 4) != 0) fail("bad inputs header", 2);
  uint32_t dim = rd32(hdr + 4), count = rd32(hdr + 8);
  if (dim != CONDNET_DIM) fail("the inputs' dim is not the model's (CONDNET_DIM)", 2);
  put_s("mcu: kind=" CONDNET_KIND);
  put_kv("dim", CONDNET_DIM);
  put_kv("classes", CONDNET_CLASSES);
  put_kv("count", count);
  put_kv("memoryBytes", CONDNET_MEMORY_BYTES);
  put_s("\n");
  /* Each row is read straight into the model's input (condnet_input()), as a firmware would
   * write its features there, and evaluated in place. With a row of its own, a firmware calls
   * condnet_evaluate(row) instead, which copies it there first. */
  int32_t *input = condnet_input();
  mcu_mark_begin(); /* an empty pair first: the plugin's calibration */
  mcu_mark_end();
  for (uint32_t i = 0; i < count; i++) {
    if (semihost_read(fd, input, 4u * CONDNET_DIM) != 0) fail("inputs file shorter than its header says", 2);
    mcu_mark_begin();
    int32_t y = condnet_evaluate_input();
    mcu_mark_end();
    put_s("y ");
    put_u32(i);
    put_s(" ");
    put_i32(y);
    put_s("\n");
  }
  uint32_t used = mcu_stack_used(), reserved = (uint32_t)((char *)&_estack - (char *)&_sstack);
  put_s("mcu: stackUsed=");
  put_u32(used);
  put_kv("stackReserved", reserved);
  put_s("\n");
  if (used + STACK_SPARE > reserved) fail("the stack is (nearly) exhausted: build with a larger STACK (make STACK=bytes)", 4);
  put_s("mcu: done ");
  put_u32(count);
  put_s("\n");
  flush();
  return 0;
}
