/* The floor of `corefix modules`: only what listing must do per module —
 * open each file named on standard input (one path a line), read its
 * first page, close it. Nothing is parsed. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	char path[4096], page[4096];
	long n = 0;
	while (fgets(path, sizeof path, stdin)) {
		path[strcspn(path, "\n")] = 0;
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			n += pread(fd, page, sizeof page, 0) > 0;
			close(fd);
		}
	}
	printf("%ld\n", n);
	return 0;
}
