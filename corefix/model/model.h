/* The process model: everything corefix learned from one core, built once
 * and then only read by the output commands. What its consumers see: the
 * model's facts and reading them; the stages that build it see
 * internal/model_build.h too. */
#ifndef COREFIX_MODEL_H
#define COREFIX_MODEL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "diag.h"
#include "elfimage.h"
#include "notes.h"
#include "resolve.h"

/* Where a fact came from (bit set). */
enum {
	CF_SRC_NTFILE = 1u << 0,  /* kernel's NT_FILE + the object's program headers */
	CF_SRC_LINKMAP = 1u << 1, /* r_debug/link_map in core memory */
	CF_SRC_KM = 1u << 2,      /* KMSP NT_KM_GUEST / NT_KM_DYNLINKER */
	CF_SRC_MEMORY = 1u << 3,  /* an ELF header found in core memory */
	CF_SRC_AUXV = 1u << 4,    /* AT_SYSINFO_EHDR (the vDSO) */
};

enum cf_role {
	CF_ROLE_DSO,
	CF_ROLE_MAIN,   /* the real program: link_map's head */
	CF_ROLE_EXEC,   /* what the kernel ran (AT_PHDR) when it is not the main program: the loader */
	CF_ROLE_VDSO,
};

struct cf_module {
	char *name;             /* as recorded (NT_FILE, l_name, KM note); never NULL */
	char *path;             /* the file used, absolute; NULL when not found */
	const char *path_how;   /* how PATH was found */
	uint64_t path_dev, path_ino; /* PATH's file as read (0: not known) */
	char *debuginfo;        /* separate debug info fetched with PATH from debuginfod, or NULL */
	bool deleted;           /* NT_FILE said " (deleted)" */
	enum cf_role role;
	unsigned sources;       /* CF_SRC_* that know this module */
	uint64_t lo, hi;        /* the image's address range (never widened by data mappings) */
	size_t nmaps;           /* NT_FILE entries of the image */
	size_t *map;            /* their indices in notes.map */
	size_t ndata;           /* NT_FILE entries of the same file outside the image: */
	size_t *data;           /* the file mapped again as data (indices in notes.map) */
	bool extra_image;       /* a further full image of a file NT_FILE maps more than once */
	bool has_bias;
	uint64_t bias;
	unsigned bias_src;      /* CF_SRC_* that agree on BIAS */
	size_t ncand;           /* > 1: NT_FILE left several candidates */
	uint64_t cand[4];
	bool bias_conflict;     /* NT_FILE entries admit no common bias */
	bool in_linkmap;
	uint64_t l_addr, l_ld;
	uint64_t lm_entry;      /* address of its struct link_map */
	char *lm_name;          /* l_name as read from the core */
	bool elf_known;         /* INFO holds program headers (file, memory or KM note) */
	struct cf_elfinfo info;
	bool not_elf;           /* known not to be an ELF object */
	bool header_in_core;    /* the first page is in core memory */
	uint64_t layout_core;   /* then cf_elf_layout of that copy */
	unsigned char bid_core[CF_BUILDID_MAX], bid_file[CF_BUILDID_MAX];
	size_t bid_core_len, bid_file_len;
	bool bid_mismatch;
};

struct cf_model {
	struct cf_core core;
	struct cf_notes notes;
	struct cf_diag diag;
	uint64_t pagesz;
	struct cf_module *mod;
	size_t nmod, modcap;
	/* link_map */
	uint64_t r_debug;
	const char *r_debug_how;    /* NULL: not found */
	int r_version;
	size_t lm_entries;
	bool lm_broken;             /* walk stopped on bad memory, a cycle or the limit */
	bool no_dt_debug;           /* found only through a loader symbol */
	bool loader_as_command;
	bool km;
	/* The run's resolver (not owned): finds every module's file while
	 * the model is built. */
	struct cf_resolver *resolver;
	/* ELF files mapped only as data (no image: cf_modules_drop_data_only):
	 * their NT_FILE entries, in note order, and how many files. */
	size_t *data_only, ndata_only, ndata_only_files;
};

/* Builds the model of CORE, asking R, the run's resolver (built once from
 * the options: cf_resolver_new), for its files. Returns 0 when usable (warnings in m->diag,
 * m->diag.partial set when something is missing), -1 when not (reason in
 * m->diag.error). */
int cf_model_build(struct cf_model *m, const char *core, struct cf_resolver *r);
/* The same for a core the caller opened into m->core (the rest of M zeroed). */
int cf_model_from_core(struct cf_model *m, struct cf_resolver *r);
void cf_model_free(struct cf_model *m);

const struct cf_module *cf_model_role(const struct cf_model *m, enum cf_role role);
/* The bias as a signed distance, load address minus link address. It is
 * negative only for a module below its link address (an old vDSO); an
 * i386 DSO at 0xf7eca000 linked at 0 is +0xf7eca000 though its top bit is
 * set. Every consumer (gdb -o, JSON, libdwfl's base) takes this number. */
int64_t cf_module_bias_signed(const struct cf_model *m, const struct cf_module *mod);
/* True when the module can be given to a debugger at a known bias. */
bool cf_module_loadable(const struct cf_module *mod, bool force);

/* Process memory: from the core, else (text pages the kernel did not dump)
 * from the file of the module mapped there, when its build-id matches.
 * Returns how many leading bytes were read. */
size_t cf_model_read(const struct cf_model *m, uint64_t addr, void *buf, size_t len);

/* NT_PRPSINFO's psargs of a loader run as a command, without the loader
 * and its options: "PROGRAM ARGS...". */
void cf_program_args(const char *psargs, char *out, size_t n);

#endif
