#!/bin/sh
# Builds the release executables and prints the benchmark table (docs/benchmarks.md).
#   scripts/bench.sh            full run, about a minute and a half on 2 cores
#   scripts/bench.sh --quick    smoke run, a few seconds
# SCRATCH=.build-x scripts/bench.sh builds into another scratch folder (default .build).
set -eu
cd "$(dirname "$0")/.."
scratch="${SCRATCH:-.build}"
# `swift run Benchmarks` alone would not build `connector`: the benchmark runs it as a child, not as a dependency.
swift build -c release --scratch-path "$scratch"
exec "$scratch/release/Benchmarks" --connector "$scratch/release/connector" "$@"
