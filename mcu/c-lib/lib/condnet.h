/*
 * condnet C library: one memorized model, compiled to C, for firmware (docs/C-LIBRARY.md).
 *
 * Written by `condnet export <model> --format c-lib -o DIR` into DIR/lib/, with:
 *   condnet.h           this API (the only header a firmware includes)
 *   condnet_config.h    the model's facts: CONDNET_DIM, CONDNET_CLASSES, quantization, memory
 *   condnet.c           the API's implementation
 *   condnet_model.c/.h  the model: `condnet compile` for the device, then wasm2c (generated)
 *   condnet_rt.c        the runtime the generated C needs (static memory, no malloc/mmap/signals)
 *   wasm-rt.h, wasm-rt-impl.h, LICENSE-wabt.txt   wasm2c's runtime headers (wabt, Apache-2.0)
 * Compile every .c file of lib/ with lib/ on the include path; C99 or later (gnu11 tested),
 * no other flag needed. Needs <string.h> (memcpy, memset) and <setjmp.h> from the C library.
 *
 * Input layout: one input is CONDNET_DIM int32_t values, feature 0 first, each the feature's
 * value quantized as the model was built (condnet_config.h): x_q = round(x * CONDNET_QUANT_SCALE),
 * halves away from zero. A value outside the domain the model declares gives
 * CONDNET_ERR_INPUT_OUT_OF_DOMAIN, never a class.
 *
 * Memory: all state is static. RAM is CONDNET_MEMORY_BYTES of linear memory (the model's
 * data and one input; an array named condnet_linear_memory, 8-aligned, in .bss) plus a few
 * hundred bytes of runtime state (a jmp_buf among them); there is no heap. The model's
 * code and tables are in flash (const). Stack: condnet_evaluate() of a tree model uses about a
 * hundred bytes, of a search model several KiB (wasm2c keeps the unrolled projection's values
 * as C locals); docs/C-LIBRARY.md has the figures measured on a Cortex-M4.
 *
 * Threads and interrupts: the library is not reentrant. It holds one model instance and one
 * trap buffer; call condnet_init() and condnet_evaluate() from one thread (or guard them with
 * a mutex), and never from an interrupt handler that may preempt another call. One model per
 * firmware image: two exported libraries define the same symbols (condnet_*, Z_condnet*,
 * wasm_rt_*), as would another wasm2c module with its own runtime.
 */
#ifndef CONDNET_H
#define CONDNET_H

#include <stdint.h>

#include "condnet_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Results. condnet_evaluate() returns a class, 0 … CONDNET_CLASSES − 1, or one of these
 * (negative). -32 … -35 are the engine's own codes (docs/FORMAT.md), negated. */
#define CONDNET_OK 0
/** An evaluation before a successful condnet_init(). */
#define CONDNET_ERR_NOT_INITIALIZED (-32)
/** The input did not fit the model's linear memory (should not happen: the size is fixed). */
#define CONDNET_ERR_OUT_OF_MEMORY (-33)
/** An input value lies outside the domain the model declares: no class. */
#define CONDNET_ERR_INPUT_OUT_OF_DOMAIN (-34)
/** The model computed a value outside 0 … CONDNET_CLASSES − 1 (program and dense kinds). */
#define CONDNET_ERR_OUTPUT_OUT_OF_RANGE (-35)
/** The input pointer is NULL. */
#define CONDNET_ERR_INPUT_LENGTH (-36)
/** The generated code trapped (a WebAssembly trap: out-of-bounds access, unreachable).
 *  A bug, not a property of the input; condnet_last_trap() tells which. */
#define CONDNET_ERR_TRAP (-48)

/**
 * Set the model up: zero the linear memory and load the model's data into it. Call once at
 * start-up, before condnet_evaluate(); calling it again starts over (same result). Runs in
 * time proportional to CONDNET_MEMORY_BYTES.
 * Returns CONDNET_OK, or CONDNET_ERR_TRAP if the runtime refused the module (it does not for
 * a module `condnet export` wrote).
 */
int32_t condnet_init(void);

/**
 * Evaluate one input: `input` points to CONDNET_DIM quantized values (see above; any
 * alignment; only read). Copies them into the linear memory and runs the model.
 * Returns the class, 0 … CONDNET_CLASSES − 1, or a negative CONDNET_ERR_* code.
 */
int32_t condnet_evaluate(const int32_t *input);

/**
 * The input's place in the linear memory (CONDNET_DIM int32_t, 8-aligned), NULL before a
 * successful condnet_init(). Writing the values there and calling condnet_evaluate_input()
 * saves condnet_evaluate()'s copy of the whole row (CONDNET_DIM × 4 bytes, most of the time
 * of a tree, which reads only the values on its path). The place stays the same until the next
 * condnet_init(); the model does not change what is written there.
 */
int32_t *condnet_input(void);

/** Evaluate the input written at condnet_input(): as condnet_evaluate(), without the copy. */
int32_t condnet_evaluate_input(void);

/** A short English description of a result code (a class gives "class"); never NULL. */
const char *condnet_strerror(int32_t code);

/** After CONDNET_ERR_TRAP: wasm2c's trap code (wasm_rt_trap_t, 0 if none yet). */
int32_t condnet_last_trap(void);

#ifdef __cplusplus
}
#endif

#endif /* CONDNET_H */
