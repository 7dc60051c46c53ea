/* Exercises the PVM syscall-fault path under TCG: jump to entry_SYSCALL_64 at CPL3 with
   RCX/R11 loaded as SYSCALL would, so the kernel sees a user #PF at that address. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <errno.h>
#include <sys/syscall.h>
#include <sys/wait.h>
static unsigned long entry;
static long fsys(long nr, long a1, long a2, long a3) {
  long ret;
  asm volatile("lea 1f(%%rip), %%rcx\n\tpushfq\n\tpop %%r11\n\tjmp *%[e]\n1:"
               : "=a"(ret) : "a"(nr), "D"(a1), "S"(a2), "d"(a3), [e] "r"(entry) : "rcx", "r11", "memory");
  return ret;
}
int main(int argc, char **argv) {
  entry = strtoul(argv[1], 0, 16);
  long n = fsys(SYS_write, 1, (long)"FST: hello via fault path\n", 26);
  long pid = fsys(SYS_getpid, 0, 0, 0);
  long bad = fsys(100000, 0, 0, 0);
  printf("FST: write=%ld getpid=%ld real=%d bad=%ld\n", n, pid, getpid(), bad);
  fflush(stdout);
  long c = fsys(SYS_fork, 0, 0, 0);
  if (c == 0) { fsys(SYS_write, 1, (long)"FST: child\n", 11); fsys(SYS_exit, 7, 0, 0); }
  int st; waitpid(c, &st, 0);
  printf("FST: fork child=%ld status=%d\n", c, WEXITSTATUS(st));
  int ok = n == 26 && pid == getpid() && bad == -ENOSYS && c > 0 && WEXITSTATUS(st) == 7;
  printf("FST: %s\n", ok ? "ALL OK" : "FAILED");
  return 0;
}
