/*
 * condnet C library: the runtime for wasm2c's output (wabt 1.0.32), in place of wabt's
 * wasm-rt-impl.c, which needs mmap, signals and malloc. Portable C with static memory only;
 * derived from the project's bare-metal runtime (mcu/wasm-rt-mcu.c, docs/MCU.md).
 *
 * - Linear memory is one static array, condnet_linear_memory, of CONDNET_MEMORY_BYTES
 *   (condnet_config.h): what the model uses (its data and one input), not whole 64 KiB
 *   pages. It never grows. Every load and store in the generated C is checked against that
 *   constant (`condnet export` rewrites wasm2c's accessors, docs/C-LIBRARY.md), so an access
 *   past the array traps. Define CONDNET_MEMORY_SECTION (a string) to place the array in a
 *   linker section of your own, e.g. a faster RAM bank.
 * - A trap longjmps to the last wasm_rt_impl_try() (condnet.c), which returns CONDNET_ERR_TRAP.
 * - Function types live in a small static table, not malloc'd; what the runtime cannot do
 *   (tables, exceptions, a second memory, too many types) traps: condnet_init() reports it.
 */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "condnet_config.h"
#include "wasm-rt-impl.h"

#define PAGE_SIZE 65536u
#define MEM_PAGES ((CONDNET_MEMORY_BYTES + PAGE_SIZE - 1u) / PAGE_SIZE)
#define MAX_FUNC_TYPES 16u
#define MAX_TYPE_ARITY 8u

jmp_buf wasm_rt_jmp_buf;
static WASM_RT_UNWIND_TARGET *g_unwind_target;
static uint8_t g_initialized;

#if defined(CONDNET_MEMORY_SECTION)
__attribute__((aligned(8), section(CONDNET_MEMORY_SECTION)))
#elif defined(__GNUC__)
__attribute__((aligned(8)))
#endif
uint8_t condnet_linear_memory[CONDNET_MEMORY_BYTES];
static uint8_t g_memory_taken;

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
  WASM_RT_LONGJMP(wasm_rt_jmp_buf, code == WASM_RT_TRAP_NONE ? -1 : (int)code);
}

uint32_t wasm_rt_register_func_type(uint32_t param_count, uint32_t result_count, ...) {
  if (param_count > MAX_TYPE_ARITY || result_count > MAX_TYPE_ARITY) wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE);
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
  if (g_func_type_count == MAX_FUNC_TYPES) wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE);
  g_func_types[g_func_type_count] = t;
  return ++g_func_type_count;
}

/* Exceptions: the model throws none. */
uint32_t wasm_rt_register_tag(uint32_t size) {
  (void)size;
  wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE);
}
void wasm_rt_load_exception(uint32_t tag, uint32_t size, const void *values) {
  (void)tag; (void)size; (void)values;
  wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE);
}
WASM_RT_NO_RETURN void wasm_rt_throw(void) { WASM_RT_LONGJMP(*g_unwind_target, WASM_RT_TRAP_UNCAUGHT_EXCEPTION); }
WASM_RT_UNWIND_TARGET *wasm_rt_get_unwind_target(void) { return g_unwind_target; }
void wasm_rt_set_unwind_target(WASM_RT_UNWIND_TARGET *target) { g_unwind_target = target; }
uint32_t wasm_rt_exception_tag(void) { return 0; }
uint32_t wasm_rt_exception_size(void) { return 0; }
void *wasm_rt_exception(void) { return 0; }

void wasm_rt_allocate_memory(wasm_rt_memory_t *memory, uint32_t initial_pages, uint32_t max_pages) {
  if (g_memory_taken) wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE);
  /* The module declares more pages than the array holds (its data, then one input, then
   * nothing): what it would read or write past CONDNET_MEMORY_BYTES traps all the same. */
  g_memory_taken = 1;
  memset(condnet_linear_memory, 0, sizeof condnet_linear_memory);
  memory->data = condnet_linear_memory;
  memory->size = CONDNET_MEMORY_BYTES;
  memory->pages = initial_pages > MEM_PAGES ? initial_pages : MEM_PAGES;
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

#define DEFINE_TABLE_OPS(type)                                                                    \
  void wasm_rt_allocate_##type##_table(wasm_rt_##type##_table_t *table, uint32_t elements,        \
                                       uint32_t max_elements) {                                   \
    if (elements != 0) wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE);                                    \
    table->size = 0;                                                                              \
    table->max_size = max_elements;                                                               \
    table->data = 0;                                                                              \
  }                                                                                               \
  void wasm_rt_free_##type##_table(wasm_rt_##type##_table_t *table) { (void)table; }              \
  uint32_t wasm_rt_grow_##type##_table(wasm_rt_##type##_table_t *table, uint32_t delta,           \
                                       wasm_rt_##type##_t init) {                                 \
    (void)init;                                                                                   \
    return delta == 0 ? table->size : UINT32_MAX;                                                 \
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
