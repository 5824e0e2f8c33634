/* The --json reports of earlier triage runs, read back (by --merge, and
 * by --baseline when it names one). */
#ifndef COREFIX_TRIAGE_JSON_H
#define COREFIX_TRIAGE_JSON_H
#include <stddef.h>

enum cf_jtype { CF_J_NULL, CF_J_BOOL, CF_J_NUM, CF_J_STR, CF_J_ARR, CF_J_OBJ };

struct cf_jv {
	enum cf_jtype t;
	char *s;                /* CF_J_STR */
	double num;
	struct cf_jv *v;        /* CF_J_ARR, CF_J_OBJ: values */
	char **k;               /* CF_J_OBJ: keys */
	size_t n;
};

/* The whole of PATH, a regular file, NUL-terminated (LEN bytes before the
 * NUL); NULL with "PATH: why" in ERR. */
char *cf_triage_slurp(const char *path, size_t *len, char *err, size_t errlen);
/* TEXT (of PATH, for the message) as a triage report of one of SCHEMAS
 * (NULL-terminated, the first named in the message) into ROOT: an object
 * with schema, cores_found, groups and unreadable; -1 with the reason in
 * ERR and ROOT empty. */
int cf_triage_json_parse(const char *path, const char *text, size_t len, struct cf_jv *root,
			 const char *const *schemas, char *err, size_t errlen);
/* The same, read from PATH. */
int cf_triage_json_read(const char *path, struct cf_jv *root, const char *const *schemas, char *err, size_t errlen);
/* OBJ's member KEY when it is of type T, else NULL. */
const struct cf_jv *cf_jv_get(const struct cf_jv *obj, const char *key, enum cf_jtype t);
/* OBJ's member KEY when it is a string, else NULL. */
const char *cf_jv_str(const struct cf_jv *obj, const char *key);
void cf_jv_free(struct cf_jv *j);

#endif
