#include "elfimage.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "diag.h"

static void read_buildid(Elf *elf, size_t limit, struct cf_elfinfo *info)
{
	for (size_t i = 0; i < info->nphdr && !info->buildid_len; i++) {
		const GElf_Phdr *ph = &info->phdr[i];
		if (ph->p_type != PT_NOTE || ph->p_offset > limit || ph->p_filesz > limit - ph->p_offset)
			continue;
		Elf_Data *data = elf_getdata_rawchunk(elf, (int64_t)ph->p_offset, ph->p_filesz,
						      ph->p_align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR);
		if (!data)
			continue;
		size_t off = 0, next, name_off, desc_off;
		GElf_Nhdr nh;
		while ((next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			const char *name = (const char *)data->d_buf + name_off;
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 && memcmp(name, "GNU", 4) == 0 &&
			    nh.n_descsz > 0 && nh.n_descsz <= CF_BUILDID_MAX) {
				memcpy(info->buildid, (const char *)data->d_buf + desc_off, nh.n_descsz);
				info->buildid_len = nh.n_descsz;
				break;
			}
			off = next;
		}
	}
}

static int read_elf(Elf *elf, size_t limit, struct cf_elfinfo *info)
{
	memset(info, 0, sizeof *info);
	GElf_Ehdr eh;
	size_t n;
	if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh) || elf_getphdrnum(elf, &n) != 0)
		return -1;
	size_t entsz = gelf_fsize(elf, ELF_T_PHDR, 1, EV_CURRENT);
	if (entsz == 0 || eh.e_phoff > limit || n > (limit - eh.e_phoff) / entsz)
		return -1;
	info->type = eh.e_type;
	info->machine = eh.e_machine;
	info->is64 = eh.e_ident[EI_CLASS] == ELFCLASS64;
	info->big = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	info->entry = eh.e_entry;
	info->phoff = eh.e_phoff;
	info->phdr = cf_xcalloc(n, sizeof *info->phdr);
	for (size_t i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, (int)i, &info->phdr[info->nphdr]))
			continue;
		uint32_t t = info->phdr[info->nphdr].p_type;
		info->has_interp |= t == PT_INTERP;
		info->has_dynamic |= t == PT_DYNAMIC;
		info->nphdr++;
	}
	read_buildid(elf, limit, info);
	return 0;
}

int cf_elf_read_file(const char *path, struct cf_elfinfo *info, char *err, size_t errlen)
{
	memset(info, 0, sizeof *info);
	elf_version(EV_CURRENT);
	/* A candidate path may name a FIFO or a device: refused, never waited on. */
	int fd = cf_open_regular(path, err, errlen);
	if (fd < 0)
		return -1;
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	size_t size = 0;
	int r = -1;
	if (elf && elf_rawfile(elf, &size) && read_elf(elf, size, info) == 0)
		r = 0;
	else
		snprintf(err, errlen, "not an ELF object");
	if (elf)
		elf_end(elf);
	close(fd);
	return r;
}

int cf_elf_read_image(unsigned char *buf, size_t len, struct cf_elfinfo *info)
{
	memset(info, 0, sizeof *info);
	elf_version(EV_CURRENT);
	if (len < EI_NIDENT || memcmp(buf, ELFMAG, SELFMAG) != 0)
		return -1;
	Elf *elf = elf_memory((char *)buf, len);
	if (!elf)
		return -1;
	int r = read_elf(elf, len, info);
	elf_end(elf);
	if (r != 0)
		cf_elfinfo_free(info);
	return r;
}

void cf_elfinfo_free(struct cf_elfinfo *info)
{
	free(info->phdr);
	memset(info, 0, sizeof *info);
}

bool cf_elf_lookup_symbol(const char *path, const char *name, uint64_t *value)
{
	elf_version(EV_CURRENT);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	bool found = false;
	for (Elf_Scn *scn = NULL; elf && !found && (scn = elf_nextscn(elf, scn));) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) ||
		    sh.sh_entsize == 0)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		size_t n = data->d_size / sh.sh_entsize;
		for (size_t i = 0; i < n; i++) {
			GElf_Sym sym;
			if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx == SHN_UNDEF)
				continue;
			const char *s = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (s && strcmp(s, name) == 0) {
				*value = sym.st_value;
				found = true;
				break;
			}
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return found;
}

bool cf_elf_link_base(const struct cf_elfinfo *info, uint64_t pagesz, uint64_t *out)
{
	bool any = false;
	for (size_t i = 0; i < info->nphdr; i++)
		if (info->phdr[i].p_type == PT_LOAD) {
			uint64_t v = info->phdr[i].p_vaddr & ~(pagesz - 1);
			if (!any || v < *out)
				*out = v;
			any = true;
		}
	return any;
}

const GElf_Phdr *cf_elf_phdr(const struct cf_elfinfo *info, uint32_t type)
{
	for (size_t i = 0; i < info->nphdr; i++)
		if (info->phdr[i].p_type == type)
			return &info->phdr[i];
	return NULL;
}

void cf_hex(const unsigned char *b, size_t len, char *out)
{
	static const char dig[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = dig[b[i] >> 4];
		out[2 * i + 1] = dig[b[i] & 15];
	}
	out[2 * len] = 0;
}
