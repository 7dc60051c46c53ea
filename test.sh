#!/usr/bin/env bash
# Runs every test of the project on a fresh Linux x64 machine: installs what is missing,
# fetches and builds the guest artefacts the end-to-end tests boot, builds with warnings
# as errors and runs all test projects. Ends with a line "N passed, N failed".
# Extra arguments go to `dotnet test` (e.g. --filter-not-trait Category=Boot).
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

eng/setup.sh

dotnet build Vmm.slnx -c Release -warnaserror --nologo -v quiet

# The end-to-end tests run the NativeAOT vmm that eng/setup.d/30-vmm.sh published (the shipped form).
if [ -x "$root/.cache/vmm/vmm" ]; then
  export VMM_BINARY="$root/.cache/vmm/vmm"
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
# Tests written where /dev/kvm was missing carry the trait Verification=PendingKvm until they have passed on KVM once;
# VMM_RUN_PENDING_KVM=1 includes them.
pending=(--filter-not-trait Verification=PendingKvm)
if [ "${VMM_RUN_PENDING_KVM:-0}" = 1 ]; then pending=(); fi
dotnet test --solution Vmm.slnx -c Release --no-build "${pending[@]}" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

total=0; failed=0; passed=0; skipped=0
# Each test assembly prints one summary: "... (net10.0|x64) passed|failed ... " plus per-run
# totals; the last "Test run summary" block holds the totals across assemblies.
summary=$(awk '/Test run summary/{s=""} {s=s"\n"$0} END{print s}' "$log")
total=$(printf '%s\n' "$summary" | awk '/^ *total:/{print $2}' | tail -1)
failed=$(printf '%s\n' "$summary" | awk '/^ *failed:/{print $2}' | tail -1)
passed=$(printf '%s\n' "$summary" | awk '/^ *succeeded:/{print $2}' | tail -1)
skipped=$(printf '%s\n' "$summary" | awk '/^ *skipped:/{print $2}' | tail -1)

# The packages as a user installs them: pack into a local feed, build and run samples/ from it, install vmm as a tool.
samples_log=$(mktemp)
trap 'rm -f "$log" "$samples_log"' EXIT
samples_status=0
eng/samples.sh 2>&1 | tee "$samples_log" || samples_status=1
read -r s_passed s_failed s_skipped < <(sed -n 's/^samples: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' "$samples_log" | tail -1; echo)

# Fuzz targets (virtio chain parser, virtio-blk requests): a bounded run over the seed corpus.
fuzz_status=0
eng/fuzz.sh "${FUZZ_SECONDS:-20}" || fuzz_status=1

echo "$(( ${passed:-0} + ${s_passed:-0} )) passed, $(( ${failed:-0} + ${s_failed:-0} )) failed, $(( ${skipped:-0} + ${s_skipped:-0} )) skipped"
if [ "$samples_status" -ne 0 ]; then
  echo "the packages or samples failed (see 'samples:' above)"
  exit 1
fi
if [ "$fuzz_status" -ne 0 ]; then
  echo "fuzzing found a failure (see above)"
  exit 1
fi
if [ "$rc" -ne 0 ] || [ "${failed:-1}" != "0" ] || [ "${passed:-0}" = "0" ]; then
  exit 1
fi
