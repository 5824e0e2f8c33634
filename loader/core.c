/* CFRT_CORE=PATH: on a fatal signal the runtime writes a standard ELF core
 * of itself, the way the kernel's binfmt_elf would, so cores exist even
 * where core_pattern or ulimit say otherwise. Everything here runs in a
 * signal handler: raw system calls, static or mmap'ed memory, no locks
 * another thread could hold. Every other thread is asked for its registers
 * with a private real-time signal first; the faulting thread comes first. */
#include "internal.h"
#include "libc.h"

enum { MAX_THREADS = 1024, NREG = ARCH_PRSTATUS_NREGS, SIG_SNAP = 36 };

struct snap {
	volatile int tid;
	volatile int done;
	uint64_t regs[NREG];
};

static char core_path[4096];
static struct snap snaps[MAX_THREADS];
static volatile int nsnaps, writing, forever;

static void regs_from_ucontext(const void *uc, uint64_t *r)
{
	arch_prstatus_regs(uc, __get_tp(), (unsigned long long *)r);
}

static void on_snapshot(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si;
	int i = __sync_fetch_and_add(&nsnaps, 1);
	if (i < MAX_THREADS) {
		snaps[i].tid = (int)__syscall0(SYS_gettid);
		regs_from_ucontext(uc, snaps[i].regs);
		__sync_synchronize();
		snaps[i].done = 1;
	}
	/* Stay put until the process dies of the original signal. */
	for (;;)
		__cfrt_futex_wait(&forever, 0);
}

