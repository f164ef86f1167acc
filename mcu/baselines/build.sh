#!/usr/bin/env bash
# Builds a plain-C baseline firmware for the Cortex-M4 (QEMU mps2-an386): the generated
# baseline (SRCDIR/baseline.c + baseline.h, from bench/c-baselines.ts) with
# mcu/baselines/firmware.c and the engine firmware's start-up and linker script, compiled
# with the same arm-none-eabi-gcc flags as mcu/build.sh. Run it with mcu/run.sh.
#
# usage: mcu/baselines/build.sh SRCDIR OUTDIR [--opt Os|O1|O2|O3]
# Writes OUTDIR/fw.elf, OUTDIR/fw.map and OUTDIR/sizes.txt (key=value lines: sections,
# flash, RAM, the bytes of the baseline's tables (symbols bl_*) and of baseline_eval's code,
# the marker addresses).
# Needs: arm-none-eabi-gcc + newlib (gcc-arm-none-eabi, libnewlib-arm-none-eabi),
# arm-none-eabi-size/nm. Missing tool = failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MCU="$ROOT/mcu"
die() { echo "mcu/baselines/build.sh: ERROR: $*" >&2; exit 1; }

[[ $# -ge 2 ]] || die "usage: mcu/baselines/build.sh SRCDIR OUTDIR [--opt Os|O1|O2|O3]"
SRC="$1"; OUT="$2"; shift 2
OPT=Os
while [[ $# -gt 0 ]]; do
  case "$1" in
    --opt) OPT="$2"; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done
case "$OPT" in Os|O1|O2|O3) ;; *) die "--opt must be Os, O1, O2 or O3" ;; esac
for t in arm-none-eabi-gcc arm-none-eabi-size arm-none-eabi-nm; do
  command -v "$t" >/dev/null 2>&1 || die "$t not found on PATH (Debian: apt-get install --no-install-recommends gcc-arm-none-eabi libnewlib-arm-none-eabi)"
done
[[ -f "$SRC/baseline.c" && -f "$SRC/baseline.h" ]] || die "$SRC has no baseline.c / baseline.h (bench/c-baselines.ts writes them)"
echo '#include <string.h>' | arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -E -x c - >/dev/null 2>&1 ||
  die "arm-none-eabi-gcc has no C library headers (apt-get install libnewlib-arm-none-eabi)"

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
# The flags of mcu/build.sh (the engine's firmware), so both sides meet the same compiler.
CFLAGS=(-mcpu=cortex-m4 -mthumb -mfloat-abi=soft "-$OPT" -g -std=gnu11
  -ffunction-sections -fdata-sections -fno-ipa-icf -Wall -Wextra -Werror
  -I "$SRC" -I "$MCU")
arm-none-eabi-gcc "${CFLAGS[@]}" -c "$SRC/baseline.c" -o "$OUT/baseline.o" || die "compiling $SRC/baseline.c failed"
arm-none-eabi-gcc "${CFLAGS[@]}" -c "$MCU/baselines/firmware.c" -o "$OUT/firmware.o" || die "compiling mcu/baselines/firmware.c failed"
arm-none-eabi-gcc "${CFLAGS[@]}" -c "$MCU/startup.c" -o "$OUT/startup.o" || die "compiling mcu/startup.c failed"
arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=soft -nostartfiles --specs=nano.specs -Wl,--gc-sections \
  -T "$MCU/mps2-an386.ld" -Wl,-Map="$OUT/fw.map" -o "$OUT/fw.elf" \
  "$OUT/startup.o" "$OUT/firmware.o" "$OUT/baseline.o" -lc -lgcc ||
  die "linking the baseline firmware failed"

sec() { arm-none-eabi-size -A "$OUT/fw.elf" | awk -v s="$1" '$1 == s { n = $2 } END { print n + 0 }'; }
sym() { arm-none-eabi-nm "$OUT/fw.elf" | awk -v s="$1" '$3 == s { print $1 }'; }
# Sizes (hex, nm -S) of every symbol named like the pattern, summed in decimal.
# (Debian's awk is mawk, without strtonum: the hex goes through bash arithmetic.)
symsum() {
  local total=0 addr size type name
  while read -r addr size type name; do
    [[ -n "${name:-}" && "$name" =~ $1 ]] && total=$((total + 16#$size))
  done < <(arm-none-eabi-nm -S "$OUT/fw.elf")
  echo "$total"
}
TEXT=$(( $(sec .isr_vector) + $(sec .text) + $(sec .ARM.exidx) ))
RODATA=$(sec .rodata); DATA=$(sec .data); BSS=$(sec .bss); STACK=$(sec .stack)
BEGIN=$(sym mcu_mark_begin); END=$(sym mcu_mark_end)
[[ -n "$BEGIN" && -n "$END" ]] || die "marker symbols not found in fw.elf"
{
  echo "opt=$OPT"
  echo "text=$TEXT"
  echo "rodata=$RODATA"
  echo "data=$DATA"
  echo "bss=$BSS"
  echo "stack=$STACK"
  echo "tableBytes=$(symsum '^bl_')"
  echo "codeBytes=$(symsum '^baseline_eval$')"
  echo "flash=$((TEXT + RODATA + DATA))"
  echo "ram=$((DATA + BSS + STACK))"
  echo "markBegin=0x$BEGIN"
  echo "markEnd=0x$END"
} > "$OUT/sizes.txt"
cat "$OUT/sizes.txt"
