#!/usr/bin/env bash
# Builds and runs the raw-ioctl floor for the PIO exit benchmark. Usage: benchmarks/kvm-floor/run.sh [exits]
set -euo pipefail
cd "$(dirname "$0")"
out="${TMPDIR:-/tmp}/kvm_floor"
gcc -O2 -o "$out" kvm_floor.c
"$out" "${1:-20000}"
