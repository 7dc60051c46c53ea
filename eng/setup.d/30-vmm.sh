#!/usr/bin/env bash
# Publishes the reference VMM as a NativeAOT binary to .cache/vmm/vmm (rebuilt when sources change).
set -euo pipefail
cd "$(dirname "$0")/../.."
# NativeAOT links with the system C toolchain (gcc from eng/setup.sh) and zlib.
if ! dpkg-query -W -f='${Status}' zlib1g-dev 2>/dev/null | grep -q "install ok installed"; then
  echo "setup: installing zlib1g-dev for NativeAOT"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zlib1g-dev >/dev/null
fi
stamp=$(git ls-files -s Vmm.* Directory.Build.props Directory.Packages.props global.json 2>/dev/null | sha256sum | cut -c1-16)$(git diff --quiet -- Vmm.* 2>/dev/null || echo "-dirty-$(date +%s)")
if [ -x .cache/vmm/vmm ] && [ "$(cat .cache/vmm/.stamp 2>/dev/null)" = "$stamp" ]; then
  exit 0
fi
echo "setup: publishing vmm (NativeAOT) to .cache/vmm"
dotnet publish Vmm.Reference/Vmm.Reference.csproj -c Release -r linux-x64 -o .cache/vmm -nologo -v quiet -p:PublishAot=true
echo "$stamp" > .cache/vmm/.stamp
