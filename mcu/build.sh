#!/usr/bin/env bash
# Builds the condnet firmware for the Cortex-M4 (QEMU mps2-an386):
#   engine .wasm --wasm2c--> C --arm-none-eabi-gcc--> ELF, with the model as a
#   const array in flash and the bare-metal wasm2c runtime (mcu/wasm-rt-mcu.c).
#
# usage: mcu/build.sh MODEL.cnb OUTDIR [options]
#   --engine release|counting   the engine profile of the model's kind, release or counting
#                               (default release); full|full-counting: the whole engine
#   --opt Os|O2|O3              optimization (default Os)
#   --empty-model               an empty model array (for flash "without the model")
#   --memory BYTES              linear memory (default: what the model needs: blob, scratch, one input)
#   --stack BYTES               stack reserved (default 8192; runMcu measures, then reserves
#                               the high-water mark plus a margin)
#   --compiled MODULE.wasm      the model compiled for the device (`condnet compile`, host/compile),
#                               in place of the engine and the model array (--engine counting:
#                               the module's counting variant)
#   --inputs PATH               inputs file the firmware opens (default inputs.bin, relative
#                               to QEMU's working directory)
# Writes OUTDIR/fw.elf, OUTDIR/model.h, OUTDIR/sizes.txt (key=value lines).
# Needs: wasm2c (wabt), arm-none-eabi-gcc + newlib (gcc-arm-none-eabi,
# libnewlib-arm-none-eabi), arm-none-eabi-size/nm, node. Missing tool = failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MCU="$ROOT/mcu"
die() { echo "mcu/build.sh: ERROR: $*" >&2; exit 1; }

[[ $# -ge 2 ]] || die "usage: mcu/build.sh MODEL.cnb OUTDIR [--engine release|counting] [--opt Os|O2] [--empty-model] [--memory BYTES] [--stack BYTES] [--inputs PATH]"
MODEL="$1"; OUT="$2"; shift 2
ENGINE=release; OPT=Os; EMPTY=0; MEMORY=""; STACK=8192; INPUTS="inputs.bin"; COMPILED=""; MODEL_CFLAGS=""; LTO=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --engine) ENGINE="$2"; shift 2 ;;
    --opt) OPT="$2"; shift 2 ;;
    --empty-model) EMPTY=1; shift ;;
    --memory) MEMORY="$2"; shift 2 ;;
    --stack) STACK="$2"; shift 2 ;;
    --compiled) COMPILED="$2"; shift 2 ;;
    --inputs) INPUTS="$2"; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done
# The engine: the profile of the model's kind (assembly/profile.ts), release or counting; the
# counting profiles are built here on first use. --engine full takes the whole engine.
KIND_NAME="$(node -e 'const b=require("fs").readFileSync(process.argv[1]); if (b.length < 64) process.exit(1); const k=["","search","tree","dense","program","graph"][b[16]]; if (!k) process.exit(1); console.log(k)' "$MODEL")" ||
  die "$MODEL: not a blob of a kind this version runs"
case "$ENGINE" in
  release) TARGET="$KIND_NAME"; DEFS="" ;;
  counting) TARGET="$KIND_NAME-counting"; DEFS="-DMCU_COUNTING" ;;
  full) TARGET="release"; DEFS="" ;;
  full-counting) TARGET="counting"; DEFS="-DMCU_COUNTING" ;;
  *) die "--engine must be release, counting, full or full-counting" ;;
esac
case "$TARGET" in
  release) WASM="$ROOT/build/condnet.wasm" ;;
  counting) WASM="$ROOT/build/condnet-counting.wasm" ;;
  *) WASM="$ROOT/build/condnet-$TARGET.wasm" ;;
esac
if [[ -n "$COMPILED" ]]; then
  [[ -f "$COMPILED" ]] || die "compiled module $COMPILED not found"
  WASM="$COMPILED"; DEFS="$DEFS -DMCU_COMPILED"
  # gcc's second scheduling pass moves each test's domain `or` between its compare and its
  # branch, where the flags are live, forcing the 4-byte encoding: 1,750 bytes on the
  # MNIST tree for no instruction saved (docs/MCU.md).
  MODEL_CFLAGS="-fno-schedule-insns2"
  # Link-time optimization lets gcc inline the model's evaluate into the firmware's loop. Not for
  # the interpreter: inlined into main, its tree walk runs out of registers and spills (MNIST
  # tree 253.1 instructions with it, 236.7 without; docs/MCU.md).
  LTO="-flto=auto"
elif [[ "$TARGET" == *-counting && ! -f "$WASM" ]]; then
  (cd "$ROOT" && node scripts/build-engines.mjs "$TARGET") || die "building the $TARGET engine profile failed"
fi
case "$OPT" in Os|O2|O3|O1) ;; *) die "--opt must be Os, O1, O2 or O3" ;; esac

