/*
 * condnet's QEMU TCG plugin: exact instruction counts per inference.
 *
 * QEMU 7.2 (Debian bookworm) has plugin support compiled in but ships no
 * plugins and no qemu-plugin.h, so the few API functions used here are
 * declared below from QEMU's documented plugin API (version 1 in 7.2).
 *
 * Every executed guest instruction adds 1 to a counter (an inline add, no
 * callback). An exec callback on the first instruction of the begin marker
 * saves the counter; one on the end marker's records the difference: the
 * instructions executed from the begin marker's first instruction up to,
 * not including, the end marker's first instruction.
 *
 *   qemu-system-arm ... -plugin ./libinsn.so,begin=0xADDR,end=0xADDR,out=FILE
 *
 * begin/end: the markers' addresses (arm-none-eabi-nm; the Thumb bit is
 * ignored). out: one count per begin/end pair, one per line, in order (the
 * firmware's first pair is an empty calibration pair). A summary goes to
 * QEMU's log (stderr) at exit. Single vCPU (mps2-an386).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the plugin API subset (QEMU 7.2, include/qemu/qemu-plugin.h) ---------- */
#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))
#define QEMU_PLUGIN_VERSION 1
typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t {
  const char *target_name;
  struct { int min; int cur; } version;
  bool system_emulation;
  union { struct { int smp_vcpus; int max_vcpus; } system; };
} qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn, enum qemu_plugin_op op, void *ptr,
                                                uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
void qemu_plugin_outs(const char *string);

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/* ---- counting ------------------------------------------------------------ */
static uint64_t g_insns;     /* every instruction executed */
static uint64_t g_start;     /* g_insns at the begin marker */
static bool g_open;          /* between begin and end */
static uint64_t g_begin, g_end;
static FILE *g_out;
static uint64_t g_pairs, g_unmatched;

static void on_begin(unsigned int vcpu, void *ud) {
  (void)vcpu; (void)ud;
  if (g_open) g_unmatched++;
  g_start = g_insns;
  g_open = true;
}

static void on_end(unsigned int vcpu, void *ud) {
  (void)vcpu; (void)ud;
  if (!g_open) { g_unmatched++; return; }
  g_open = false;
  g_pairs++;
  if (g_out) fprintf(g_out, "%" PRIu64 "\n", g_insns - g_start);
}

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  size_t n = qemu_plugin_tb_n_insns(tb);
  for (size_t i = 0; i < n; i++) {
    struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
    uint64_t va = qemu_plugin_insn_vaddr(insn) & ~(uint64_t)1;
    /* Callbacks first: each sees the counter before its own instruction's add. */
    if (va == g_begin) qemu_plugin_register_vcpu_insn_exec_cb(insn, on_begin, QEMU_PLUGIN_CB_NO_REGS, NULL);
    if (va == g_end) qemu_plugin_register_vcpu_insn_exec_cb(insn, on_end, QEMU_PLUGIN_CB_NO_REGS, NULL);
    qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &g_insns, 1);
  }
}

static void plugin_exit(qemu_plugin_id_t id, void *ud) {
  (void)id; (void)ud;
  char buf[256];
  snprintf(buf, sizeof buf, "insn-plugin: %" PRIu64 " instructions in all, %" PRIu64 " begin/end pairs, %" PRIu64 " unmatched markers\n",
           g_insns, g_pairs, g_unmatched);
  qemu_plugin_outs(buf);
  if (g_out) { fclose(g_out); g_out = NULL; }
}

static bool parse_addr(const char *s, uint64_t *v) {
  char *end;
  *v = strtoull(s, &end, 0);
  return *s && !*end;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv) {
  (void)info;
  bool have_begin = false, have_end = false;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (!strncmp(a, "begin=", 6)) have_begin = parse_addr(a + 6, &g_begin);
    else if (!strncmp(a, "end=", 4)) have_end = parse_addr(a + 4, &g_end);
    else if (!strncmp(a, "out=", 4)) {
      g_out = fopen(a + 4, "w");
      if (!g_out) { fprintf(stderr, "insn-plugin: cannot write %s\n", a + 4); return -1; }
    } else { fprintf(stderr, "insn-plugin: unknown argument %s\n", a); return -1; }
  }
  if (!have_begin || !have_end) { fprintf(stderr, "insn-plugin: needs begin=0xADDR,end=0xADDR\n"); return -1; }
  g_begin &= ~(uint64_t)1;
  g_end &= ~(uint64_t)1;
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
  qemu_plugin_register_atexit_cb(id, plugin_exit, NULL);
  return 0;
}
