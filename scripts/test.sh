#!/usr/bin/env bash
# Builds berichtd with warnings as errors and runs every test: unit tests, storage tests on
# SQLite and on a throw-away PostgreSQL 15 cluster, daemon integration tests, the out-of-tree
# SDK example, the systemd unit check and a build of the benchmarks. Then the same suite under
# AddressSanitizer+UndefinedBehaviorSanitizer, and the unit tests and the storage tests labelled
# `concurrency` (group commit, invoice numbers, the outbox dispatcher) under ThreadSanitizer.
# BERICHTD_TEST_SANITIZERS=0 skips the sanitizer passes (a quicker local loop).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
build=${BERICHTD_TEST_BUILD_DIR:-build-test}

configure_and_build() {  # DIR [--target T] [cmake args...]
  local dir=$1
  shift
  local target=()
  if [[ "${1:-}" == "--target" ]]; then
    target=(--target "$2")
    shift 2
  fi
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBERICHTD_WERROR=ON \
    -DBERICHTD_BUILD_TESTS=ON "$@" >/dev/null
  cmake --build "$dir" -j2 "${target[@]}"
}

# The first pass at -O2 without debug information: the optimiser's warnings stay, and dropping
# -g saves a good part of the compile time (CI has 30 minutes on 2 cores for all three passes;
# the sanitizer passes below keep line tables for their reports).
configure_and_build "$build" -DBERICHTD_BUILD_BENCH=ON "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -DNDEBUG"

pgdir=$(mktemp -d /tmp/berichtd-pg.XXXXXX)
trap 'scripts/pg-test-cluster.sh stop "$pgdir" >/dev/null 2>&1 || true' EXIT
BERICHTD_TEST_PG_URL=$(scripts/pg-test-cluster.sh start "$pgdir")
export BERICHTD_TEST_PG_URL
export BERICHTD_REQUIRE_PG=1

echo "== tests"
ctest --test-dir "$build" --output-on-failure -j2 --timeout 300

if [[ "${BERICHTD_TEST_SANITIZERS:-1}" != "0" ]]; then
  # Sanitizer builds at -O1 with line tables only (-g1): half the compile time of -O2 -g, still
  # function names and lines in every report; keeps CI under its 30 minutes on 2 cores.
  sanitizer_flags="-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG"
  echo "== tests under AddressSanitizer + UndefinedBehaviorSanitizer"
  configure_and_build "$build-asan" -DBERICHTD_SANITIZE=address,undefined "$sanitizer_flags"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$build-asan" --output-on-failure -j2 --timeout 300 -E sdk_out_of_tree

  echo "== unit and concurrency tests under ThreadSanitizer"
  # Only the binaries of the labels it runs (the daemon and plugin builds are the ASan pass's).
  configure_and_build "$build-tsan" --target unit_and_concurrency_tests -DBERICHTD_SANITIZE=thread \
    "$sanitizer_flags"
  TSAN_OPTIONS="suppressions=$PWD/tests/tsan.supp halt_on_error=1" \
    ctest --test-dir "$build-tsan" --output-on-failure -j2 --timeout 300 -L "unit|concurrency"
fi
