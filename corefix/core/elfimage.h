/* What corefix needs to know of one ELF object, read either from a file on
 * disk or from the copy of its first pages found in core memory. */
#ifndef COREFIX_ELFIMAGE_H
#define COREFIX_ELFIMAGE_H
#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CF_BUILDID_MAX 64

struct cf_elfinfo {
	uint16_t type, machine;
	bool is64, big;
	uint64_t entry, phoff;
	size_t nphdr;
	GElf_Phdr *phdr;
	unsigned char buildid[CF_BUILDID_MAX];
	size_t buildid_len;
	bool has_interp, has_dynamic;
	uint64_t dev, ino;      /* the file read by cf_elf_read_file; 0 otherwise */
};

/* Reads PATH's ELF header, program headers and build-id; returns -1 with a
 * reason in ERR (not an ELF file, unreadable), -2 when PATH does not exist
 * or is no regular file. */
int cf_elf_read_file(const char *path, struct cf_elfinfo *info, char *err, size_t errlen);
/* Reads the leading LEN bytes of an object as mapped at file offset 0. */
int cf_elf_read_image(unsigned char *buf, size_t len, struct cf_elfinfo *info);
void cf_elfinfo_free(struct cf_elfinfo *info);

/* Value of a defined symbol NAME in PATH's .symtab or .dynsym. */
bool cf_elf_lookup_symbol(const char *path, const char *name, uint64_t *value);

/* Lowest page-aligned PT_LOAD vaddr: the link-time base. */
bool cf_elf_link_base(const struct cf_elfinfo *info, uint64_t pagesz, uint64_t *out);
const GElf_Phdr *cf_elf_phdr(const struct cf_elfinfo *info, uint32_t type);

/* From PATH's section headers: whether it carries DWARF (.debug_info) and
 * its build-id. A separate debug file's program headers describe the
 * stripped file's layout, not its own, so cf_elf_read_file cannot tell. */
int cf_elf_read_sections(const char *path, bool *has_dwarf, unsigned char *buildid, size_t *buildid_len);

/* A digest of what an object's first page says of its build: class, byte
 * order, type, machine, entry and every program header. Equal for a file
 * and the core's copy of its first page when they are the same build: the
 * check that remains when there is no build-id. */
uint64_t cf_elf_layout(const struct cf_elfinfo *info);

/* Hex of a build-id into OUT (2*len+1 bytes). */
void cf_hex(const unsigned char *b, size_t len, char *out);

#endif
