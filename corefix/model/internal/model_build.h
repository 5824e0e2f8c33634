/* The model's inside, for the stages that build it (this folder) and no
 * one else: adding and finding modules, the stages of cf_model_build, and
 * the resolver's door. Not on any other layer's include path, as
 * libdwflP.h is not installed beside libdwfl.h. */
#ifndef COREFIX_MODEL_BUILD_H
#define COREFIX_MODEL_BUILD_H
#include "model.h"

struct cf_module *cf_model_add(struct cf_model *m, const char *name);
struct cf_module *cf_model_find_addr(struct cf_model *m, uint64_t addr);
/* True when FILE is the build the core mapped (or the core has no build-id). */
bool cf_module_same_build(const struct cf_module *mod, const struct cf_elfinfo *file);

/* Appends X to the N values of V unless it is there; the new count. A
 * handful of candidate biases per object: a scan beats a set. */
static inline size_t cf_add_unique(uint64_t *v, size_t n, uint64_t x)
{
	for (size_t k = 0; k < n; k++)
		if (v[k] == x)
			return n;
	v[n] = x;
	return n + 1;
}

/* What the core's copy of MOD's first page says of its build. */
void cf_module_core_header(struct cf_module *mod, const struct cf_elfinfo *mem);
/* MOD's program headers are INFO's from now on (INFO is emptied). */
void cf_module_adopt_info(struct cf_module *mod, struct cf_elfinfo *info);
void cf_module_free(struct cf_module *mod);

/* Stages of cf_model_build (build.c), one file each. */
void cf_modules_from_ntfile(struct cf_model *m);
void cf_modules_from_km(struct cf_model *m);
void cf_modules_from_memory(struct cf_model *m);
/* The bias that puts INFO's program headers at AT_PHDR: where the object
 * is, if it is the one the kernel ran (headers.c). */
bool cf_bias_from_at_phdr(const struct cf_model *m, const struct cf_elfinfo *info, uint64_t *out);
/* Which module is the program (program.c): EXE as what the kernel ran
 * when the core cannot say; what AT_PHDR describes; a loader run as a
 * command, known by NT_PRPSINFO; the unnamed program named from its
 * arguments; EXE over a file found by name when it is the build. */
void cf_program_exe_as_exec(struct cf_model *m, const struct cf_options *opt);
void cf_program_assign_exec(struct cf_model *m);
void cf_program_loader_from_psargs(struct cf_model *m);
void cf_program_name_from_psargs(struct cf_model *m);
void cf_program_apply_exe(struct cf_model *m, const struct cf_options *opt);
/* One candidate bias of a file: how many of its NT_FILE entries admit it
 * and how many distinct PT_LOADs they cover. */
struct cf_bias_vote {
	uint64_t bias;
	size_t maps, segs;
};
size_t cf_bias_tally(const struct cf_model *m, const struct cf_module *mod, const struct cf_elfinfo *info,
		     struct cf_bias_vote *v, size_t max, size_t *nload);
/* True when NT_FILE entry E is a piece of some PT_LOAD of INFO at BIAS;
 * SEGS (INFO's nphdr entries, or NULL) marks each one it fits. */
bool cf_mapping_fits(const struct cf_model *m, const struct cf_mapping *e, const struct cf_elfinfo *info,
		     uint64_t bias, bool *segs);
void cf_module_bias_from_maps(struct cf_model *m, struct cf_module *mod, const struct cf_elfinfo *info);
/* Sorts MOD's NT_FILE entries into its image (those that fit its bias and
 * program headers, and the loader's holes inside its span) and data
 * mappings, and sets its range from the image. Idempotent. */
void cf_module_split_maps(struct cf_model *m, struct cf_module *mod);
/* A file NT_FILE maps as two or more full images (dlmopen): one module
 * each, link_map tells them apart. */
void cf_modules_split_images(struct cf_model *m);
/* After link_map: drops extra images link_map does not confirm when it
 * confirms a sibling (their mappings become the sibling's data). */
void cf_modules_prune_images(struct cf_model *m);
/* Drops the modules that are ELF files mapped only as data: no mapping of
 * theirs is executable, link_map does not list them and they are neither
 * the program nor its loader (a debugger reading an executable it never
 * runs). Their entries go to m->data_only. */
void cf_modules_drop_data_only(struct cf_model *m);
void cf_linkmap_read(struct cf_model *m);
/* Asks the run's resolver which file MOD is: sets mod->path; fills INFO
 * from that file and returns true when found. */
bool cf_resolve(struct cf_model *m, struct cf_module *mod, struct cf_elfinfo *info);
/* EXE, named by the user, is the program's file: taken when the program
 * has none yet or EXE is the build the core recorded. */
void cf_module_take_exe(struct cf_module *mod, const char *exe, const struct cf_elfinfo *info);
/* Reads the object whose first page is mapped at ADDR (at most MAXLEN bytes). */
bool cf_model_image_at(const struct cf_model *m, uint64_t addr, uint64_t maxlen, struct cf_elfinfo *info);
/* Sets lo/hi from INFO's PT_LOADs and the bias. */
void cf_module_range_from_info(struct cf_model *m, struct cf_module *mod);

#endif
