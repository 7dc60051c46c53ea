#!/usr/bin/env bash
# The packages as a user gets them. After `dotnet build Vmm.slnx -c Release` (test.sh does it): packs every package
# into a local feed (artifacts/packages, no warnings allowed) and checks their contents; restores and builds samples/
# and the package READMEs' examples from that feed alone (samples/nuget.config: Vmm.* only from the feed); runs the
# README examples, the echo device's tests, the custom VMM and the Linux boot sample (both need /dev/kvm; the boot
# also the guest from eng/setup.d/20-guest.sh); installs vmm as a .NET tool from the feed into a temporary tool path
# and runs `vmm --version` and `vmm --help`. Ends with "samples: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
feed=artifacts/packages
passed=0; failed=0; skipped=0
pass() { echo "samples: ok: $1"; passed=$((passed + 1)); }
fail() { echo "samples: FAILED: $1"; failed=$((failed + 1)); }
skip() { echo "samples: skipped: $1"; skipped=$((skipped + 1)); }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. Pack. The samples' own packages folder must not hold an older build of the same version.
rm -rf "$feed" artifacts/samples-packages/vmm.*
if dotnet pack Vmm.slnx -c Release --no-build -o "$feed" -nologo -warnaserror >"$work/pack.log" 2>&1 \
  && ! grep -q -i ": warning " "$work/pack.log"; then
  pass "dotnet pack: $(ls "$feed"/*.nupkg | wc -l) packages, no warnings"
else
  cat "$work/pack.log"; fail "dotnet pack"
fi
version=$(sed -n 's/.*<VersionPrefix>\(.*\)<\/VersionPrefix>.*/\1/p' Directory.Build.props)
suffix=$(sed -n 's/.*<VersionSuffix>\(.*\)<\/VersionSuffix>.*/\1/p' Directory.Build.props)
[ -n "$suffix" ] && version="$version-$suffix"
commit=$(git rev-parse HEAD)

# 2. What each package holds: README, XML docs, symbols package, license, repository URL and commit.
if python3 eng/check-packages.py "$feed" "$version" "$commit"; then pass "package contents and README links"; else fail "package contents"; fi

# 3. The samples and the README examples, from the feed alone.
if python3 samples/ReadmeExamples/generate.py >/dev/null \
  && dotnet build samples/Samples.slnx -c Release -nologo -v quiet -warnaserror >"$work/build.log" 2>&1; then
  pass "samples and README examples build from the local feed"
else
  cat "$work/build.log"; fail "samples build"
fi

if dotnet samples/ReadmeExamples/bin/Release/net10.0/ReadmeExamples.dll Vmm.Memory Vmm.Devices Vmm.Virtio Vmm.Kvm >"$work/readme.log" 2>&1; then
  pass "README examples of Vmm.Memory, Vmm.Devices, Vmm.Virtio and Vmm.Kvm run (Vmm.Loader's is compiled only)"
else
  cat "$work/readme.log"; fail "README examples"
fi

if dotnet test --project samples/EchoDevice.Tests -c Release --no-build >"$work/echo.log" 2>&1; then
  pass "EchoDevice.Tests: $(awk '/^ *succeeded:/{print $2}' "$work/echo.log" | tail -1) tests passed"
else
  cat "$work/echo.log"; fail "EchoDevice.Tests"
fi

# 4. On KVM: the custom VMM's tiny guest prints through virtio-console; the Linux guest boots to its init.
if [ ! -e /dev/kvm ]; then
  skip "CustomVmm: /dev/kvm is not present on this machine"
  skip "BootLinux: /dev/kvm is not present on this machine"
elif [ "${VMM_RUN_PENDING_KVM:-0}" != 1 ]; then
  # Written on a machine without /dev/kvm and not yet run on KVM: opt in until they have passed there once.
  skip "CustomVmm: pending its first run on KVM (VMM_RUN_PENDING_KVM=1 runs it)"
  skip "BootLinux: pending its first run on KVM (VMM_RUN_PENDING_KVM=1 runs it)"
else
  if timeout 120 dotnet samples/CustomVmm/bin/Release/net10.0/CustomVmm.dll >"$work/custom.log" 2>&1 \
    && grep -q "^Hello from the guest through virtio-console!$" "$work/custom.log"; then
    pass "CustomVmm: $(tail -1 "$work/custom.log")"
  else
    cat "$work/custom.log"; fail "CustomVmm"
  fi
  if [ ! -f .cache/guest/vmlinux ] || [ ! -f .cache/guest/initramfs-test.cpio ]; then
    skip "BootLinux: the guest kernel and test initramfs are not in .cache/guest (eng/setup.d/20-guest.sh)"
  elif timeout 300 dotnet samples/BootLinux/bin/Release/net10.0/BootLinux.dll .cache/guest/vmlinux .cache/guest/initramfs-test.cpio \
      lpj=21000000 vmmtest=meminfo >"$work/boot.log" 2>&1 \
    && grep -q "VMMTEST: meminfo ok" "$work/boot.log" && grep -q "VMMTEST: done" "$work/boot.log"; then
    pass "BootLinux: the guest reached init ($(grep 'VMMTEST: meminfo ok' "$work/boot.log" | tr -d '\r')), $(tail -1 "$work/boot.log")"
  else
    tail -40 "$work/boot.log"; fail "BootLinux"
  fi
fi

# 5. vmm as a .NET tool, from the feed.
tools="$work/tools"
if dotnet tool install Vmm.Reference --version "$version" --tool-path "$tools" --configfile samples/nuget.config >"$work/tool.log" 2>&1 \
  && "$tools/vmm" --version >"$work/version.txt" && grep -q -x "$version+$commit" "$work/version.txt" \
  && "$tools/vmm" --help >"$work/help.txt" && grep -q "run" "$work/help.txt"; then
  pass "dotnet tool install Vmm.Reference: vmm --version prints $(cat "$work/version.txt"), vmm --help lists 'run'"
else
  cat "$work/tool.log" "$work/version.txt" "$work/help.txt" 2>/dev/null; fail "vmm as a .NET tool"
fi

echo "samples: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
