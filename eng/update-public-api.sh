#!/usr/bin/env bash
# Records the current public API of one library (or all) in its PublicAPI.Unshipped.txt.
# Usage: eng/update-public-api.sh [Vmm.Memory ...]
set -euo pipefail
cd "$(dirname "$0")/.."
projects=("$@")
if [ ${#projects[@]} -eq 0 ]; then
  projects=(Vmm.Memory Vmm.Kvm Vmm.Devices Vmm.Virtio Vmm.Loader)
fi
for p in "${projects[@]}"; do
  [ -f "$p/$p.csproj" ] || continue
  dotnet format analyzers "$p/$p.csproj" --diagnostics RS0016 RS0017 RS0037 --severity info
done
