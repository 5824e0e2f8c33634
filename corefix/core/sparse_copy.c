/* Copying a core the way `cp --reflink=auto --sparse=always` does: a
 * reflink when the filesystem has them, else only the data regions
 * (SEEK_DATA/SEEK_HOLE) through copy_file_range, so holes stay holes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <unistd.h>

#include "sparse_copy.h"

static int copy_range(int in, int out, off_t from, off_t to, char *err, size_t errlen)
{
	static char buf[1 << 16];
	bool plain = false;
	while (from < to) {
		size_t want = (size_t)(to - from);
		ssize_t n;
		if (!plain) {
			loff_t a = from, b = from;
			n = copy_file_range(in, &a, out, &b, want, 0);
			if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
				plain = true;
				continue;
			}
		} else {
			n = pread(in, buf, want < sizeof buf ? want : sizeof buf, from);
			if (n > 0 && pwrite(out, buf, (size_t)n, from) != n)
				n = -1;
		}
		if (n < 0) {
			snprintf(err, errlen, "copy failed: %s", strerror(errno));
			return -1;
		}
		if (n == 0)
			break;
		from += n;
	}
	return 0;
}

int cf_sparse_copy(int in, int out, uint64_t size, char *err, size_t errlen)
{
	if (ioctl(out, FICLONE, in) == 0)
		return 0;
	off_t pos = 0, end = (off_t)size;
	while (pos < end) {
		off_t data = lseek(in, pos, SEEK_DATA);
		if (data < 0 && errno == ENXIO)
			break;  /* only a hole is left */
		if (data < 0)
			data = pos;  /* no SEEK_DATA here: copy everything */
		off_t hole = lseek(in, data, SEEK_HOLE);
		if (hole < 0 || hole > end)
			hole = end;
		if (copy_range(in, out, data, hole, err, errlen) != 0)
			return -1;
		pos = hole;
	}
	if (ftruncate(out, end) != 0) {
		snprintf(err, errlen, "cannot size the copy: %s", strerror(errno));
		return -1;
	}
	return 0;
}
