#!/usr/bin/env bash
# Builds the Vmm.NET micro-VM guest kernel (Linux 6.1 from Debian's linux-source-6.1 package)
# in two variants and caches the result:
#
#   .cache/guest/vmlinux      .cache/guest/bzImage       uniprocessor, no ACPI (MP table)
#   .cache/guest/vmlinux-smp  .cache/guest/bzImage-smp   SMP (NR_CPUS=8), ACPI compiled in
#   .cache/guest/config, config-smp                      the full .config of each
#
# The kernel configuration is `make tinyconfig` + guest/config/base.config +
# guest/config/<variant>.config (scripts/kconfig/merge_config.sh) + `make olddefconfig`.
# The patches in guest/patches/ are applied to the unpacked source (see guest/README.md).
#
# Cache: the outputs are reused while the key (hash of the config fragments, the patches, this
# script, the source package version and the compiler version) is unchanged; the build tree
# under .cache/guest/build/ is kept so that a changed key rebuilds incrementally.
#
# Usage: guest/build-kernel.sh [--force]      (JOBS=n overrides make -j, default: nproc)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
guest=$root/guest
out=$root/.cache/guest
build=$out/build
src=$build/linux-source-6.1
variants=(up smp)
jobs=${JOBS:-$(nproc)}
force=0
[ "${1:-}" = "--force" ] && force=1

log() { printf 'guest-kernel: %s\n' "$*"; }
die() { printf 'guest-kernel: error: %s\n' "$*" >&2; exit 1; }

# --- packages ------------------------------------------------------------------------------
packages=(linux-source-6.1 build-essential bc bison flex libelf-dev libssl-dev)
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
tarball=/usr/src/linux-source-6.1.tar.xz
[ -f "$tarball" ] || die "$tarball not found"
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)

