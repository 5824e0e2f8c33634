/* stdio: three streams over file descriptors and a printf engine that
 * writes through a sink, shared by every printf variant. */
#include "internal.h"
#include "libc.h"

struct __cfrt_file {
	int fd;
	int mode;       /* 0 unbuffered, 1 line, 2 full */
	int err;
	size_t len;
	char buf[BUFSIZ];
};

static struct __cfrt_file files[3] = {{.fd = 0, .mode = 0}, {.fd = 1, .mode = 1}, {.fd = 2, .mode = 0}};

FILE *__cfrt_stdio(int fd)
{
	return fd >= 0 && fd < 3 ? &files[fd] : NULL;
}

void __cfrt_init_stdio(void)
{
	/* Line-buffered on a terminal, fully buffered into files and pipes. */
	unsigned long ws[4];
	files[1].mode = __syscall3(SYS_ioctl, 1, 0x5413 /* TIOCGWINSZ */, (long)ws) == 0 ? 1 : 2;
}

static int flush(FILE *f)
{
	size_t off = 0;
	while (off < f->len) {
		long n = __syscall3(SYS_write, f->fd, (long)(f->buf + off), (long)(f->len - off));
		if (n == -EINTR)
			continue;
		if (n <= 0) {
			f->err = 1;
			f->len = 0;
			return EOF;
		}
		off += (size_t)n;
	}
	f->len = 0;
	return 0;
}

int fflush(FILE *f)
{
	if (!f) {
		__cfrt_stdio_flush_all();
		return 0;
	}
	return flush(f);
}

void __cfrt_stdio_flush_all(void)
{
	flush(&files[1]);
	flush(&files[2]);
}

size_t fwrite(const void *p, size_t size, size_t n, FILE *f)
{
	const char *s = p;
	size_t total = size * n;
	if (f->mode == 0) {
		flush(f);
		f->len = 0;
		size_t off = 0;
		while (off < total) {
			long w = __syscall3(SYS_write, f->fd, (long)(s + off), (long)(total - off));
			if (w == -EINTR)
				continue;
			if (w <= 0) {
				f->err = 1;
				return size ? off / size : 0;
			}
			off += (size_t)w;
		}
		return n;
	}
	for (size_t i = 0; i < total; i++) {
		f->buf[f->len++] = s[i];
		if (f->len == sizeof f->buf || (f->mode == 1 && s[i] == '\n'))
			if (flush(f) == EOF)
				return size ? i / size : 0;
	}
	return n;
}

int fputc(int c, FILE *f)
{
	unsigned char ch = (unsigned char)c;
	return fwrite(&ch, 1, 1, f) == 1 ? ch : EOF;
}

int putc(int c, FILE *f) { return fputc(c, f); }
int putchar(int c) { return fputc(c, stdout); }

int fputs(const char *s, FILE *f)
{
	size_t n = strlen(s);
	return fwrite(s, 1, n, f) == n ? 0 : EOF;
}

int puts(const char *s)
{
	return fputs(s, stdout) == EOF || fputc('\n', stdout) == EOF ? EOF : 0;
}

void perror(const char *s)
{
	if (s && *s)
		fprintf(stderr, "%s: %s\n", s, strerror(errno));
	else
		fprintf(stderr, "%s\n", strerror(errno));
}

/* The printf engine. */
struct sink {
	FILE *f;        /* or */
	char *buf;
	size_t cap, len;
};

static void out(struct sink *k, const char *s, size_t n)
{
	if (k->f) {
		fwrite(s, 1, n, k->f);
	} else {
		for (size_t i = 0; i < n; i++, k->len++)
			if (k->len + 1 < k->cap)
				k->buf[k->len] = s[i];
		return;
	}
	k->len += n;
}

static void pad(struct sink *k, char c, int n)
{
	for (; n > 0; n--)
		out(k, &c, 1);
}

static int utoa(unsigned long long v, unsigned base, int upper, char *end)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;
	do {
		*--end = dig[v % base];
		v /= base;
		n++;
	} while (v);
	return n;
}

static int ftoa(double v, int prec, char *buf, size_t cap)
{
	size_t o = 0;
	if (v != v)
		return snprintf(buf, cap, "nan");
	if (v < 0) {
		buf[o++] = '-';
		v = -v;
	}
	if (v > 1.8e19)
		return (int)o + snprintf(buf + o, cap - o, "inf");
	double scale = 1;
	for (int i = 0; i < prec; i++)
		scale *= 10;
	unsigned long long ip = (unsigned long long)v;
	double frac = (v - (double)ip) * scale + 0.5;
	unsigned long long fp = (unsigned long long)frac;
	if ((double)fp >= scale) {
		ip++;
		fp -= (unsigned long long)scale;
	}
	char tmp[32];
	int n = utoa(ip, 10, 0, tmp + sizeof tmp);
	memcpy(buf + o, tmp + sizeof tmp - n, (size_t)n);
	o += (size_t)n;
	if (prec > 0) {
		buf[o++] = '.';
		n = utoa(fp, 10, 0, tmp + sizeof tmp);
		for (int z = n; z < prec; z++)
			buf[o++] = '0';
		memcpy(buf + o, tmp + sizeof tmp - n, (size_t)n);
		o += (size_t)n;
	}
	buf[o] = 0;
	return (int)o;
}

