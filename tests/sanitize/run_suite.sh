#!/usr/bin/env bash
# Builds the tree with ASan and UBSan (any finding aborts: -fno-sanitize-recover) and runs every test
# in it except the package build (nothing sanitized is packaged) and e2e_kafka_output, whose
# exactly-once-across-a-leader-failover check is about librdkafka's mock cluster, not our memory: with
# the instrumented producer slower, the mock once stored a batch retried after the failover twice
# (seen in CI). Our Kafka code still runs sanitized in unit_alert_kafka and e2e_kafka_sensor.
# usage: run_suite.sh SOURCE_DIR BUILD_DIR GENERATOR CTEST
set -euo pipefail
source_dir=$1 build_dir=$2 generator=$3 ctest=$4
jobs=$(nproc)
# -O1: the sanitizers' usual trade between build time, run time and readable stacks; asserts stay on.
cmake -S "$source_dir" -B "$build_dir" -G "$generator" -DSPANWATCH_SANITIZE=ON -DCMAKE_BUILD_TYPE=Sanitize \
  -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -g1" >/dev/null
cmake --build "$build_dir" -j"$jobs"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
"$ctest" --test-dir "$build_dir" --output-on-failure -j"$jobs" -E '^(e2e_package|e2e_kafka_output)$'