for t in wasm2c arm-none-eabi-gcc arm-none-eabi-size arm-none-eabi-nm node; do
  command -v "$t" >/dev/null 2>&1 || die "$t not found on PATH (Debian: apt-get install --no-install-recommends wabt gcc-arm-none-eabi libnewlib-arm-none-eabi nodejs)"
done
[[ -f "$WASM" ]] || die "$WASM missing (npm run build:engine)"
[[ -f "$MODEL" ]] || die "model $MODEL not found"
# wasm2c's headers: Debian puts wasm-rt.h in /usr/include and wasm-rt-impl.h in
# /usr/share/wabt/wasm2c. Only these two are copied for the cross compiler, which must
# not see the host's /usr/include.
WASM_RT_H=""; WASM_RT_IMPL_H=""
for d in "${WASM_RT_INCLUDE:-}" /usr/include /usr/share/wabt/wasm2c /usr/local/include /usr/local/share/wabt/wasm2c; do
  [[ -n "$d" && -z "$WASM_RT_H" && -f "$d/wasm-rt.h" ]] && WASM_RT_H="$d/wasm-rt.h"
  [[ -n "$d" && -z "$WASM_RT_IMPL_H" && -f "$d/wasm-rt-impl.h" ]] && WASM_RT_IMPL_H="$d/wasm-rt-impl.h"
done
[[ -n "$WASM_RT_H" ]] || die "wasm-rt.h not found (apt-get install wabt, or set WASM_RT_INCLUDE)"
[[ -n "$WASM_RT_IMPL_H" ]] || die "wasm-rt-impl.h not found (apt-get install wabt, or set WASM_RT_INCLUDE)"
echo '#include <string.h>' | arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -E -x c - >/dev/null 2>&1 ||
  die "arm-none-eabi-gcc has no C library headers (apt-get install libnewlib-arm-none-eabi)"

mkdir -p "$OUT/rt"
OUT="$(cd "$OUT" && pwd)"
RTINC="$OUT/rt"
cp "$WASM_RT_H" "$WASM_RT_IMPL_H" "$RTINC/"

# --- engine to C ------------------------------------------------------------------
wasm2c "$WASM" -n condnet -o "$OUT/condnet.c" || die "wasm2c failed on $WASM"
grep -q 'Z_condnet_instantiate' "$OUT/condnet.h" ||
  die "wasm2c $(wasm2c --version) generated another C API than mcu/firmware.c expects (wabt 1.0.32: Z_condnet_instantiate)"
# Loads and stores against the fixed-size memory, inlined (mcu/wasm2c-fixup.mjs says why).
node "$MCU/wasm2c-fixup.mjs" "$OUT/condnet.c" || die "mcu/wasm2c-fixup.mjs failed on the wasm2c output"

# --- model header and linear-memory size --------------------------------------
# The model array comes from `condnet export --format c` (host/export/flash.ts) when the
# host is built; the empty-model build (and a host without that command) uses
# mcu/model-header.mjs. model.h maps either onto MCU_MODEL / MCU_MODEL_LEN. A compiled model
# has no array: its memory is one input after its heapBase.
if [[ -n "$COMPILED" ]]; then
  node -e '
    const fs = require("fs");
    const ex = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(process.argv[1])), {}).exports;
    const dim = fs.readFileSync(process.argv[2]).readUInt32LE(20);
    console.log(`heapBase=${ex.heapBase()}`); console.log(`dim=${dim}`);
    console.log(`bytesNeeded=${((ex.heapBase() + 7) & ~7) + 4 * dim}`);' "$COMPILED" "$MODEL" > "$OUT/model-info.txt" ||
    die "reading the compiled module failed"
elif [[ $EMPTY == 0 && -f "$ROOT/dist/host/cli/export.js" ]]; then
  node "$ROOT/dist/host/cli/main.js" export "$MODEL" --format c --symbol mcu_model -o "$OUT/mcu_model.h" ||
    die "condnet export --format c failed on $MODEL"
  printf '%s\n' '/* Generated by mcu/build.sh: the model from `condnet export --format c`, which' \
    ' * defines mcu_model[] (8-aligned) and MCU_MODEL_LEN. */' '#include "mcu_model.h"' '#define MCU_MODEL mcu_model' > "$OUT/model.h"
  node "$MCU/model-header.mjs" "$MODEL" - "$WASM" > "$OUT/model-info.txt" || die "reading $MODEL failed"
else
  node "$MCU/model-header.mjs" "$MODEL" "$OUT/model.h" "$WASM" $([[ $EMPTY == 1 ]] && echo --empty) > "$OUT/model-info.txt" ||
    die "writing the model header failed"