static long sys_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	while (n) {
		long w = __syscall3(SYS_write, fd, (long)s, (long)n);
		if (w == -EINTR)
			continue;
		if (w <= 0)
			return w;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static size_t read_file(const char *path, char *buf, size_t cap)
{
	int fd = (int)__syscall4(SYS_openat, AT_FDCWD, (long)path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	size_t n = 0;
	long r;
	while (n < cap && (r = __syscall3(SYS_read, fd, (long)(buf + n), (long)(cap - n))) > 0)
		n += (size_t)r;
	__syscall1(SYS_close, fd);
	return n;
}

struct mapping {
	uint64_t start, end, offset, dump;
	uint32_t flags;
	const char *name;       /* NUL-terminated inside the maps buffer, or "" */
};

static uint64_t hex(const char **p)
{
	uint64_t v = 0;
	for (;; (*p)++) {
		char c = **p;
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			return v;
		v = v * 16 + (unsigned)d;
	}
}

/* Parses /proc/self/maps (in BUF, modified) into M; returns the count. */
static size_t parse_maps(char *buf, size_t len, struct mapping *m, size_t cap)
{
	size_t n = 0;
	buf[len] = 0;
	for (char *line = buf; *line && n < cap;) {
		char *eol = strchr(line, '\n');
		if (eol)
			*eol = 0;
		const char *p = line;
		struct mapping *x = &m[n];
		x->start = hex(&p);
		p++;
		x->end = hex(&p);
		p++;
		x->flags = (p[0] == 'r' ? PF_R : 0) | (p[1] == 'w' ? PF_W : 0) | (p[2] == 'x' ? PF_X : 0);
		int priv = p[3] == 'p';
		p += 5;
		x->offset = hex(&p);
		for (int field = 0; field < 2 && *p; field++) { /* dev, inode */
			while (*p == ' ')
				p++;
			while (*p && *p != ' ')
				p++;
		}
		while (*p == ' ')
			p++;
		x->name = p;
		int file = *p == '/';
		/* What binfmt_elf dumps by default (coredump_filter 0x33). */
		if (!(x->flags & PF_R) || !strcmp(p, "[vvar]") || !strcmp(p, "[vsyscall]"))
			x->dump = 0;
		else if (!file || (x->flags & PF_W) || !priv)
			x->dump = x->end - x->start;
		else if (x->offset == 0)
			x->dump = __cfrt_pagesize;  /* the ELF header page, with its build-id note */
		else
			x->dump = (x->flags & PF_X) ? 0 : x->end - x->start;
		if (strcmp(p, "[vsyscall]"))
			n++;
		line = eol ? eol + 1 : line + strlen(line);
	}
	return n;
}

static void note(char **o, const char *name, uint32_t type, const void *desc, size_t len)
{
	uint32_t h[3] = {(uint32_t)strlen(name) + 1, (uint32_t)len, type};
	memcpy(*o, h, 12);
	*o += 12;
	memcpy(*o, name, h[0]);
	*o += (h[0] + 3) & ~3u;
	memcpy(*o, desc, len);
	*o += (len + 3) & ~3u;
}

static void prstatus(char **o, int sig, int tid, const uint64_t *regs)
{
	unsigned char d[ARCH_PRSTATUS_SIZE] = {0};
	int32_t s = sig;
	int32_t pid = tid, ppid = (int32_t)__syscall0(SYS_getppid);
	memcpy(d + 0, &s, 4);
	uint16_t cs = (uint16_t)sig;
	memcpy(d + 12, &cs, 2);
	memcpy(d + 32, &pid, 4);
	memcpy(d + 36, &ppid, 4);
	memcpy(d + ARCH_PRSTATUS_REGS, regs, NREG * 8);
	note(o, "CORE", NT_PRSTATUS, d, sizeof d);
}

static void write_core(int sig, siginfo_t *si, void *uc)
{
	size_t pg = __cfrt_pagesize;
	char *scratch = __cfrt_mmap(0, 8u << 20, 3, 0x22, -1, 0);
	if (scratch == (void *)-1)
		return;
	char *maps = scratch, *notes = scratch + (2u << 20);
	struct mapping *m = (struct mapping *)(scratch + (6u << 20));
	size_t nmaps = parse_maps(maps, read_file("/proc/self/maps", maps, (2u << 20) - 1), m,
				  (2u << 20) / sizeof *m);

	/* Threads: ask each for its registers, wait a little for the answers. */
	int me = (int)__syscall0(SYS_gettid), pid = (int)__syscall0(SYS_getpid);
	char *dents = notes;
	int dfd = (int)__syscall4(SYS_openat, AT_FDCWD, (long)"/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	int asked = 0;
	long nd;
	while (dfd >= 0 && (nd = __syscall3(SYS_getdents64, dfd, (long)dents, 65536)) > 0)
		for (long off = 0; off < nd;) {
			unsigned short reclen;
			memcpy(&reclen, dents + off + 16, 2);
			const char *nm = dents + off + 19;
			int tid = atoi(nm);
			if (tid > 0 && tid != me && __syscall3(SYS_tgkill, pid, tid, SIG_SNAP) == 0)
				asked++;
			off += reclen;
		}
	if (dfd >= 0)
		__syscall1(SYS_close, dfd);
	for (int spin = 0; spin < 2000; spin++) {
		int done = 0;
		for (int i = 0; i < nsnaps && i < MAX_THREADS; i++)
			done += snaps[i].done;
		if (done >= asked)
			break;
		struct { long s, ns; } ts = {0, 1000000};
		__syscall2(SYS_nanosleep, (long)&ts, 0);
	}

	char *o = notes;
	uint64_t regs[NREG];
	regs_from_ucontext(uc, regs);
	prstatus(&o, sig, me, regs);
	for (int i = 0; i < nsnaps && i < MAX_THREADS; i++)
		if (snaps[i].done)
			prstatus(&o, 0, snaps[i].tid, snaps[i].regs);

	unsigned char ps[136] = {0};
	ps[1] = 'R';
	int32_t ids[4] = {pid, (int32_t)__syscall0(SYS_getppid), pid, pid};
	memcpy(ps + 24, ids, sizeof ids);
	char cmd[4096];
	size_t cl = read_file("/proc/self/cmdline", cmd, sizeof cmd - 1);
	for (size_t i = 0; i + 1 < cl; i++)
		if (!cmd[i])
			cmd[i] = ' ';
	cmd[cl] = 0;
	const char *prog = cmd, *slash = strchr(cmd, ' ');
	size_t plen = slash ? (size_t)(slash - cmd) : strlen(cmd);
	for (size_t i = 0; i < plen; i++)
		if (cmd[i] == '/')
			prog = cmd + i + 1;
	plen = (size_t)(cmd + plen - prog);
	memcpy(ps + 40, prog, plen < 15 ? plen : 15);
	memcpy(ps + 56, cmd, cl < 79 ? cl : 79);
	note(&o, "CORE", NT_PRPSINFO, ps, sizeof ps);
	note(&o, "CORE", NT_SIGINFO, si, 128);
	char auxv[1024];
	size_t al = read_file("/proc/self/auxv", auxv, sizeof auxv);
	note(&o, "CORE", NT_AUXV, auxv, al);

	/* NT_FILE: count, page size, (start, end, page offset) each, then
	 * names; words are the ELF class's. */
	char *file = o + 20 + 8 + 4;  /* room for the note header ("CORE\0" padded) */
	size_t *w = (size_t *)file, count = 0;
	for (size_t i = 0; i < nmaps; i++)
		count += m[i].name[0] == '/';
	w[0] = count;
	w[1] = pg;
	size_t k = 0;
	for (size_t i = 0; i < nmaps; i++)
		if (m[i].name[0] == '/') {
			w[2 + 3 * k] = m[i].start;
			w[3 + 3 * k] = m[i].end;
			w[4 + 3 * k] = m[i].offset / pg;
			k++;
		}
	char *names = file + 2 * sizeof *w + 3 * sizeof *w * count;
	for (size_t i = 0; i < nmaps; i++)
		if (m[i].name[0] == '/') {
			size_t l = strlen(m[i].name) + 1;
			memmove(names, m[i].name, l);
			names += l;
		}
	size_t flen = (size_t)(names - file);
	uint32_t h[3] = {5, (uint32_t)flen, NT_FILE};
	memcpy(o, h, 12);
	memcpy(o + 12, "CORE\0\0\0", 8);
	memmove(o + 20, file, flen);
	o += 20 + ((flen + 3) & ~3u);
	size_t notes_len = (size_t)(o - notes);

	/* ELF header, PT_NOTE, one PT_LOAD per mapping, then the bytes. */
	size_t nph = 1 + nmaps;
	uint64_t off = sizeof(Ehdr) + nph * sizeof(Phdr);
	uint64_t note_off = off;
	off = (off + notes_len + pg - 1) & -pg;
	Ehdr eh = {0};
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = CFRT_ELFCLASS;
	eh.e_ident[EI_DATA] = CFRT_ELFDATA;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	/* No "LINUX" FPU notes here: say the OS in the header (lldb needs one or the other). */
	eh.e_ident[7] = 3; /* EI_OSABI = ELFOSABI_GNU */
	eh.e_type = ET_CORE;
	eh.e_machine = CFRT_EM;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof eh;
	eh.e_ehsize = sizeof eh;
	eh.e_phentsize = sizeof(Phdr);
	eh.e_phnum = (uint16_t)nph;
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.%d.tmp", core_path, pid);
	int fd = (int)__syscall4(SYS_openat, AT_FDCWD, (long)tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	sys_write_all(fd, &eh, sizeof eh);
	Phdr ph = {.p_type = PT_NOTE, .p_offset = note_off, .p_filesz = notes_len, .p_align = 4};
	sys_write_all(fd, &ph, sizeof ph);
	uint64_t data = off;
	for (size_t i = 0; i < nmaps; i++) {
		Phdr l = {.p_type = PT_LOAD, .p_flags = m[i].flags, .p_offset = data, .p_vaddr = m[i].start,
			  .p_filesz = m[i].dump, .p_memsz = m[i].end - m[i].start, .p_align = pg};
		sys_write_all(fd, &l, sizeof l);
		data += m[i].dump;
	}
	sys_write_all(fd, notes, notes_len);
	__syscall3(SYS_lseek, fd, (long)off, 0);
	static const char zero[4096];
	for (size_t i = 0; i < nmaps; i++)
		for (uint64_t a = m[i].start; a < m[i].start + m[i].dump; a += pg)
			if (sys_write_all(fd, (void *)a, pg) != 0)
				sys_write_all(fd, zero, pg);  /* unreadable page: a hole of zeros */
	__syscall1(SYS_close, fd);
	__syscall4(SYS_renameat, AT_FDCWD, (long)tmp, AT_FDCWD, (long)core_path);
	__cfrt_munmap(scratch, 8u << 20);
}

static void on_fatal(int sig, siginfo_t *si, void *uc)
{
	if (__sync_lock_test_and_set(&writing, 1))
		for (;;)
			__cfrt_futex_wait(&forever, 0);  /* another thread is writing */
	__cfrt_stdio_flush_all();
	write_core(sig, si, uc);
	struct sigaction sa = {0};
	sa.sa_handler = SIG_DFL;
	sigaction(sig, &sa, NULL);
	/* Returning re-runs the faulting instruction (or abort raises again):
	 * the process dies of the same signal, as if we had not been here. */
	if (si->si_code <= 0)
		raise(sig);
}

void __cfrt_core_install(void)
{
	/* A privileged process's memory must not go to a path its caller
	 * chose (the variable is also gone from the environment by now). */
	if (__cfrt_secure)
		return;
	const char *path = getenv("CFRT_CORE");
	if (!path || !*path || strlen(path) >= sizeof core_path - 64)
		return;
	if (path[0] != '/') {
		long n = __syscall2(SYS_getcwd, (long)core_path, sizeof core_path - 64);
		if (n <= 0)
			return;
		size_t l = strlen(core_path);
		if (l + 1 + strlen(path) >= sizeof core_path - 64)
			return;
		core_path[l] = '/';
		strcpy(core_path + l + 1, path);
	} else {
		strcpy(core_path, path);
	}
	struct sigaction sa = {0};
	sa.sa_sigaction = on_fatal;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
	for (size_t i = 0; i < sizeof fatal / sizeof *fatal; i++)
		sigaction(fatal[i], &sa, NULL);
	struct sigaction sn = {0};
	sn.sa_sigaction = on_snapshot;
	sn.sa_flags = SA_SIGINFO;
	sigfillset(&sn.sa_mask);
	sigaction(SIG_SNAP, &sn, NULL);
}
