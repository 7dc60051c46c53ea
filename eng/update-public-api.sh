#!/usr/bin/env bash
# Records the current public API of libraries in their PublicAPI.Unshipped.txt: builds each one,
# adds the symbols the PublicApiAnalyzers report as undeclared (RS0016) and drops the declared
# ones that no longer exist (RS0017). Review the diff afterwards.
# Usage: eng/update-public-api.sh [Vmm.Memory ...]   (default: every library)
set -euo pipefail
cd "$(dirname "$0")/.."
projects=("$@")
if [ ${#projects[@]} -eq 0 ]; then
  projects=(Vmm.Memory Vmm.Kvm Vmm.Devices Vmm.Virtio Vmm.Loader)
fi
for p in "${projects[@]}"; do
  [ -f "$p/$p.csproj" ] || continue
  log=$(mktemp)
  dotnet build "$p/$p.csproj" --no-incremental -nologo -clp:NoSummary -p:TreatWarningsAsErrors=false >"$log" 2>&1 || true
  python3 - "$p" "$log" <<'PY'
import re, sys
project, log = sys.argv[1], sys.argv[2]
text = open(log, encoding="utf-8", errors="replace").read()
added = set(re.findall(r"RS0016: Symbol '(.+?)' is not part of the declared public API", text))
removed = set(re.findall(r"RS0017: Symbol '(.+?)' is part of the declared API, but is either not public or could not be found", text))
path = f"{project}/PublicAPI.Unshipped.txt"
lines = [l.rstrip("\n") for l in open(path, encoding="utf-8")]
header = [l for l in lines if l.startswith("#")] or ["#nullable enable"]
body = {l for l in lines if l and not l.startswith("#")}
body = (body | added) - removed
open(path, "w", encoding="utf-8").write("\n".join(header + sorted(body)) + "\n")
shipped = f"{project}/PublicAPI.Shipped.txt"
slines = [l.rstrip("\n") for l in open(shipped, encoding="utf-8")]
if removed & set(slines):
    open(shipped, "w", encoding="utf-8").write("\n".join(l for l in slines if l not in removed) + "\n")
print(f"{project}: +{len(added)} -{len(removed)} public API lines")
PY
  rm -f "$log"
done