static int format(struct sink *k, const char *fmt, va_list ap)
{
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			const char *q = p;
			while (q[1] && q[1] != '%')
				q++;
			out(k, p, (size_t)(q - p + 1));
			p = q;
			continue;
		}
		p++;
		int left = 0, zero = 0, plus = 0, space = 0, alt = 0, width = 0, prec = -1, lng = 0;
		for (;; p++) {
			if (*p == '-') left = 1;
			else if (*p == '0') zero = 1;
			else if (*p == '+') plus = 1;
			else if (*p == ' ') space = 1;
			else if (*p == '#') alt = 1;
			else break;
		}
		if (*p == '*') {
			width = va_arg(ap, int);
			if (width < 0)
				left = 1, width = -width;
			p++;
		}
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (*p++ - '0');
		if (*p == '.') {
			p++;
			prec = 0;
			if (*p == '*') {
				prec = va_arg(ap, int);
				p++;
			}
			while (*p >= '0' && *p <= '9')
				prec = prec * 10 + (*p++ - '0');
		}
		for (;; p++) {
			if (*p == 'l') lng++;
			else if (*p == 'z' || *p == 't' || *p == 'j') lng = 2;
			else if (*p == 'h') ;
			else break;
		}
		char tmp[64], *s = tmp, sign = 0;
		int n = 0;
		unsigned long long u;
		long long v;
		switch (*p) {
		case 'd':
		case 'i':
			v = lng >= 2 ? va_arg(ap, long long) : lng ? va_arg(ap, long) : va_arg(ap, int);
			u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
			sign = v < 0 ? '-' : plus ? '+' : space ? ' ' : 0;
			n = utoa(u, 10, 0, tmp + sizeof tmp);
			s = tmp + sizeof tmp - n;
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = lng >= 2 ? va_arg(ap, unsigned long long) : lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
			n = utoa(u, *p == 'o' ? 8 : *p == 'u' ? 10 : 16, *p == 'X', tmp + sizeof tmp);
			s = tmp + sizeof tmp - n;
			if (alt && u && (*p == 'x' || *p == 'X')) {
				*--s = *p;
				*--s = '0';
				n += 2;
			}
			break;
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			n = utoa(u, 16, 0, tmp + sizeof tmp);
			s = tmp + sizeof tmp - n;
			*--s = 'x';
			*--s = '0';
			n += 2;
			break;
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			n = 1;
			break;
		case 's':
			s = va_arg(ap, char *);
			if (!s)
				s = "(null)";
			n = (int)(prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s));
			prec = -1;
			break;
		case 'f':
		case 'F':
		case 'g':
		case 'e': {
			double d = va_arg(ap, double);
			n = ftoa(d, prec < 0 ? 6 : prec, tmp + 1, sizeof tmp - 1);
			s = tmp + 1;
			if (*s == '-') {
				sign = '-';
				s++;
				n--;
			} else if (plus || space) {
				sign = plus ? '+' : ' ';
			}
			prec = -1;
			break;
		}
		case '%':
			tmp[0] = '%';
			n = 1;
			break;
		case 0:
			return (int)k->len;
		default:
			tmp[0] = '%';
			tmp[1] = *p;
			n = 2;
		}
		int zeros = prec > n ? prec - n : 0;
		int total = n + zeros + (sign != 0);
		if (!left && !(zero && prec < 0))
			pad(k, ' ', width - total);
		if (sign)
			out(k, &sign, 1);
		if (!left && zero && prec < 0)
			pad(k, '0', width - total);
		pad(k, '0', zeros);
		out(k, s, (size_t)n);
		if (left)
			pad(k, ' ', width - total);
	}
	return (int)k->len;
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
	struct sink k = {.f = f};
	return format(&k, fmt, ap);
}

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct sink k = {.buf = buf, .cap = n};
	int r = format(&k, fmt, ap);
	if (n)
		buf[k.len < n ? k.len : n - 1] = 0;
	return r;
}

int vsprintf(char *buf, const char *fmt, va_list ap) { return vsnprintf(buf, (size_t)-1 / 2, fmt, ap); }
int vprintf(const char *fmt, va_list ap) { return vfprintf(stdout, fmt, ap); }

#define VARIADIC(call)                                                                                             \
	va_list ap;                                                                                                \
	va_start(ap, fmt);                                                                                         \
	int r = call;                                                                                              \
	va_end(ap);                                                                                                \
	return r

int printf(const char *fmt, ...) { VARIADIC(vfprintf(stdout, fmt, ap)); }
int fprintf(FILE *f, const char *fmt, ...) { VARIADIC(vfprintf(f, fmt, ap)); }
int sprintf(char *b, const char *fmt, ...) { VARIADIC(vsprintf(b, fmt, ap)); }
int snprintf(char *b, size_t n, const char *fmt, ...) { VARIADIC(vsnprintf(b, n, fmt, ap)); }

/* The loader's own messages, formatted by the printf engine above. */
void __cfrt_print(int fd, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof buf - 1)
		n = sizeof buf - 1;
	if (n > 0)
		__syscall3(SYS_write, fd, (long)buf, n);
}

/* One line, exit status 127: what ld.so users expect of a failed start. */
void __cfrt_fatal(const char *fmt, ...)
{
	char buf[1024];
	int o = snprintf(buf, sizeof buf, "cfrt: ");
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + o, sizeof buf - (size_t)o - 1, fmt, ap);
	va_end(ap);
	n += o;
	if (n > (int)sizeof buf - 2)
		n = (int)sizeof buf - 2;
	buf[n++] = '\n';
	__syscall3(SYS_write, 2, (long)buf, n);
	for (;;)
		__syscall1(SYS_exit_group, 127);
}
