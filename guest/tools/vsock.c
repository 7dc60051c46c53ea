/*
 * vsock: a minimal AF_VSOCK stream client/server for the Vmm.NET test initramfs (busybox has none).
 *
 *   vsock connect CID PORT   connect to CID:PORT (the host is CID 2)
 *   vsock listen PORT        accept one connection on PORT (any CID); prints
 *                            "vsock: listening on port PORT" to stderr once it listens
 *
 * Either way it then relays stdin to the socket and the socket to stdout: at end of stdin it
 * shuts down the socket's sending side (the peer sees end of file) and keeps copying the
 * socket to stdout until the peer closes or shuts down its side. Exit status 0 on a clean
 * end, 1 on an error (a line "vsock: <call>: errno <n>" on stderr), 2 on bad arguments.
 *
 * x86-64 Linux only, and freestanding: raw system calls, no libc. A static glibc binary is
 * ~700 KB, and every byte of the initramfs is copied by emulated guest kernel code at each
 * boot on PVM hosts; this one is a few KB. Built by guest/build-initramfs.sh:
 *
 *   gcc -static -Os -s -nostdlib -ffreestanding -fno-stack-protector -fno-pie -no-pie \
 *       -fno-asynchronous-unwind-tables -Wl,--build-id=none -o vsock vsock.c
 */
#include <asm/unistd.h>
#include <linux/poll.h>
#include <linux/vm_sockets.h>

#define AF_VSOCK_ 40
#define SOCK_STREAM_ 1
#define SOCK_CLOEXEC_ 02000000
#define SHUT_WR_ 1
#define EINTR_ 4

static long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define sys3(nr, a, b, c) sys6((nr), (long)(a), (long)(b), (long)(c), 0, 0, 0)

/* gcc may emit calls to memset for zeroing structures even when freestanding. */
void *memset(void *dest, int c, unsigned long n)
{
	unsigned char *p = dest;

	while (n--)
		*p++ = (unsigned char)c;
	return dest;
}

static unsigned long length(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

static int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Writes all of buf to fd, retrying on EINTR and short writes; 0 or -errno. */
static long write_all(int fd, const char *buf, unsigned long len)
{
	while (len > 0) {
		long n = sys3(__NR_write, fd, buf, len);

		if (n == -EINTR_)
			continue;
		if (n < 0)
			return n;
		buf += n;
		len -= (unsigned long)n;
	}
	return 0;
}

static void put(const char *s)
{
	write_all(2, s, length(s));
}

static void put_u32(unsigned int v)
{
	char digits[11];
	int i = sizeof digits;

	do
		digits[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	write_all(2, digits + i, sizeof digits - (unsigned long)i);
}

static int fail(const char *what, long err)
{
	put("vsock: ");
	put(what);
	put(": errno ");
	put_u32((unsigned int)-err);
	put("\n");
	return 1;
}

static int parse_u32(const char *s, unsigned int *value)
{
	unsigned long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 0xffffffffUL)
			return -1;
	}
	*value = (unsigned int)v;
	return 0;
}

static int relay(int sock)
{
	static char buf[16384];
	struct pollfd fds[2];
	int input_open = 1;

	fds[0].fd = 0;
	fds[0].events = POLLIN;
	fds[1].fd = sock;
	fds[1].events = POLLIN;
	for (;;) {
		long n = sys3(__NR_poll, fds, 2, -1);

		if (n == -EINTR_)
			continue;
		if (n < 0)
			return fail("poll", n);
		if (input_open && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			n = sys3(__NR_read, 0, buf, sizeof buf);
			if (n < 0 && n != -EINTR_)
				return fail("read stdin", n);
			if (n == 0) {
				input_open = 0;
				fds[0].fd = -1;
				n = sys3(__NR_shutdown, sock, SHUT_WR_, 0);
				if (n < 0)
					return fail("shutdown", n);
			} else if (n > 0 && (n = write_all(sock, buf, (unsigned long)n)) < 0) {
				return fail("send", n);
			}
		}
		if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = sys3(__NR_read, sock, buf, sizeof buf);
			if (n < 0 && n != -EINTR_)
				return fail("recv", n);
			if (n == 0)
				return 0;
			if (n > 0 && (n = write_all(1, buf, (unsigned long)n)) < 0)
				return fail("write stdout", n);
		}
	}
}

static int run(int argc, char **argv)
{
	struct sockaddr_vm addr;
	unsigned int cid = VMADDR_CID_ANY, port;
	long sock, rc;

	if (argc == 4 && same(argv[1], "connect")) {
		if (parse_u32(argv[2], &cid) < 0 || parse_u32(argv[3], &port) < 0)
			goto usage;
	} else if (argc == 3 && same(argv[1], "listen")) {
		if (parse_u32(argv[2], &port) < 0)
			goto usage;
	} else {
		goto usage;
	}

	memset(&addr, 0, sizeof addr);
	addr.svm_family = AF_VSOCK_;
	addr.svm_cid = cid;
	addr.svm_port = port;
	sock = sys3(__NR_socket, AF_VSOCK_, SOCK_STREAM_ | SOCK_CLOEXEC_, 0);
	if (sock < 0)
		return fail("socket", sock);

	if (argv[1][0] == 'c') {
		rc = sys3(__NR_connect, sock, &addr, sizeof addr);
		if (rc < 0)
			return fail("connect", rc);
	} else {
		long conn;

		rc = sys3(__NR_bind, sock, &addr, sizeof addr);
		if (rc < 0)
			return fail("bind", rc);
		rc = sys3(__NR_listen, sock, 1, 0);
		if (rc < 0)
			return fail("listen", rc);
		put("vsock: listening on port ");
		put_u32(port);
		put("\n");
		do
			conn = sys3(__NR_accept4, sock, 0, 0);
		while (conn == -EINTR_);
		if (conn < 0)
			return fail("accept", conn);
		sys3(__NR_close, sock, 0, 0);
		sock = conn;
	}
	rc = relay((int)sock);
	sys3(__NR_close, sock, 0, 0);
	return (int)rc;

usage:
	put("usage: vsock connect CID PORT | vsock listen PORT\n");
	return 2;
}

/* The process entry: argc at the stack pointer, argv after it. */
__attribute__((used)) static void start(long *stack)
{
	int argc = (int)stack[0];

	sys3(__NR_exit_group, run(argc, (char **)(stack + 1)), 0, 0);
	for (;;)
		;
}

__asm__(".text\n"
	".globl _start\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call start\n"
	"	hlt\n");
