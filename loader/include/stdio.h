/* cfrt stdio: unbuffered stderr, buffered stdout (line-buffered on a
 * terminal), the printf family. */
#ifndef _CFRT_STDIO_H
#define _CFRT_STDIO_H
#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct __cfrt_file FILE;
FILE *__cfrt_stdio(int fd);
/* Functions, not data: no COPY relocation can split our view of them. */
#define stdin (__cfrt_stdio(0))
#define stdout (__cfrt_stdio(1))
#define stderr (__cfrt_stdio(2))
#define EOF (-1)
#define BUFSIZ 4096

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sprintf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vprintf(const char *fmt, va_list ap);
int vfprintf(FILE *f, const char *fmt, va_list ap);
int vsprintf(char *buf, const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int puts(const char *s);
int fputs(const char *s, FILE *f);
int fputc(int c, FILE *f);
int putc(int c, FILE *f);
int putchar(int c);
size_t fwrite(const void *p, size_t size, size_t n, FILE *f);
int fflush(FILE *f);
void perror(const char *s);
#endif