fi
NEED_BYTES="$(sed -n 's/^bytesNeeded=//p' "$OUT/model-info.txt")"
[[ -n "$MEMORY" ]] || MEMORY="$NEED_BYTES"

# --- compile -------------------------------------------------------------------
# -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0: explicit bounds checks (no mmap/signals), against the
# fixed MCU_MEM_BYTES (mcu/wasm2c-fixup.mjs). -DWASM_RT_USE_STACK_DEPTH_COUNT=0: no call-depth
# counter on every call; the engine never recurses, so its stack is bounded, and the stack the
# firmware reserves is measured (docs/MCU.md).
CFLAGS=(-mcpu=cortex-m4 -mthumb -mfloat-abi=soft "-$OPT" -g -std=gnu11
  -ffunction-sections -fdata-sections -fno-ipa-icf $LTO
  -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0 -DWASM_RT_USE_STACK_DEPTH_COUNT=0 -DMCU_MEM_BYTES="$MEMORY"u -DMCU_INPUTS="\"$INPUTS\"" $DEFS
  -I "$OUT" -I "$MCU" -I "$RTINC")
arm-none-eabi-gcc "${CFLAGS[@]}" $MODEL_CFLAGS -w -c "$OUT/condnet.c" -o "$OUT/condnet.o" || die "compiling the wasm2c output failed"
for f in wasm-rt-mcu startup firmware; do
  arm-none-eabi-gcc "${CFLAGS[@]}" -Wall -c "$MCU/$f.c" -o "$OUT/$f.o" || die "compiling mcu/$f.c failed"
done
arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=soft "-$OPT" $LTO -nostartfiles --specs=nano.specs -Wl,--gc-sections -Wl,--defsym=STACK_SIZE="$STACK" \
  -T "$MCU/mps2-an386.ld" -Wl,-Map="$OUT/fw.map" -o "$OUT/fw.elf" \
  "$OUT/startup.o" "$OUT/firmware.o" "$OUT/wasm-rt-mcu.o" "$OUT/condnet.o" -lc -lgcc ||
  die "linking the firmware failed"

# --- sizes and markers -------------------------------------------------------------
sec() { arm-none-eabi-size -A "$OUT/fw.elf" | awk -v s="$1" '$1 == s { n = $2 } END { print n + 0 }'; }
sym() { arm-none-eabi-nm "$OUT/fw.elf" | awk -v s="$1" '$3 == s { print $1 }'; }
symsize() { local h; h=$(arm-none-eabi-nm -S "$OUT/fw.elf" | awk -v s="$1" '$4 == s { print $2 }'); [[ -n "$h" ]] && echo $((16#$h)) || echo 0; }
TEXT=$(( $(sec .isr_vector) + $(sec .text) + $(sec .ARM.exidx) ))
RODATA=$(sec .rodata); DATA=$(sec .data); BSS=$(sec .bss); WMEM=$(sec .wasm_memory); STACK=$(sec .stack)
MODEL_BYTES=$(symsize mcu_model); MODEL_BYTES=${MODEL_BYTES:-0}
# A compiled model is its module's functions (wasm2c names them w2c_*; link-time optimization
# keeps the names, with suffixes) and its data segments, which LTO may leave without a symbol:
# their bytes are counted in the C wasm2c wrote (each byte one 0x.. literal).
if [[ -n "$COMPILED" ]]; then
  MODEL_BYTES=$(awk '/^static const u8 data_segment_data_w2c_/ { on = 1; next } on && /^};/ { on = 0 } on { n += gsub(/0x/, "") } END { print n + 0 }' "$OUT/condnet.c")
  for h in $(arm-none-eabi-nm -S "$OUT/fw.elf" | awk 'NF == 4 && $3 ~ /^[tT]$/ && $4 ~ /^w2c_/ { print $2 }'); do
    MODEL_BYTES=$((MODEL_BYTES + 16#$h))
  done
fi
BEGIN=$(sym mcu_mark_begin); END=$(sym mcu_mark_end)
[[ -n "$BEGIN" && -n "$END" ]] || die "marker symbols not found in fw.elf"
{
  echo "engine=$(basename "$WASM")"
  echo "opt=$OPT"
  echo "text=$TEXT"
  echo "rodata=$RODATA"
  echo "data=$DATA"
  echo "bss=$BSS"
  echo "wasmMemory=$WMEM"
  echo "stack=$STACK"
  echo "modelBytes=$MODEL_BYTES"
  echo "flash=$((TEXT + RODATA + DATA))"
  echo "flashWithoutModel=$((TEXT + RODATA + DATA - MODEL_BYTES))"
  echo "ram=$((DATA + BSS + WMEM + STACK))"
  echo "memoryBytes=$MEMORY"
  echo "markBegin=0x$BEGIN"
  echo "markEnd=0x$END"
} > "$OUT/sizes.txt"
cat "$OUT/sizes.txt"
