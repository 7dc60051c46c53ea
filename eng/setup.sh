#!/usr/bin/env bash
# Installs what a fresh machine lacks for building and testing Vmm.NET, and prepares the
# guest artefacts under .cache/ (idempotent: a second run reuses what is there).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(gcc libc6-dev cpio acpica-tools busybox-static)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

for script in eng/setup.d/*.sh; do
  [ -e "$script" ] || continue
  echo "setup: $script"
  bash "$script"
done
