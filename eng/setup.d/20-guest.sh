#!/usr/bin/env bash
# Guest artefacts for the end-to-end tests: the project's micro-VM kernel (two variants) and
# the busybox initramfs images, under .cache/guest/. Both builders install their Debian
# packages when missing and reuse their cached outputs while the inputs are unchanged
# (a first run compiles the kernel twice: several minutes; later runs take a second).
set -euo pipefail
cd "$(dirname "$0")/../.."

guest/build-initramfs.sh
guest/build-kernel.sh
