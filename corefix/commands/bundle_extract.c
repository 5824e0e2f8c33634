/* `corefix bundle --extract`: unpacking an archive that came from
 * elsewhere, so untrusted. libarchive only parses; every member is
 * written here, under a descriptor of DIR, with openat(O_NOFOLLOW|O_EXCL),
 * after checks that refuse what a bundle never holds: absolute names,
 * '..', characters outside the plain set bundles use, links, devices,
 * FIFOs, data past a member's declared size, more data than fits. The
 * first refusal ends the run and removes everything it wrote, so DIR is
 * either a whole bundle or gone (left empty when it existed). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "archive_lib.h"
#include "bundle_extract.h"
#include "bundle_scripts.h"
#include "core.h"
#include "quote.h"

/* Bounds no bundle comes near: a module per member, a few per module. */
enum { MAX_MEMBERS = 100000, MAX_NAME = 1024, MAX_DEPTH = 16 };

struct created {
	char *rel;
	bool dir;
};

struct extract {
	const struct cf_archive_lib *L;
	const char *file, *dir;
	struct cf_diag *d;
	int dfd;
	struct created *made;
	size_t nmade;
	uint64_t written, cap;
	const char *cap_what;
};

static void remember(struct extract *x, const char *rel, bool dir)
{
	x->made = cf_grow(x->made, x->nmade, sizeof *x->made);
	x->made[x->nmade++] = (struct created){cf_xstrdup(rel), dir};
}

static int refuse(struct extract *x, const char *member, const char *why)
{
	char *shown = cf_comment_text(member ? member : "");
	cf_fail(x->d, "%s: refused: member '%s': %s", x->file, shown, why);
	free(shown);
	return -1;
}

/* Plain ASCII names only: what cf_bundle_member and the fixed names use. */
static bool plain_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
	       c == '+' || c == '-' || c == '/';
}

/* NAME split into components, "." and empty ones dropped. Returns how
 * many, or -1 with the reason in *WHY. */
static int components(const char *name, char *buf, char **comp, const char **why)
{
	if (!name || !*name)
		return *why = "no name", -1;
	if (strlen(name) > MAX_NAME)
		return *why = "a name longer than any bundle writes", -1;
	if (name[0] == '/')
		return *why = "an absolute name", -1;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (!plain_char(*p))
			return *why = "a character bundles never use in a name", -1;
	strcpy(buf, name);
	int n = 0;
	for (char *save, *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, ".."))
			return *why = "a '..' component", -1;
		if (n == MAX_DEPTH)
			return *why = "folders nested deeper than any bundle writes", -1;
		comp[n++] = c;
	}
	return n;
}

/* A descriptor of the folder COMP[0..N) under DIR, made where missing.
 * O_NOFOLLOW: nothing in DIR is followed out of it. */
