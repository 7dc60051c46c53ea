#!/usr/bin/env bash
# Runs each fuzz target of tests/Vmm.Fuzz for a bounded time over its seed corpus (tests/Vmm.Fuzz/corpus/<target>/).
# The default mode is an in-process random mutation driver (no instrumentation needed, so it runs anywhere CI runs);
# with libfuzzer-dotnet and SharpFuzz-instrumented assemblies, run `Vmm.Fuzz <target> --libfuzzer` under libFuzzer instead.
# Usage: eng/fuzz.sh [seconds per target, default 30] [target ...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(chain blk)
fi
dotnet build tests/Vmm.Fuzz -c Release -nologo -v quiet
status=0
for t in "${targets[@]}"; do
  dotnet tests/Vmm.Fuzz/bin/Release/net10.0/Vmm.Fuzz.dll "$t" --seconds "$seconds" --corpus "tests/Vmm.Fuzz/corpus/$t" --seed "${FUZZ_SEED:-$RANDOM}" || status=1
done
exit $status
