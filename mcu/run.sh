#!/usr/bin/env bash
# Runs a firmware built by mcu/build.sh in QEMU (mps2-an386, Cortex-M4) with
# semihosting, and counts instructions per inference with mcu/insn-plugin.c.
#
# usage: mcu/run.sh FWDIR INPUTS.bin [--no-plugin] [--timeout SECONDS]
#   FWDIR       holds fw.elf and sizes.txt (markBegin/markEnd) from mcu/build.sh
#   INPUTS.bin  "CNMI", u32 dim, u32 count, then count × dim i32 (little-endian)
# Writes FWDIR/out.txt (the firmware's output) and FWDIR/counts.txt (instructions
# per begin/end pair, the first being the empty calibration pair). Exit status:
# the firmware's (0 ok, 1 model rejected, 2 bad inputs, 3 CPU fault, 4 engine trap),
# 124 on a timeout, 1 on a missing tool.
# Needs: qemu-system-arm (Debian qemu-system-arm, 7.2 with TCG plugins), gcc (for the plugin).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { echo "mcu/run.sh: ERROR: $*" >&2; exit 1; }
[[ $# -ge 2 ]] || die "usage: mcu/run.sh FWDIR INPUTS.bin [--no-plugin] [--timeout SECONDS]"
FW="$(cd "$1" && pwd)"; INPUTS="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2
PLUGIN=1; TIMEOUT=600
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-plugin) PLUGIN=0; shift ;;
    --timeout) TIMEOUT="$2"; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done
command -v qemu-system-arm >/dev/null 2>&1 || die "qemu-system-arm not found (apt-get install --no-install-recommends qemu-system-arm)"
[[ -f "$FW/fw.elf" && -f "$FW/sizes.txt" ]] || die "$FW has no fw.elf / sizes.txt (run mcu/build.sh first)"
[[ -f "$INPUTS" ]] || die "inputs file $INPUTS not found"

ARGS=()
if [[ $PLUGIN == 1 ]]; then
  CC="${CC:-gcc}"
  command -v "$CC" >/dev/null 2>&1 || die "$CC not found: the QEMU plugin is built for the host (apt-get install gcc libc6-dev)"
  SO="$ROOT/build/mcu/libinsn.so"
  mkdir -p "$ROOT/build/mcu"
  if [[ ! -f "$SO" || "$ROOT/mcu/insn-plugin.c" -nt "$SO" ]]; then
    "$CC" -O2 -shared -fPIC -Wall -o "$SO.tmp.$$" "$ROOT/mcu/insn-plugin.c" || die "building the QEMU plugin failed"
    mv "$SO.tmp.$$" "$SO"
  fi
  BEGIN="$(sed -n 's/^markBegin=//p' "$FW/sizes.txt")"; END="$(sed -n 's/^markEnd=//p' "$FW/sizes.txt")"
  rm -f "$FW/counts.txt"
  ARGS=(-plugin "$SO,begin=$BEGIN,end=$END,out=$FW/counts.txt")
fi

# The firmware opens "inputs.bin" relative to QEMU's working directory.
ln -sf "$INPUTS" "$FW/inputs.bin"
rm -f "$FW/out.txt"
cd "$FW"
status=0
timeout "$TIMEOUT" qemu-system-arm -M mps2-an386 -cpu cortex-m4 -nographic -monitor none -serial null \
  -chardev file,id=semihost,path="$FW/out.txt" \
  -semihosting-config enable=on,target=native,chardev=semihost \
  "${ARGS[@]}" -kernel "$FW/fw.elf" || status=$?
if [[ $status == 124 ]]; then echo "mcu/run.sh: QEMU timed out after ${TIMEOUT}s" >&2; fi
exit $status
