#!/usr/bin/env bash
# Fetches Debian's stock x86-64 kernels for the Vmm.Loader tests and benchmarks:
#   .cache/debian/vmlinuz-cloud    (linux-image-*-cloud-amd64: bzImage with an LZ4 payload)
#   .cache/debian/vmlinuz-generic  (linux-image-*-amd64: bzImage with an XZ payload)
#   .cache/debian/version-cloud, version-generic  (the versioned package each came from)
# The versioned package names are resolved through the metapackages' dependencies, so the
# script follows Debian's current point release. Idempotent: skips a flavour already present.
set -euo pipefail
cd "$(dirname "$0")/../.."
dest=.cache/debian
mkdir -p "$dest"

resolve() {
  # The versioned package a metapackage depends on, e.g. linux-image-6.1.0-57-cloud-amd64.
  apt-cache depends "$1" 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}'
}

updated=0
fetch() {
  local flavour=$1 meta=$2
  if [ -s "$dest/vmlinuz-$flavour" ] && [ -s "$dest/version-$flavour" ]; then
    echo "debian-kernels: $flavour present ($(cat "$dest/version-$flavour"))"
    return
  fi
  local pkg
  pkg=$(resolve "$meta")
  if [ -z "$pkg" ] && [ $updated -eq 0 ]; then
    apt-get update -qq
    updated=1
    pkg=$(resolve "$meta")
  fi
  if [ -z "$pkg" ]; then
    echo "debian-kernels: cannot resolve $meta (no apt source for Debian kernels?)" >&2
    return 1
  fi
  local work
  work=$(mktemp -d)
  chmod 755 "$work" # lets apt's sandbox user write the download
  (cd "$work" && apt-get download -qq "$pkg")
  dpkg-deb -x "$work"/"$pkg"_*.deb "$work/root"
  local image
  image=$(find "$work/root/boot" -maxdepth 1 -name 'vmlinuz-*' | head -1)
  if [ -z "$image" ]; then
    echo "debian-kernels: $pkg holds no /boot/vmlinuz-*" >&2
    rm -rf "$work"
    return 1
  fi
  cp "$image" "$dest/vmlinuz-$flavour.tmp"
  mv "$dest/vmlinuz-$flavour.tmp" "$dest/vmlinuz-$flavour"
  dpkg-deb --showformat='${Package} ${Version}\n' -W "$work"/"$pkg"_*.deb >"$dest/version-$flavour"
  rm -rf "$work"
  echo "debian-kernels: $flavour = $(cat "$dest/version-$flavour")"
}

fetch cloud linux-image-cloud-amd64
fetch generic linux-image-amd64
