/* Decoded PT_NOTE contents of a core: the kernel's CORE notes, LINUX
 * extras we only count, and Kontain KM's KMSP notes. */
#ifndef COREFIX_NOTES_H
#define COREFIX_NOTES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core.h"

#define CF_NT_FILE 0x46494c45u
#define CF_NT_SIGINFO 0x53494749u
#define CF_NT_KM_GUEST 0x4b4d4754u
#define CF_NT_KM_DYNLINKER 0x4b4d444cu
#define CF_NT_KM_MONITOR 0x4b4d4d4eu
#define CF_NT_KM_VCPU 0x4b4d5052u
#define CF_NT_KM_FILE 0x4b4d4644u

struct cf_thread {
	uint32_t tid;
	int cursig;
	const unsigned char *prstatus;  /* inside the core image */
	size_t prstatus_len;
};

struct cf_mapping {                     /* one NT_FILE entry */
	uint64_t start, end;
	uint64_t offset;                /* in bytes (file_ofs * NT_FILE page_size) */
	const char *name;               /* inside the core image, NUL-terminated */
};

struct cf_km_image {                    /* NT_KM_GUEST / NT_KM_DYNLINKER */
	bool present;
	uint64_t load_adjust;
	char *filename;
	uint64_t entry;
	uint16_t type;
	size_t nphdr;
	GElf_Phdr *phdr;
};

struct cf_auxv {
	bool present;
	bool shifted;                   /* repaired: the writer (qemu-user) began one word late */
	uint64_t phdr, phent, phnum, base, entry, pagesz, sysinfo_ehdr, execfn;
};

struct cf_notes {
	struct cf_thread *thread;
	size_t nthread;
	struct cf_auxv auxv;
	bool has_file;
	bool file_cut;                  /* NT_FILE promised more than it holds */
	uint64_t file_unit;             /* NT_FILE page_size field */
	struct cf_mapping *map;
	size_t nmap;
	bool has_prpsinfo;
	char fname[17], psargs[81];
	uint32_t prpsinfo_pid;
	bool has_siginfo;
	int si_signo, si_code;
	uint64_t fault_addr;
	struct cf_km_image km_guest, km_dynlinker;
	bool km_short_names;            /* saw n_namesz == 4 for "CORE" */
	size_t nkmsp;                   /* KMSP notes seen */
	size_t nlinux;                  /* "LINUX" notes (the kernel's FPU state): mark a Linux core */
	size_t nskipped;                /* notes we do not use */
};

/* Decodes every PT_NOTE of C. Problems in one note are warnings and the
 * rest still decode; returns -1 only when nothing could be read at all. */
int cf_notes_read(const struct cf_core *c, struct cf_notes *n, struct cf_diag *d);
void cf_notes_free(struct cf_notes *n);

/* A note's owner, accepting KM's n_namesz without the NUL. */
bool cf_note_owner_is(const void *name, uint32_t namesz, const char *owner);

/* FIRST[i] is true when thread i is the first NT_PRSTATUS of its tid (KM
 * repeats the faulting vCPU). Returns the first repeated tid, or 0.
 * Sorting keeps this O(n log n) for cores with very many threads. */
uint32_t cf_notes_first_threads(const struct cf_notes *n, bool *first);

#endif
