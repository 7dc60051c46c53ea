#!/usr/bin/env bash
# Boots the project's micro-VM guest with the reference VMM on this machine's KVM, to an
# interactive busybox shell on the serial console (type `poweroff -f` to leave).
# On a fresh machine it first installs the build dependencies, builds (or reuses) the guest
# kernel and initramfs under .cache/guest/, and publishes vmm (NativeAOT) to .cache/vmm/.
# Extra arguments go to `vmm run` (e.g. --memory 256M --disk disk.img).
set -euo pipefail
cd "$(dirname "$0")"
bash eng/setup.d/20-guest.sh
bash eng/setup.d/30-vmm.sh
exec .cache/vmm/vmm run --kernel .cache/guest/vmlinux --initrd .cache/guest/initramfs.cpio "$@"
