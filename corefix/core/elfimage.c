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

/* How far into the file the program headers and the notes reach, from a
 * buffer that holds at least the ELF header. Never more than CAP. When
 * BUF already holds them all, *PARSED is what it says (and *HAVE set):
 * the usual library is read once, not twice. */
static size_t headers_end(const unsigned char *buf, size_t len, size_t cap, struct cf_elfinfo *parsed, bool *have)
{
	struct cf_elfinfo probe;
	size_t need = len;
	*have = false;
	if (cf_elf_read_image((unsigned char *)buf, len, &probe) == 0) {
		for (size_t i = 0; i < probe.nphdr; i++) {
			const GElf_Phdr *ph = &probe.phdr[i];
			if (ph->p_type == PT_NOTE && !probe.buildid_len && ph->p_offset < cap &&
			    ph->p_filesz <= cap - ph->p_offset && ph->p_offset + ph->p_filesz > need)
				need = ph->p_offset + ph->p_filesz;
		}
		if (need == len) {
			*parsed = probe;
			*have = true;
		} else {
			cf_elfinfo_free(&probe);
		}
		return need;
	}
	/* Not even the program headers fit: say where they end. */
	const Elf64_Ehdr *e64 = (const void *)buf;
	const Elf32_Ehdr *e32 = (const void *)buf;
	if (len < sizeof *e64 || memcmp(buf, ELFMAG, SELFMAG) != 0)
		return len;
	bool big = buf[EI_DATA] == ELFDATA2MSB;
	uint64_t off = buf[EI_CLASS] == ELFCLASS64 ? e64->e_phoff : e32->e_phoff;
	uint64_t n = buf[EI_CLASS] == ELFCLASS64 ? e64->e_phnum : e32->e_phnum;
	if (big != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)) {
		off = buf[EI_CLASS] == ELFCLASS64 ? __builtin_bswap64(off) : __builtin_bswap32((uint32_t)off);
		n = __builtin_bswap16((uint16_t)n);
	}
	uint64_t end = off + n * (buf[EI_CLASS] == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr));
	return end > len && end <= cap ? (size_t)end : len;
}

int cf_elf_read_file(const char *path, struct cf_elfinfo *info, char *err, size_t errlen)
{
	memset(info, 0, sizeof *info);
	/* A candidate path may name a FIFO or a device: cf_open_candidate
	 * never opens a device a core names and opens non-blocking, so a FIFO
	 * fails the check instead of waiting. */
	struct stat st;
	int fd = cf_open_candidate(path, &st, err, errlen);
	if (fd < 0)
		return fd;
	/* Only the headers and notes matter, and they sit at the front: one
	 * pread of a page in the usual case, a second when a long program
	 * header table or a late note reaches further. No mmap: listing 500
	 * modules must not cost 500 mappings. */
	enum { FIRST = 4096, CAP = 1 << 20 };
	unsigned char *buf = cf_xmalloc(FIRST);
	ssize_t got = pread(fd, buf, FIRST, 0);
	size_t len = got > 0 ? (size_t)got : 0;
	bool parsed = false;
	size_t need = len == FIRST ? headers_end(buf, len, CAP, info, &parsed) : len;
	if (need > len) {
		buf = cf_xrealloc(buf, need, 1);
		got = pread(fd, buf + len, need - len, (off_t)len);
		len += got > 0 ? (size_t)got : 0;
	}
	close(fd);
	int r = parsed ? 0 : len >= EI_NIDENT ? cf_elf_read_image(buf, len, info) : -1;
	if (r != 0)
		snprintf(err, errlen, "not an ELF object");
	info->dev = st.st_dev;
	info->ino = st.st_ino;
	free(buf);
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

static uint64_t fnv(uint64_t h, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		h = (h ^ (v & 0xff)) * 0x100000001b3ull;
	return h;
}

uint64_t cf_elf_layout(const struct cf_elfinfo *info)
{
	uint64_t h = 0xcbf29ce484222325ull;
	h = fnv(h, (uint64_t)info->is64 << 33 | (uint64_t)info->big << 32 | (uint64_t)info->type << 16 | info->machine);
	h = fnv(fnv(h, info->entry), info->nphdr);
	for (size_t i = 0; i < info->nphdr; i++) {
		const GElf_Phdr *p = &info->phdr[i];
		h = fnv(fnv(fnv(h, (uint64_t)p->p_type << 32 | p->p_flags), p->p_offset), p->p_vaddr);
		h = fnv(fnv(fnv(h, p->p_filesz), p->p_memsz), p->p_align);
	}
	return h;
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

int cf_elf_read_sections(const char *path, bool *has_dwarf, unsigned char *buildid, size_t *buildid_len)
{
	*has_dwarf = false;
	*buildid_len = 0;
	elf_version(EV_CURRENT);
	char err[128];
	int fd = cf_open_regular(path, err, sizeof err);
	if (fd < 0)
		return -1;
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	size_t shstrndx;
	int r = elf && elf_kind(elf) == ELF_K_ELF && elf_getshdrstrndx(elf, &shstrndx) == 0 ? 0 : -1;
	for (Elf_Scn *scn = NULL; r == 0 && (scn = elf_nextscn(elf, scn));) {
		GElf_Shdr sh;
		const char *name;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS || !(name = elf_strptr(elf, shstrndx, sh.sh_name)))
			continue;
		if ((!strcmp(name, ".debug_info") || !strcmp(name, ".zdebug_info")) && sh.sh_size)
			*has_dwarf = true;
		Elf_Data *data;
		if (sh.sh_type != SHT_NOTE || *buildid_len || !(data = elf_getdata(scn, NULL)))
			continue;
		size_t off = 0, next, name_off, desc_off;
		GElf_Nhdr nh;
		while ((next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    memcmp((const char *)data->d_buf + name_off, "GNU", 4) == 0 && nh.n_descsz > 0 &&
			    nh.n_descsz <= CF_BUILDID_MAX) {
				memcpy(buildid, (const char *)data->d_buf + desc_off, nh.n_descsz);
				*buildid_len = nh.n_descsz;
				break;
			}
			off = next;
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return r;
}
