/* Process memory as an unwinder needs it: what the core holds, completed
 * by the mapped files for pages the kernel leaves out (text, read-only
 * data, .eh_frame). Only files whose build-id matches the core are used. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "model_build.h"

/* File offset of ADDR in MOD's file, through its PT_LOAD file ranges. */
static bool file_offset(const struct cf_module *mod, uint64_t addr, uint64_t *off, uint64_t *avail)
{
	uint64_t v = addr - mod->bias;
	for (size_t i = 0; i < mod->info.nphdr; i++) {
		const GElf_Phdr *ph = &mod->info.phdr[i];
		if (ph->p_type == PT_LOAD && v - ph->p_vaddr < ph->p_filesz) {
			*off = ph->p_offset + (v - ph->p_vaddr);
			*avail = ph->p_filesz - (v - ph->p_vaddr);
			return true;
		}
	}
	return false;
}

static size_t read_file(const struct cf_model *m, uint64_t addr, unsigned char *buf, size_t len)
{
	for (size_t i = 0; i < m->nmod; i++) {
		const struct cf_module *mod = &m->mod[i];
		uint64_t off, avail;
		if (!mod->path || !mod->has_bias || mod->bid_mismatch || !mod->elf_known ||
		    !file_offset(mod, addr, &off, &avail))
			continue;
		int fd = open(mod->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return 0;
		ssize_t n = pread(fd, buf, len < avail ? len : avail, (off_t)off);
		close(fd);
		return n > 0 ? (size_t)n : 0;
	}
	return 0;
}

size_t cf_model_read(const struct cf_model *m, uint64_t addr, void *buf, size_t len)
{
	unsigned char *out = buf;
	size_t done = 0;
	while (done < len) {
		size_t n = cf_core_read(&m->core, addr + done, out + done, len - done);
		if (n == 0)
			n = read_file(m, addr + done, out + done, len - done);
		if (n == 0)
			break;
		done += n;
	}
	return done;
}
