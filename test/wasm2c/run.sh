#!/usr/bin/env bash
# wasm2c smoke test (npm run test:wasm2c): translates the release and counting engines
# build/condnet.wasm to C with wabt's wasm2c, compiles it with harness.c, and
# checks every golden case (test/golden/<name>.cnb with <name>.json beside it)
# gives the expected evaluate() result for every input. This shows the engine
# runs the same outside a JavaScript host.
#
# Needs: wasm2c + its runtime sources (Debian/Ubuntu: apt-get install wabt),
# a C compiler (cc, gcc, or $CC), node. A missing tool is a failure, not a skip.
# Generated files go to build/wasm2c/ (gitignored), rebuilt on every run.
#
# Environment overrides:
#   CC                C compiler (default: cc, else gcc)
#   WASM2C_RUNTIME    directory holding wasm-rt-impl.c (default: searched)
#   GOLDEN_DIR        directory of golden cases (default: test/golden)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/test/wasm2c"
GOLDEN="${GOLDEN_DIR:-$ROOT/test/golden}"
ENGINE="$ROOT/build/condnet.wasm"
COUNTING_ENGINE="$ROOT/build/condnet-counting.wasm"
OUT="$ROOT/build/wasm2c"

die() {
  echo "test:wasm2c: ERROR: $*" >&2
  exit 1
}

# --- tools -------------------------------------------------------------------
command -v wasm2c >/dev/null 2>&1 ||
  die "wasm2c not found on PATH (Debian/Ubuntu: apt-get install wabt)"
command -v node >/dev/null 2>&1 || die "node not found on PATH"
if [[ -z "${CC:-}" ]]; then
  if command -v cc >/dev/null 2>&1; then CC=cc
  elif command -v gcc >/dev/null 2>&1; then CC=gcc
  else die "no C compiler: neither cc nor gcc is on PATH (Debian/Ubuntu: apt-get install gcc libc6-dev)"
  fi
fi
command -v "$CC" >/dev/null 2>&1 || die "C compiler '$CC' (from \$CC) not found"

# wasm2c's output is not self-contained: it needs the runtime wasm-rt-impl.c
# (and the headers wasm-rt.h, wasm-rt-impl.h), which wabt ships as sources.
# Debian puts them in /usr/share/wabt/wasm2c (wasm-rt.h in /usr/include).
RT=""
for d in "${WASM2C_RUNTIME:-}" /usr/share/wabt/wasm2c /usr/src/wasm2c /usr/local/share/wabt/wasm2c; do
  if [[ -n "$d" && -f "$d/wasm-rt-impl.c" ]]; then RT="$d"; break; fi
done
[[ -n "$RT" ]] || die "wasm2c runtime (wasm-rt-impl.c) not found; set WASM2C_RUNTIME to its directory"
echo '#include "wasm-rt-impl.h"' | "$CC" -I "$RT" -E -x c - >/dev/null 2>&1 ||
  die "$CC cannot find wasm-rt.h / wasm-rt-impl.h (looked in $RT and the default include path)"

# --- engine ------------------------------------------------------------------
# (Re)build when missing or older than its sources, so we never test a stale engine.
if [[ ! -f "$ENGINE" || -n "$(find "$ROOT/assembly" -name '*.ts' -newer "$ENGINE" -print -quit)" ]]; then
  echo "test:wasm2c: building the engine"
  # asc directly, not `npm run`: inside npm scripts node_modules/.bin/npm is @as-pect's npm 6.
  (cd "$ROOT" && node_modules/.bin/asc assembly/index.ts --target release) || die "building the engine failed"
fi
if [[ ! -f "$COUNTING_ENGINE" || -n "$(find "$ROOT/assembly" -name '*.ts' -newer "$COUNTING_ENGINE" -print -quit)" ]]; then
  echo "test:wasm2c: building the counting engine"
  (cd "$ROOT" && node_modules/.bin/asc assembly/counting.ts --target counting) || die "building the counting engine failed"
fi

# --- translate and compile -----------------------------------------------------
# Both builds: the release engine (results) and the counting one (results and DESIGN §2's
# counts), each in its own folder since both are named `condnet`.
rm -rf "$OUT"
for build in release counting; do
  wasm="$ENGINE"
  flags=""
  if [[ "$build" == counting ]]; then wasm="$COUNTING_ENGINE"; flags="-DCONDNET_COUNTING"; fi
  mkdir -p "$OUT/$build"
  # -n fixes the module name, and so every generated C name (see harness.c).
  wasm2c "$wasm" -n condnet -o "$OUT/$build/condnet.c" || die "wasm2c failed on $wasm"
  grep -q 'Z_condnet_instantiate' "$OUT/$build/condnet.h" ||
    die "wasm2c $(wasm2c --version) generated another C API than harness.c expects (written for wabt 1.0.32: Z_condnet_instantiate, Z_condnetZ_evaluate); see $OUT/$build/condnet.h"
  "$CC" -O2 $flags -I "$OUT/$build" -I "$RT" -o "$OUT/$build/harness" \
    "$HERE/harness.c" "$OUT/$build/condnet.c" "$RT/wasm-rt-impl.c" -lm ||
    die "compiling the wasm2c output ($build) with $CC failed"
done

# --- run the golden cases ------------------------------------------------------
pass=0
fail=0
shopt -s nullglob
for blob in "$GOLDEN"/*.cnb; do
  name="$(basename "$blob" .cnb)"
  json="${blob%.cnb}.json"
  if [[ ! -f "$json" ]]; then
    echo "note: $name.cnb has no $name.json beside it; not run" >&2
    continue
  fi
  if ! node "$HERE/golden-to-text.mjs" "$json" "$OUT/$name"; then
    echo "FAIL $name: invalid golden file $json"
    fail=$((fail + 1))
    continue
  fi
  for build in release counting; do
    expected="$OUT/$name.expected"
    [[ "$build" == counting ]] && expected="$OUT/$name.expected-counts"
    actual="$OUT/$build/$name.actual"
    status=0
    "$OUT/$build/harness" "$blob" "$OUT/$name.in" >"$actual" 2>"$OUT/$build/$name.err" || status=$?
    if ((status != 0)); then
      echo "FAIL $name ($build): harness exited with status $status: $(cat "$OUT/$build/$name.err")"
      fail=$((fail + 1))
    elif cmp -s "$expected" "$actual"; then
      echo "ok   $name ($build: $(wc -l <"$expected") inputs$([[ "$build" == counting ]] && echo ', results and counts'))"
      pass=$((pass + 1))
    else
      echo "FAIL $name ($build):"
      # input line | expected | actual, side by side; print only the differences.
      paste -d '|' <(tail -n +2 "$OUT/$name.in") "$expected" "$actual" |
        awk -F '|' '$2 != $3 { printf "  input #%d [%s]: expected %s, got %s\n", NR - 1, $1, ($2 == "" ? "(none)" : $2), ($3 == "" ? "(none)" : $3) }'
      fail=$((fail + 1))
    fi
  done
done

((pass + fail > 0)) || die "no golden cases (*.cnb with a .json beside it) in $GOLDEN"
echo "$pass passed, $fail failed"
((fail == 0))