static int open_folder(struct extract *x, const char *member, char **comp, int n)
{
	int fd = dup(x->dfd);
	char rel[MAX_NAME + 1] = "";
	for (int i = 0; fd >= 0 && i < n; i++) {
		snprintf(rel + strlen(rel), sizeof rel - strlen(rel), "%s%s", i ? "/" : "", comp[i]);
		int next = openat(fd, comp[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT) {
			if (mkdirat(fd, comp[i], 0755) != 0) {
				close(fd);
				return cf_fail(x->d, "%s/%s: %s", x->dir, rel, strerror(errno));
			}
			remember(x, rel, true);
			next = openat(fd, comp[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		close(fd);
		fd = next;
		if (fd < 0) {
			char *why = cf_xasprintf("'%s' is in the way (not a folder this run made)", rel);
			refuse(x, member, why);
			free(why);
			return -1;
		}
	}
	return fd;
}

static const char *kind_refused(const struct extract *x, struct archive_entry *e)
{
	if (x->L->entry_hardlink(e))
		return "a hard link (bundles hold no links)";
	if (x->L->entry_symlink(e) || x->L->entry_filetype(e) == AE_IFLNK)
		return "a symbolic link (bundles hold no links)";
	switch (x->L->entry_filetype(e)) {
	case AE_IFREG:
	case AE_IFDIR: return NULL;
	case AE_IFCHR:
	case AE_IFBLK: return "a device node";
	case AE_IFIFO: return "a FIFO";
	case AE_IFSOCK: return "a socket";
	default: return "not a regular file or folder";
	}
}

/* The data bytes a member declares: its sparse map's data where it has
 * one (a sparse core is mostly holes), else its size. */
static uint64_t declared_data(const struct extract *x, struct archive_entry *e)
{
	uint64_t size = (uint64_t)x->L->entry_size(e);
	if (x->L->entry_sparse_reset(e) <= 0)
		return size;
	uint64_t sum = 0;
	la_int64_t off, len;
	while (x->L->entry_sparse_next(e, &off, &len) == ARCHIVE_OK)
		sum += (uint64_t)len;
	return sum;
}

static int write_member(struct extract *x, struct archive *a, struct archive_entry *e, const char *member,
			char **comp, int n, const char *rel)
{
	la_int64_t size = x->L->entry_size(e);
	if (size < 0)
		return refuse(x, member, "a negative size");
	uint64_t data = declared_data(x, e);
	if (data > x->cap - x->written) {
		char *why = cf_xasprintf("%llu bytes of data, more than the %llu left (%s)", (unsigned long long)data,
					 (unsigned long long)(x->cap - x->written), x->cap_what);
		refuse(x, member, why);
		free(why);
		return -1;
	}
	int dir = open_folder(x, member, comp, n - 1);
	if (dir < 0)
		return -1;
	mode_t mode = (x->L->entry_perm(e) & 0755) | 0600;
	int fd = openat(dir, comp[n - 1], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	int err = errno;
	close(dir);
	if (fd < 0)
		return err == EEXIST ? refuse(x, member, "a second member of the same name")
				     : cf_fail(x->d, "%s/%s: %s", x->dir, rel, strerror(err));
	remember(x, rel, false);
	int r = 0;
	for (;;) {
		const void *buf;
		size_t len;
		la_int64_t off;
		int s = x->L->read_data_block(a, &buf, &len, &off);
		if (s == ARCHIVE_EOF)
			break;
		if (s != ARCHIVE_OK) {
			r = cf_fail(x->d, "%s: not a readable bundle: %s", x->file, x->L->error_string(a));
			break;
		}
		if (off < 0 || (uint64_t)off > (uint64_t)size || len > (uint64_t)size - (uint64_t)off) {
			r = refuse(x, member, "data past its declared size");
			break;
		}
		x->written += len;
		if (x->written > x->cap) {
			char *why = cf_xasprintf("more data than the %llu bytes allowed (%s)", (unsigned long long)x->cap,
						 x->cap_what);
			r = refuse(x, member, why);
			free(why);
			break;
		}
		/* Holes stay holes: sparse data comes with its offsets. */
		if (len && pwrite(fd, buf, len, (off_t)off) != (ssize_t)len) {
			r = cf_fail(x->d, "%s/%s: %s", x->dir, rel, strerror(errno));
			break;
		}
	}
	if (r == 0 && ftruncate(fd, (off_t)size) != 0)
		r = cf_fail(x->d, "%s/%s: %s", x->dir, rel, strerror(errno));
	if (r == 0) {
		struct timespec t[2] = {{.tv_nsec = UTIME_OMIT}, {.tv_sec = x->L->entry_mtime(e)}};
		futimens(fd, t);
	}
	if (close(fd) != 0 && r == 0)
		r = cf_fail(x->d, "%s/%s: %s", x->dir, rel, strerror(errno));
	return r;
}

static int one_member(struct extract *x, struct archive *a, struct archive_entry *e)
{
	const char *member = x->L->entry_pathname(e);
	char buf[MAX_NAME + 1], *comp[MAX_DEPTH], rel[MAX_NAME + 1] = "";
	const char *why = kind_refused(x, e);
	int n = why ? 0 : components(member, buf, comp, &why);
	if (why)
		return refuse(x, member, why);
	for (int i = 0; i < n; i++)
		snprintf(rel + strlen(rel), sizeof rel - strlen(rel), "%s%s", i ? "/" : "", comp[i]);
	if (x->L->entry_filetype(e) == AE_IFDIR) {
		int fd = n ? open_folder(x, member, comp, n) : -2;
		if (fd >= 0)
			close(fd);
		return fd == -1 ? -1 : 0;
	}
	if (n == 0)
		return refuse(x, member, "a file without a name");
	return write_member(x, a, e, member, comp, n, rel);
}

/* FILE's name without .tar.zst (or .tzst, .tar), in the current folder. */
static char *default_dir(const char *file)
{
	const char *base = cf_base_name(file);
	static const char *const ext[] = {".tar.zst", ".tzst", ".tar"};
	size_t n = strlen(base);
	for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
		size_t e = strlen(ext[i]);
		if (n > e && !strcmp(base + n - e, ext[i]))
			return cf_xstrndup(base, n - e);
	}
	return cf_xasprintf("%s.d", base);
}

static bool empty_folder(int fd)
{
	int dup_fd = dup(fd);
	DIR *dp = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
	bool empty = dp != NULL;
	for (struct dirent *de; dp && (de = readdir(dp));)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = false;
	if (dp)
		closedir(dp);
	return empty;
}

static void undo(struct extract *x)
{
	for (size_t i = x->nmade; i-- > 0;)
		unlinkat(x->dfd, x->made[i].rel, x->made[i].dir ? AT_REMOVEDIR : 0);
}

int cf_bundle_extract(const char *file, const struct cf_extract_options *xo, struct cf_diag *d)
{
	char why[256];
	const struct cf_archive_lib *L = cf_archive_lib(why, sizeof why);
	if (!L)
		return cf_fail(d, "%s: cannot read a bundle without libarchive: %s", file, why);
	/* Said before any folder is made: a name that is not there, or a file
	 * that is no zstd stream (a core given by mistake), is no bundle. */
	int fd = cf_open_regular(file, why, sizeof why);
	if (fd < 0)
		return cf_fail(d, "%s: %s", file, why);
	unsigned char magic[4];
	bool zstd = read(fd, magic, sizeof magic) == (ssize_t)sizeof magic && !memcmp(magic, "\x28\xb5\x2f\xfd", 4);
	close(fd);
	if (!zstd)
		return cf_fail(d, "%s: not a corefix bundle (a bundle is a .tar.zst written by corefix bundle)", file);
	char *dir = xo->dir ? cf_xstrdup(xo->dir) : default_dir(file);
	struct extract x = {.L = L, .file = file, .dir = dir, .d = d, .dfd = -1};
	bool made_dir = mkdir(dir, 0777) == 0;
	int r = 0;
	if (!made_dir && errno != EEXIST)
		r = cf_fail(d, "%s: %s", dir, strerror(errno));
	if (r == 0 && (x.dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		r = cf_fail(d, "%s: %s", dir, strerror(errno));
	/* Never mixed with other files: undoing a refused bundle must not
	 * touch anything that was there before. */
	if (r == 0 && !made_dir && !empty_folder(x.dfd))
		r = cf_fail(d, "%s: not empty; a bundle unpacks into a new or empty folder", dir);
	struct statvfs vfs;
	if (xo->max_bytes) {
		x.cap = xo->max_bytes;
		x.cap_what = "--max-size";
	} else {
		x.cap = r == 0 && fstatvfs(x.dfd, &vfs) == 0 ? (uint64_t)vfs.f_bavail * vfs.f_frsize : UINT64_MAX;
		x.cap_what = "free space where it unpacks";
	}
	struct archive *a = x.L->read_new();
	x.L->read_support_filter_zstd(a);
	x.L->read_support_format_tar(a);
	if (r == 0 && x.L->read_open_filename(a, file, 1 << 16) != ARCHIVE_OK)
		r = cf_fail(d, "%s: %s", file, x.L->error_string(a));
	size_t count = 0;
	while (r == 0) {
		struct archive_entry *e;
		int s = x.L->read_next_header(a, &e);
		if (s == ARCHIVE_EOF)
			break;
		if (s != ARCHIVE_OK && s != ARCHIVE_WARN) {
			r = cf_fail(d, "%s: not a readable bundle: %s", file, x.L->error_string(a));
			break;
		}
		if (++count > MAX_MEMBERS)
			r = cf_fail(d, "%s: refused: more than %d members", file, MAX_MEMBERS);
		else
			r = one_member(&x, a, e);
	}
	struct stat st;
	if (r == 0 && fstatat(x.dfd, CF_BUNDLE_MANIFEST, &st, AT_SYMLINK_NOFOLLOW) != 0)
		r = cf_fail(d, "%s: not a corefix bundle (no %s)", file, CF_BUNDLE_MANIFEST);
	x.L->read_free(a);
	if (r != 0 && x.dfd >= 0)
		undo(&x);
	if (x.dfd >= 0)
		close(x.dfd);
	if (r != 0 && made_dir)
		rmdir(dir);
	if (r == 0 && !xo->quiet)
		fprintf(stderr, "corefix: %s: unpacked %zu members; debug with  gdb -x %s/%s\n", dir, count, dir,
			CF_BUNDLE_GDB_PY);
	for (size_t i = 0; i < x.nmade; i++)
		free(x.made[i].rel);
	free(x.made);
	free(dir);
	return r;
}
