#!/usr/bin/env bash
# Installs the SDK into a temporary prefix, builds sdk/examples/echo-plugin out of tree with
# find_package(berichtd-sdk), then has the daemon's loader load and call the result.
set -euo pipefail
build_dir=$1 source_dir=$2 plugin_test=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --component sdk --prefix "$work/prefix" >/dev/null
cmake -S "$source_dir/sdk/examples/echo-plugin" -B "$work/build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build"
test -f "$work/build/berichtd-example-echo.so"
# Only the four ABI entry points are exported.
exported=$(nm -D --defined-only "$work/build/berichtd-example-echo.so" | awk '$2 == "T" {print $3}' | sort | tr '\n' ' ')
if [[ "$exported" != "berichtd_plugin_create berichtd_plugin_destroy berichtd_plugin_handle berichtd_plugin_metadata " ]]; then
  echo "unexpected exported symbols: $exported" >&2
  exit 1
fi
BERICHTD_EXAMPLE_PLUGIN_DIR="$work/build" "$plugin_test" --gtest_filter='OutOfTree.*' --gtest_also_run_disabled_tests
