#ifndef _CFRT_FCNTL_H
#define _CFRT_FCNTL_H
#include <sys/types.h>
#define O_RDONLY 00
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_EXCL 0200
#define O_TRUNC 01000
#define O_APPEND 02000
#if defined(__aarch64__) /* the generic values; x86 keeps its own */
#define O_DIRECTORY 040000
#else
#define O_DIRECTORY 0200000
#endif
#define O_CLOEXEC 02000000
#define AT_FDCWD (-100)
int open(const char *path, int flags, ...);
#endif
