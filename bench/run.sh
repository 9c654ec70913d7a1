#!/usr/bin/env bash
# akvault benchmark suite: installs what is missing, builds akvault (Release), generates data in a
# temporary folder, runs every benchmark side by side with its reference tool and prints a table.
#
#   bench/run.sh                 full run (~10-15 min on 2 cores)
#   BENCH_QUICK=1 bench/run.sh   smoke run, data 10x smaller (~2 min)
#
# Other knobs: BENCH_ONLY=a,b,c,d,e,f,h (subset), BENCH_KEEP=1 (keep the data folder),
# BENCH_WORKDIR=DIR, BENCH_OUT=FILE (also write the table there), BENCH_BUILD_DIR (default
# build-bench), BENCH_NO_INSTALL=1 (never call apt-get).
# Exit status: 0 when every target passes, 1 when any is missed or the run failed.
# See docs/benchmarks.md for what each benchmark measures.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${BENCH_BUILD_DIR:-$ROOT/build-bench}"

# ---- tools: command -> Debian package
declare -A PKG=(
  [hyperfine]=hyperfine [sqlite3]=sqlite3 [age]=age [age-keygen]=age [keepassxc-cli]=keepassxc
  [python3]=python3 [strace]=strace [cmake]=cmake [g++]=g++ [pkg-config]=pkg-config
)
missing=()
for cmd in "${!PKG[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${PKG[$cmd]}")
done
[ -x /usr/bin/time ] || missing+=(time)
# build dependencies of akvault (headers found by its CMakeLists)
pkg-config --exists libsodium 2>/dev/null || missing+=(libsodium-dev)
pkg-config --exists sqlite3 2>/dev/null || missing+=(libsqlite3-dev)
[ -e /usr/include/CLI/CLI.hpp ] || missing+=(libcli11-dev)
[ -e /usr/include/nlohmann/json.hpp ] || missing+=(nlohmann-json3-dev)
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  if [ -n "${BENCH_NO_INSTALL:-}" ]; then
    echo "bench: missing packages: ${missing[*]} (BENCH_NO_INSTALL set: not installing)" >&2
  else
    echo "bench: installing ${missing[*]}" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    # keepassxc pulls a GUI stack; --no-install-recommends keeps it to what keepassxc-cli needs
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi
for req in sqlite3 age python3 cmake; do
  command -v "$req" >/dev/null || { echo "bench: $req is required" >&2; exit 1; }
done

# ---- build akvault (Release) and the bare Argon2id helper
echo "bench: building akvault (Release) in $BUILD" >&2
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DAKVAULT_BUILD_TESTS=OFF -DAKVAULT_BUILD_BENCH=ON --no-warn-unused-cli \
  -Wno-dev >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target akvault >/dev/null
AKVAULT="$(find "$BUILD" -type f -name akvault -perm -u+x | head -n1)"
[ -x "$AKVAULT" ] || { echo "bench: no akvault binary under $BUILD" >&2; exit 1; }
# argon2_bare: through CMake when the top-level build has AKVAULT_BUILD_BENCH wired, else directly
BARE=""
if cmake --build "$BUILD" --target argon2_bare >/dev/null 2>&1; then
  BARE="$(find "$BUILD" -type f -name argon2_bare -perm -u+x | head -n1)"
fi
if [ -z "$BARE" ]; then
  BARE="$BUILD/bench-helpers/argon2_bare"
  mkdir -p "$(dirname "$BARE")"
  # shellcheck disable=SC2046
  g++ -std=c++20 -O2 "$ROOT/bench/argon2_bare.cc" $(pkg-config --cflags --libs libsodium) -o "$BARE"
fi

# ---- machine
echo "bench: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), \
$(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "bench: akvault $("$AKVAULT" --version 2>&1 | head -n1), sqlite3 $(sqlite3 --version | cut -d' ' -f1), \
age $(age --version), keepassxc-cli $(keepassxc-cli --version 2>/dev/null || echo none), \
hyperfine $(hyperfine --version 2>/dev/null | cut -d' ' -f2 || echo none)" >&2

args=(--akvault "$AKVAULT" --argon2-bare "$BARE")
[ -n "${BENCH_QUICK:-}" ] && [ "${BENCH_QUICK}" != 0 ] && args+=(--quick)
[ -n "${BENCH_ONLY:-}" ] && args+=(--only "$BENCH_ONLY")
[ -n "${BENCH_KEEP:-}" ] && args+=(--keep)
[ -n "${BENCH_WORKDIR:-}" ] && args+=(--workdir "$BENCH_WORKDIR")
[ -n "${BENCH_OUT:-}" ] && args+=(--out "$BENCH_OUT")
exec python3 "$ROOT/bench/bench.py" "${args[@]}"
