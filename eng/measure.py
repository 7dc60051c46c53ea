#!/usr/bin/env python3
"""Whole-VMM figures for docs/performance.md: startup, boot to init, memory overhead; QEMU in the same run.

Usage: python3 eng/measure.py [--runs N] [--boots N]
Needs: .cache/vmm/vmm (eng/setup.d/30-vmm.sh), .cache/guest/{vmlinux,initramfs-test.cpio} (eng/setup.d/20-guest.sh);
qemu-system-x86_64 (Debian's qemu-system-x86) for the comparison, skipped when absent.
"""
import argparse, os, re, shutil, statistics, struct, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VMM = os.path.join(ROOT, ".cache", "vmm", "vmm")
GUEST = os.path.join(ROOT, ".cache", "guest")
CODE = bytes([0xB0, 0x40, 0xE6, 0x80, 0xB0, 0xFE, 0xE6, 0x64, 0xF4, 0xEB, 0xFD])  # out 0x80; reset via i8042; hlt


def tiny_elf(path, pvh):
    """A guest whose first instructions write the debug port and reset the machine (same bytes in 32/64-bit mode)."""
    load = 0x1000000
    note = b""
    if pvh:  # XEN_ELFNOTE_PHYS32_ENTRY so QEMU's -kernel accepts it
        note = struct.pack("<III", 4, 4, 18) + b"Xen\0" + struct.pack("<I", load)
    phnum = 2 if pvh else 1
    img = bytearray(0x1000 + len(CODE))
    img[0:4] = b"\x7fELF"; img[4] = 2; img[5] = 1; img[6] = 1
    struct.pack_into("<HHIQQ", img, 16, 2, 62, 1, load, 64)
    struct.pack_into("<HHH", img, 52, 64, 56, phnum)
    struct.pack_into("<IIQQQQQQ", img, 64, 1, 5, 0x1000, load, load, len(CODE), len(CODE), 0x1000)
    if pvh:
        off = 64 + 2 * 56
        img[off:off + len(note)] = note
        struct.pack_into("<IIQQQQQQ", img, 64 + 56, 4, 4, off, 0, 0, len(note), len(note), 4)
    img[0x1000:] = CODE
    with open(path, "wb") as f:
        f.write(img)


def wall(cmd, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), min(times), max(times)


def first_instruction(elf):
    """Milliseconds from exec until vmm reports the guest's first instruction (a debug-port write) on stderr."""
    t = time.perf_counter()
    p = subprocess.Popen([VMM, "run", "--kernel", elf, "--console", "none", "--boot-timer"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = None
    for line in p.stderr:
        if b"debug-port: 0x40" in line:
            elapsed = (time.perf_counter() - t) * 1000
            break
    p.wait(timeout=30)
    return elapsed


def boot_to_init(extra_env=None):
    """Seconds from exec to the guest's 'VMM-INIT-REACHED' line, and vmm's RSS minus guest RAM while the guest waits."""
    cmd = [VMM, "run", "--kernel", os.path.join(GUEST, "vmlinux"), "--initrd", os.path.join(GUEST, "initramfs-test.cpio"),
           "--memory", "128M", "--cmdline", "console=ttyS0 panic=-1 reboot=t lpj=21000000 retain_initrd vmmtest=wait"]
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    init = None
    overhead = None
    buf = b""
    while True:
        chunk = p.stdout.read1(4096)
        if not chunk:
            break
        buf += chunk
        if init is None and b"VMM-INIT-REACHED" in buf:
            init = time.perf_counter() - t
        if b"VMMTEST: wait" in buf:
            time.sleep(0.5)
            overhead = rss_minus_guest(p.pid, 128 << 20)
            p.terminate()
            break
    p.wait(timeout=30)
    return init, overhead


def rss_minus_guest(pid, guest_bytes):
    """Total RSS minus the RSS of the guest-RAM mapping (the one whose size is the guest memory size), in KiB."""
    total = 0
    guest = 0
    size = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) ", line)
            if m:
                size = int(m.group(2), 16) - int(m.group(1), 16)
                continue
            if line.startswith("Rss:"):
                kb = int(line.split()[1])
                total += kb
                if size == guest_bytes:
                    guest += kb
    return total, guest, total - guest


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--boots", type=int, default=5)
    args = ap.parse_args()
    work = tempfile.mkdtemp()
    elf, pvh = os.path.join(work, "tiny.elf"), os.path.join(work, "tiny-pvh.elf")
    tiny_elf(elf, False)
    tiny_elf(pvh, True)
    print(f"# measured {time.strftime('%Y-%m-%d %H:%M')} on {os.uname().nodename}, {os.cpu_count()} cores, PVM host: {os.path.exists('/sys/module/kvm_pvm')}")
    m = wall([VMM, "run", "--kernel", elf, "--console", "none", "--log-level", "off"], args.runs)
    print(f"startup+teardown vmm (exec -> guest resets -> exit), median of {args.runs}: {m[0]:.1f} ms (min {m[1]:.1f}, max {m[2]:.1f})")
    firsts = [first_instruction(elf) for _ in range(args.runs)]
    print(f"vmm exec -> the guest's first instruction (its debug-port write reported on stderr), median of {args.runs}: {statistics.median(firsts):.1f} ms (min {min(firsts):.1f}, max {max(firsts):.1f})")
    qemu = shutil.which("qemu-system-x86_64")
    if qemu:
        q = wall([qemu, "-M", "pc", "-enable-kvm", "-m", "128", "-nographic", "-nodefaults", "-no-reboot", "-kernel", pvh], args.runs)
        print(f"startup+teardown qemu -M pc -enable-kvm (same guest as PVH ELF), median of {args.runs}: {q[0]:.1f} ms (min {q[1]:.1f}, max {q[2]:.1f})")
    inits, overheads = [], []
    for _ in range(args.boots):
        init, ov = boot_to_init()
        if init is not None:
            inits.append(init)
        if ov is not None:
            overheads.append(ov)
    if inits:
        print(f"boot to init marker (guest kernel, 128 MiB, 1 vCPU), median of {len(inits)}: {statistics.median(inits):.2f} s (min {min(inits):.2f}, max {max(inits):.2f})")
    if overheads:
        o = sorted(overheads, key=lambda x: x[2])[len(overheads) // 2]
        print(f"vmm RSS with the guest idle in init: total {o[0]/1024:.1f} MiB, guest RAM {o[1]/1024:.1f} MiB, VMM overhead {o[2]/1024:.1f} MiB")
    shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(main())
