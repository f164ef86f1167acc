/*
 * A bare-metal runtime for wasm2c output (wabt 1.0.32, Debian bookworm), in
 * place of wabt's wasm-rt-impl.c, which needs mmap, signals and malloc.
 *
 * - Linear memory is one static buffer of MCU_MEM_BYTES bytes in RAM, sized
 *   to what the model uses rather than whole 64 KiB pages; memory.size reports
 *   the pages that cover it, and it never grows. No mmap: every load and store
 *   is checked against MCU_MEM_BYTES in the generated C (mcu/wasm2c-fixup.mjs),
 *   so an access past the buffer traps.
 * - No call-depth counter (WASM_RT_USE_STACK_DEPTH_COUNT=0): the engine never
 *   recurses, and the firmware's stack is measured (painted) and reserved.
 * - A trap longjmps to the firmware's wasm_rt_impl_try() as in wabt's runtime;
 *   the firmware prints it and exits non-zero.
 * - Function types live in a small static table, not malloc'd.
 * - Tables (funcref/externref) are not supported beyond size 0: the condnet
 *   engine declares none; a request for one traps at instantiation.
 */
#include "wasm-rt-impl.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#ifndef MCU_MEM_BYTES
#define MCU_MEM_BYTES 65536u
#endif
#define PAGE_SIZE 65536u
/* The pages memory.size reports: the wasm module thinks in 64 KiB pages, the buffer holds
 * only MCU_MEM_BYTES; every access is checked against MCU_MEM_BYTES (mcu/wasm2c-fixup.mjs). */
#define MCU_MEM_PAGES ((MCU_MEM_BYTES + PAGE_SIZE - 1) / PAGE_SIZE)
#define MAX_FUNC_TYPES 32
#define MAX_TYPE_ARITY 8

void mcu_fatal(const char *what); /* firmware: print and exit non-zero */

uint32_t wasm_rt_call_stack_depth;
uint32_t wasm_rt_saved_call_stack_depth;
jmp_buf wasm_rt_jmp_buf;
static jmp_buf *g_unwind_target;
static uint8_t g_initialized;

/* The wasm linear memory: RAM on the device, as many bytes as the model uses (not whole
 * pages). 8-aligned for i64 access; the generated accessors address it directly. */
uint8_t mcu_linear_memory[MCU_MEM_BYTES] __attribute__((aligned(8), section(".wasm_memory")));
static uint8_t g_memory_taken;

const uint32_t mcu_mem_bytes = MCU_MEM_BYTES;

typedef struct {
  uint8_t params[MAX_TYPE_ARITY];
  uint8_t results[MAX_TYPE_ARITY];
  uint8_t param_count, result_count;
} FuncType;
static FuncType g_func_types[MAX_FUNC_TYPES];
static uint32_t g_func_type_count;

void wasm_rt_init(void) { g_initialized = 1; }
bool wasm_rt_is_initialized(void) { return g_initialized != 0; }
void wasm_rt_free(void) {
  g_func_type_count = 0;
  g_initialized = 0;
}

void wasm_rt_trap(wasm_rt_trap_t code) {
  wasm_rt_call_stack_depth = wasm_rt_saved_call_stack_depth;
  longjmp(wasm_rt_jmp_buf, code == WASM_RT_TRAP_NONE ? -1 : (int)code);
}

uint32_t wasm_rt_register_func_type(uint32_t param_count, uint32_t result_count, ...) {
  if (param_count > MAX_TYPE_ARITY || result_count > MAX_TYPE_ARITY) mcu_fatal("wasm-rt: function type too wide");
  FuncType t;
  memset(&t, 0, sizeof t);
  t.param_count = (uint8_t)param_count;
  t.result_count = (uint8_t)result_count;
  va_list args;
  va_start(args, result_count);
  for (uint32_t i = 0; i < param_count; i++) t.params[i] = (uint8_t)va_arg(args, int);
  for (uint32_t i = 0; i < result_count; i++) t.results[i] = (uint8_t)va_arg(args, int);
  va_end(args);
  for (uint32_t i = 0; i < g_func_type_count; i++)
    if (memcmp(&g_func_types[i], &t, sizeof t) == 0) return i + 1;
  if (g_func_type_count == MAX_FUNC_TYPES) mcu_fatal("wasm-rt: too many function types");
  g_func_types[g_func_type_count] = t;
  return ++g_func_type_count;
}

