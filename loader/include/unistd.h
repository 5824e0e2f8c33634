#ifndef _CFRT_UNISTD_H
#define _CFRT_UNISTD_H
#include <stddef.h>
#include <sys/types.h>
#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
ssize_t read(int fd, void *buf, size_t n);
ssize_t write(int fd, const void *buf, size_t n);
ssize_t pread(int fd, void *buf, size_t n, off_t off);
off_t lseek(int fd, off_t off, int whence);
int close(int fd);
int unlink(const char *path);
ssize_t readlink(const char *path, char *buf, size_t n);
pid_t getpid(void);
pid_t getppid(void);
pid_t gettid(void);
int usleep(unsigned long usec);
unsigned sleep(unsigned sec);
int pause(void);
void _exit(int status) __attribute__((noreturn));
#endif
