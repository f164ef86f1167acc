/*
 * condnet C library: the API of condnet.h over the model's wasm2c code (condnet_model.c).
 * Generated code may trap (a WebAssembly trap: wasm_rt_trap() longjmps); every call into it is
 * made after wasm_rt_impl_try(), so a trap comes back here as CONDNET_ERR_TRAP instead of
 * ending the program. The model compiled for the device (`condnet compile`) reads its input at
 * align8(heapBase) = CONDNET_INPUT_OFFSET and needs nothing after it (docs/C-LIBRARY.md).
 */
#include "condnet.h"

#include <stddef.h>
#include <string.h>

#include "condnet_model.h"
#include "wasm-rt-impl.h"

static Z_condnet_instance_t g_instance;
static uint8_t g_ready;
static uint8_t g_instantiated;
static int32_t g_last_trap;

int32_t condnet_init(void) {
  g_ready = 0;
  if (g_instantiated) {
    Z_condnet_free(&g_instance);
    wasm_rt_free();
    g_instantiated = 0;
  }
  wasm_rt_init();
  wasm_rt_trap_t trap = wasm_rt_impl_try();
  if (trap != WASM_RT_TRAP_NONE) {
    g_last_trap = (int32_t)trap;
    return CONDNET_ERR_TRAP;
  }
  Z_condnet_init_module();
  Z_condnet_instantiate(&g_instance);
  g_instantiated = 1;
  /* The layout this library was generated for: the input right after the module's data,
   * inside the memory. */
  uint32_t input_at = (Z_condnetZ_heapBase(&g_instance) + 7u) & ~7u;
  wasm_rt_memory_t *mem = Z_condnetZ_memory(&g_instance);
  if (input_at != CONDNET_INPUT_OFFSET || (uint64_t)input_at + 4u * (uint64_t)CONDNET_DIM > mem->size) {
    return CONDNET_ERR_OUT_OF_MEMORY;
  }
  g_ready = 1;
  return CONDNET_OK;
}

int32_t *condnet_input(void) {
  /* 8-aligned: the memory is, and so is the offset. */
  return g_ready ? (int32_t *)(void *)(Z_condnetZ_memory(&g_instance)->data + CONDNET_INPUT_OFFSET) : NULL;
}

int32_t condnet_evaluate(const int32_t *input) {
  if (!g_ready) return CONDNET_ERR_NOT_INITIALIZED;
  if (input == NULL) return CONDNET_ERR_INPUT_LENGTH;
  memcpy(Z_condnetZ_memory(&g_instance)->data + CONDNET_INPUT_OFFSET, input, 4u * CONDNET_DIM);
  return condnet_evaluate_input();
}

int32_t condnet_evaluate_input(void) {
  if (!g_ready) return CONDNET_ERR_NOT_INITIALIZED;
  wasm_rt_trap_t trap = wasm_rt_impl_try();
  if (trap != WASM_RT_TRAP_NONE) {
    g_last_trap = (int32_t)trap;
    return CONDNET_ERR_TRAP;
  }
  return (int32_t)Z_condnetZ_evaluate(&g_instance, CONDNET_INPUT_OFFSET);
}

int32_t condnet_last_trap(void) { return g_last_trap; }

const char *condnet_strerror(int32_t code) {
  if (code >= 0) return code < (int32_t)CONDNET_CLASSES ? "class" : "not a class of this model";
  switch (code) {
    case CONDNET_ERR_NOT_INITIALIZED: return "condnet_init() has not succeeded";
    case CONDNET_ERR_OUT_OF_MEMORY: return "the input does not fit the model's memory";
    case CONDNET_ERR_INPUT_OUT_OF_DOMAIN: return "an input value lies outside the model's domain";
    case CONDNET_ERR_OUTPUT_OUT_OF_RANGE: return "the model computed a value that is not a class";
    case CONDNET_ERR_INPUT_LENGTH: return "no input (NULL)";
    case CONDNET_ERR_TRAP: return "the generated code trapped (see condnet_last_trap())";
    default: return "unknown condnet result code";
  }
}