uint32_t wasm_rt_register_tag(uint32_t size) {
  (void)size;
  mcu_fatal("wasm-rt: exceptions are not supported");
  return 0;
}
void wasm_rt_load_exception(uint32_t tag, uint32_t size, const void *values) {
  (void)tag; (void)size; (void)values;
  mcu_fatal("wasm-rt: exceptions are not supported");
}
WASM_RT_NO_RETURN void wasm_rt_throw(void) { longjmp(*g_unwind_target, WASM_RT_TRAP_UNCAUGHT_EXCEPTION); }
WASM_RT_UNWIND_TARGET *wasm_rt_get_unwind_target(void) { return g_unwind_target; }
void wasm_rt_set_unwind_target(WASM_RT_UNWIND_TARGET *target) { g_unwind_target = target; }
uint32_t wasm_rt_exception_tag(void) { return 0; }
uint32_t wasm_rt_exception_size(void) { return 0; }
void *wasm_rt_exception(void) { return 0; }

void wasm_rt_allocate_memory(wasm_rt_memory_t *memory, uint32_t initial_pages, uint32_t max_pages) {
  if (g_memory_taken) mcu_fatal("wasm-rt: only one linear memory");
  /* The module may declare more pages than the buffer covers (a compiled model asks for a
   * page beyond its data): what it reads or writes past MCU_MEM_BYTES traps all the same. */
  g_memory_taken = 1;
  memset(mcu_linear_memory, 0, sizeof mcu_linear_memory);
  memory->data = mcu_linear_memory;
  memory->size = MCU_MEM_BYTES;
  memory->pages = initial_pages > MCU_MEM_PAGES ? initial_pages : MCU_MEM_PAGES;
  memory->max_pages = max_pages < memory->pages ? memory->pages : max_pages;
}

/* The memory is fixed: it only "grows" by nothing. */
uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *memory, uint32_t delta) {
  return delta == 0 ? memory->pages : UINT32_MAX;
}

void wasm_rt_free_memory(wasm_rt_memory_t *memory) {
  (void)memory;
  g_memory_taken = 0;
}

#define DEFINE_TABLE_OPS(type)                                                                        \
  void wasm_rt_allocate_##type##_table(wasm_rt_##type##_table_t *table, uint32_t elements,            \
                                       uint32_t max_elements) {                                       \
    if (elements != 0) mcu_fatal("wasm-rt: tables are not supported");                                \
    table->size = 0;                                                                                  \
    table->max_size = max_elements;                                                                   \
    table->data = 0;                                                                                  \
  }                                                                                                   \
  void wasm_rt_free_##type##_table(wasm_rt_##type##_table_t *table) { (void)table; }                  \
  uint32_t wasm_rt_grow_##type##_table(wasm_rt_##type##_table_t *table, uint32_t delta,               \
                                       wasm_rt_##type##_t init) {                                     \
    (void)init;                                                                                       \
    return delta == 0 ? table->size : UINT32_MAX;                                                     \
  }
DEFINE_TABLE_OPS(funcref)
DEFINE_TABLE_OPS(externref)

const char *wasm_rt_strerror(wasm_rt_trap_t trap) {
  switch (trap) {
    case WASM_RT_TRAP_NONE: return "No error";
    case WASM_RT_TRAP_OOB: return "Out-of-bounds access in linear memory or a table";
    case WASM_RT_TRAP_EXHAUSTION: return "Call stack exhausted";
    case WASM_RT_TRAP_INT_OVERFLOW: return "Integer overflow on divide or truncation";
    case WASM_RT_TRAP_DIV_BY_ZERO: return "Integer divide by zero";
    case WASM_RT_TRAP_INVALID_CONVERSION: return "Conversion from NaN to integer";
    case WASM_RT_TRAP_UNREACHABLE: return "Unreachable instruction executed";
    case WASM_RT_TRAP_CALL_INDIRECT: return "Invalid call_indirect";
    case WASM_RT_TRAP_UNCAUGHT_EXCEPTION: return "Uncaught exception";
  }
  return "invalid trap code";
}

/* assert() in the generated C (newlib calls this): report and exit, without
 * pulling in newlib's stdio. */
void __assert_func(const char *file, int line, const char *func, const char *expr) {
  (void)file; (void)line; (void)func;
  mcu_fatal(expr);
  for (;;) {}
}
