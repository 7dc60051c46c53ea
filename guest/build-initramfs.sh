#!/usr/bin/env bash
# Builds the Vmm.NET guest initramfs images from Debian's busybox-static:
#
#   .cache/guest/initramfs.cpio        interactive: marker line, then a busybox shell on the console
#   .cache/guest/initramfs-test.cpio   test: runs the scenarios named by vmmtest= on the command line,
#                                      with /bin/vsock (guest/tools/vsock.c) for the vsock scenarios
#
# Both are UNCOMPRESSED newc archives (`cpio -o -H newc`): a gzip one costs ~40 s of in-guest
# decompression under PVM, an uncompressed one nothing. The archives are reproducible (fixed
# owner and mtimes, sorted entries) and rebuilt only when their inputs change.
# Needs root for mknod (dev/console); installs busybox-static, cpio, gcc and linux-libc-dev if missing.
#
# Usage: guest/build-initramfs.sh [--force]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
guest=$root/guest
out=$root/.cache/guest
force=0
[ "${1:-}" = "--force" ] && force=1

log() { printf 'guest-initramfs: %s\n' "$*"; }
die() { printf 'guest-initramfs: error: %s\n' "$*" >&2; exit 1; }

packages=(busybox-static cpio gcc linux-libc-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing packages ${missing[*]} (run as root or install them)"
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
busybox=/bin/busybox
[ -x "$busybox" ] || die "$busybox not found (busybox-static)"
file -L "$busybox" 2>/dev/null | grep -q "dynamically linked" && die "$busybox is not static"

key=$(
  {
    dpkg-query -W -f='${Version}\n' busybox-static linux-libc-dev
    sha256sum "$busybox"
    gcc --version | head -n1
    cd "$guest"
    cat build-initramfs.sh initramfs/* tools/vsock.c
  } | sha256sum | cut -c1-16
)

mkdir -p "$out"
exec 9>"$out/.initramfs.lock"
flock 9
if [ "$force" = 0 ] && [ -s "$out/initramfs.cpio" ] && [ -s "$out/initramfs-test.cpio" ] \
  && [ "$(cat "$out/initramfs.key" 2>/dev/null)" = "$key" ]; then
  log "up to date (key $key): $out/initramfs.cpio, $out/initramfs-test.cpio"
  exit 0
fi

applets=(
  sh mount umount poweroff reboot halt sync sleep setsid cttyhack stty od hexdump devmem ping ip
  cat ls echo printf test dmesg ps mkdir rm cp mv ln dd grep sed head tail wc free uname uptime
  kill df du vi less env date find chmod touch
)

# The vsock client/server of the test image: freestanding (raw system calls, no libc), a few KB
# instead of ~700 KB for a static glibc binary, which every boot would copy with emulated code.
tools=$(mktemp -d "$out/.tools.XXXXXX")
trap 'rm -rf "$tools"' EXIT
gcc -static -Os -s -nostdlib -ffreestanding -fno-stack-protector -fno-pie -no-pie \
  -fno-asynchronous-unwind-tables -Wl,--build-id=none -Wall -Wextra -Werror \
  -o "$tools/vsock" "$guest/tools/vsock.c" || die "building guest/tools/vsock.c failed"

# make_image <name> <init script> [<extra executable for /bin>...]
make_image() {
  local name=$1 init=$2 stage extra
  stage=$(mktemp -d "$out/.stage.XXXXXX")
  trap 'rm -rf "$stage"' RETURN
  mkdir -p "$stage"/{bin,dev,etc,proc,sys,tmp,root,mnt}
  chmod 1777 "$stage/tmp"
  chmod 700 "$stage/root"
  cp "$busybox" "$stage/bin/busybox"
  # Debian's busybox runs applets only by name (no FEATURE_SH_STANDALONE), so each command the
  # scripts or a person at the shell use needs a link. Only these: every archive entry costs
  # kernel work at unpack time (all ~300 applets would add seconds under PVM); anything else
  # runs as `busybox <applet>`.
  for a in "${applets[@]}"; do ln -s busybox "$stage/bin/$a"; done
  install -m 0755 "$init" "$stage/init"
  for extra in "${@:3}"; do install -m 0755 "$extra" "$stage/bin/${extra##*/}"; done
  install -m 0644 "$guest/initramfs/fstab" "$stage/etc/fstab"
  # The kernel opens /dev/console for init's stdin/stdout/stderr before anything is mounted.
  mknod -m 0600 "$stage/dev/console" c 5 1 || die "mknod failed (run as root)"
  mknod -m 0666 "$stage/dev/null" c 1 3
  find "$stage" -exec touch -h -d @0 {} +
  (cd "$stage" && find . -mindepth 1 | LC_ALL=C sort \
    | cpio -o -H newc -R 0:0 --reproducible --quiet >"$out/$name.tmp")
  mv "$out/$name.tmp" "$out/$name"
  log "$out/$name ($(stat -c %s "$out/$name") bytes)"
}

make_image initramfs.cpio "$guest/initramfs/init-interactive"
make_image initramfs-test.cpio "$guest/initramfs/init-test" "$tools/vsock"
echo "$key" >"$out/initramfs.key"