# --- cache key -----------------------------------------------------------------------------
key=$(
  cd "$guest"
  {
    echo "source $srcver"
    gcc --version | head -n 1
    for f in build-kernel.sh config/*.config patches/*.patch; do
      [ -e "$f" ] || continue
      echo "== $f"
      cat "$f"
    done
  } | sha256sum | cut -c1-16
)

outputs_of() {
  case $1 in
    up) echo "vmlinux bzImage config" ;;
    smp) echo "vmlinux-smp bzImage-smp config-smp" ;;
  esac
}

mkdir -p "$out"
exec 9>"$out/.kernel.lock"
flock 9

up_to_date=1
for v in "${variants[@]}"; do
  for f in $(outputs_of "$v"); do [ -s "$out/$f" ] || up_to_date=0; done
done
if [ "$force" = 0 ] && [ "$up_to_date" = 1 ] && [ "$(cat "$out/kernel.key" 2>/dev/null)" = "$key" ]; then
  log "up to date (key $key): $out/{vmlinux,bzImage,vmlinux-smp,bzImage-smp}"
  exit 0
fi
log "building Linux $srcver, key $key, make -j$jobs (a few minutes per variant)"
start=$SECONDS

# --- source tree: unpack once per package version, then keep the applied patch set current ---
unpack() {
  log "unpacking $tarball into $build"
  rm -rf "$build"
  mkdir -p "$build/applied"
  tar -xf "$tarball" -C "$build"
  [ -d "$src" ] || die "unexpected tarball layout (no linux-source-6.1/)"
  echo "$srcver" >"$build/source.version"
}
if [ "$(cat "$build/source.version" 2>/dev/null)" != "$srcver" ] || [ ! -d "$src" ]; then
  unpack
fi
if ! diff -q <(cat "$build"/applied/*.patch 2>/dev/null) <(cat "$guest"/patches/*.patch 2>/dev/null) >/dev/null; then
  # Revert the previously applied patches (their files get a new mtime, so make rebuilds them),
  # then apply the current set. A tree that does not revert cleanly is unpacked again.
  reverted=1
  for p in $(ls -r "$build"/applied/*.patch 2>/dev/null); do
    log "reverting $(basename "$p")"
    patch -R -p1 -s -d "$src" <"$p" || { reverted=0; break; }
  done
  if [ "$reverted" = 0 ]; then unpack; fi
  rm -f "$build"/applied/*.patch
  for p in "$guest"/patches/*.patch; do
    [ -e "$p" ] || continue
    log "applying $(basename "$p")"
    patch -p1 -s --forward -d "$src" <"$p" || die "patch $(basename "$p") does not apply"
    cp "$p" "$build/applied/"
  done
fi

# --- configure and build each variant ----------------------------------------------------
# Options that must come out exactly like this (the reasons are in guest/README.md).
check_config() {
  local cfg=$1 v=$2 bad=0 line sym
  local required=(
    "CONFIG_64BIT=y" "CONFIG_KVM_GUEST=y" "CONFIG_CC_OPTIMIZE_FOR_PERFORMANCE=y" "CONFIG_SLAB=y"
    "CONFIG_HZ_100=y" "CONFIG_SERIAL_8250_CONSOLE=y" "CONFIG_EARLY_PRINTK=y" "CONFIG_BLK_DEV_INITRD=y"
    "CONFIG_DEVTMPFS_MOUNT=y" "CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES=y" "CONFIG_VIRTIO_BLK=y"
    "CONFIG_VIRTIO_NET=y" "CONFIG_VIRTIO_CONSOLE=y" "CONFIG_HW_RANDOM_VIRTIO=y" "CONFIG_MAGIC_SYSRQ=y"
    "CONFIG_BINFMT_SCRIPT=y" "CONFIG_PVH=y" "CONFIG_VIRTIO_VSOCKETS=y" "CONFIG_VIRTIO_BALLOON=y"
  )
  local absent=(
    CONFIG_PTP_1588_CLOCK_KVM CONFIG_SLUB_DEBUG CONFIG_SLUB CONFIG_MODULES CONFIG_KALLSYMS
    CONFIG_FTRACE CONFIG_JUMP_LABEL CONFIG_RETPOLINE CONFIG_PAGE_TABLE_ISOLATION CONFIG_VT
    CONFIG_LEGACY_PTYS CONFIG_INPUT CONFIG_SERIO CONFIG_STACKPROTECTOR CONFIG_IA32_EMULATION
  )
  if [ "$v" = up ]; then required+=("# CONFIG_SMP is not set"); absent+=(CONFIG_ACPI); fi
  if [ "$v" = smp ]; then required+=("CONFIG_SMP=y" "CONFIG_NR_CPUS=8" "CONFIG_ACPI=y" "CONFIG_PCI=y" "CONFIG_PCI_MSI=y" "CONFIG_VIRTIO_PCI=y"); fi
  for line in "${required[@]}"; do
    grep -qxF "$line" "$cfg" || { log "[$v] config: expected '$line'"; bad=1; }
  done
  for sym in "${absent[@]}"; do
    if grep -q "^$sym=" "$cfg"; then log "[$v] config: $sym must be off"; bad=1; fi
  done
  [ "$bad" = 0 ] || die "[$v] the merged configuration lost required settings"
}

kmake() { make -C "$src" O="$obj" ARCH=x86_64 "$@"; }

for v in "${variants[@]}"; do
  obj=$build/$v
  mkdir -p "$obj"
  log "[$v] configuring (tinyconfig + base.config + $v.config, olddefconfig)"
  kmake -s tinyconfig >"$obj/config.log" 2>&1 || { cat "$obj/config.log"; die "[$v] tinyconfig failed"; }
  "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" \
    "$guest/config/base.config" "$guest/config/$v.config" >>"$obj/config.log" 2>&1 \
    || { cat "$obj/config.log"; die "[$v] merge_config failed"; }
  kmake -s olddefconfig >>"$obj/config.log" 2>&1 || { cat "$obj/config.log"; die "[$v] olddefconfig failed"; }
  check_config "$obj/.config" "$v"

  log "[$v] compiling vmlinux and bzImage (log: $obj/build.log)"
  vstart=$SECONDS
  set +e
  # kbuild prints one line per step; show a progress line every 150 steps and the link steps.
  kmake -j"$jobs" vmlinux bzImage 2>&1 | tee "$obj/build.log" | awk -v v="$v" -v t0="$(date +%s)" '
    /^  [A-Z]/ { n++; last = $2 }
    /^  LD +vmlinux$/ || /^Kernel: / { printf "guest-kernel: [%s] %s\n", v, $0; fflush(); next }
    n && n % 150 == 0 && n != shown { shown = n; printf "guest-kernel: [%s] %d steps, %ds, at %s\n", v, n, systime() - t0, last; fflush() }
  '
  rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" != 0 ]; then
    grep -E "error|Error" "$obj/build.log" | head -n 40 >&2 || true
    tail -n 20 "$obj/build.log" >&2
    die "[$v] build failed (full log: $obj/build.log)"
  fi
  suffix=""
  [ "$v" = up ] || suffix="-$v"
  cp "$obj/vmlinux" "$out/vmlinux$suffix.tmp" && mv "$out/vmlinux$suffix.tmp" "$out/vmlinux$suffix"
  cp "$obj/arch/x86/boot/bzImage" "$out/bzImage$suffix.tmp" && mv "$out/bzImage$suffix.tmp" "$out/bzImage$suffix"
  cp "$obj/.config" "$out/config$suffix"
  log "[$v] done in $((SECONDS - vstart))s: $out/vmlinux$suffix ($(stat -c %s "$out/vmlinux$suffix") bytes), $out/bzImage$suffix ($(stat -c %s "$out/bzImage$suffix") bytes)"
done

echo "$key" >"$out/kernel.key"
log "all variants built in $((SECONDS - start))s (key $key)"
