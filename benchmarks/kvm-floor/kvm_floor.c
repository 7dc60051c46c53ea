// The floor for Vmm.Kvm's PIO round-trip benchmark: the same guest loop driven through raw ioctls.
// Guest (real mode, CPL0): in al, 0x11; out 0x10, al; jmp back -- two PIO exits per iteration, the VMM answers the IN.
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define CHECK(x) do { if ((x) < 0) { perror(#x); exit(1); } } while (0)

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv) {
    long exits = argc > 1 ? atol(argv[1]) : 20000;
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    CHECK(kvm);
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    CHECK(vm);
    size_t mem_size = 0x10000;
    uint8_t *mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    const uint8_t code[] = { 0xe4, 0x11, 0xe6, 0x10, 0xeb, 0xfa }; // in al,0x11; out 0x10,al; jmp -6
    memcpy(mem + 0x7c00, code, sizeof code);
    struct kvm_userspace_memory_region region = { .slot = 0, .guest_phys_addr = 0, .memory_size = mem_size, .userspace_addr = (uint64_t)mem };
    CHECK(ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region));
    int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    CHECK(vcpu);
    int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    struct kvm_run *run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    struct kvm_sregs sregs;
    CHECK(ioctl(vcpu, KVM_GET_SREGS, &sregs));
    sregs.cs.base = 0; sregs.cs.selector = 0;
    CHECK(ioctl(vcpu, KVM_SET_SREGS, &sregs));
    struct kvm_regs regs = { .rip = 0x7c00, .rflags = 2, .rsp = 0x7000 };
    CHECK(ioctl(vcpu, KVM_SET_REGS, &regs));

    long sum = 0;
    for (int pass = 0; pass < 2; pass++) {
        long n = pass == 0 ? exits / 10 : exits; // first pass warms up
        double start = now_ns();
        for (long i = 0; i < n; i++) {
            CHECK(ioctl(vcpu, KVM_RUN, 0));
            if (run->exit_reason != KVM_EXIT_IO) { fprintf(stderr, "exit %u\n", run->exit_reason); return 1; }
            uint8_t *data = (uint8_t *)run + run->io.data_offset;
            if (run->io.direction == KVM_EXIT_IO_IN) data[0] = (uint8_t)i; else sum += data[0];
        }
        double elapsed = now_ns() - start;
        if (pass == 1) printf("C floor: %ld PIO exits, %.0f ns per exit (checksum %ld)\n", n, elapsed / n, sum);
    }
    return 0;
}
