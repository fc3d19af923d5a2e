#!/usr/bin/env bash
# Builds berichtd with warnings as errors and runs every test: unit tests, storage tests on
# SQLite and on a throw-away PostgreSQL 15 cluster, daemon integration tests, the out-of-tree
# SDK example, the systemd unit check, and a short benchmark run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
build=${BERICHTD_TEST_BUILD_DIR:-build-test}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBERICHTD_WERROR=ON -DBERICHTD_BUILD_TESTS=ON -DBERICHTD_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j2

pgdir=$(mktemp -d /tmp/berichtd-pg.XXXXXX)
trap 'scripts/pg-test-cluster.sh stop "$pgdir" >/dev/null 2>&1 || true' EXIT
BERICHTD_TEST_PG_URL=$(scripts/pg-test-cluster.sh start "$pgdir")
export BERICHTD_TEST_PG_URL
export BERICHTD_REQUIRE_PG=1

ctest --test-dir "$build" --output-on-failure -j2 --timeout 300
