/* A fixed pool of worker processes for triage. Processes, not threads:
 * libdw's caches are not shared safely between threads, and a core that
 * crashes a worker's reader is reported, not fatal to the run. Worker w
 * reads cores w, w + W, w + 2W, …; the parent takes outcomes in index
 * order from the pipe of the worker that owns the next index, so it keeps
 * no more than one outcome and a worker that runs ahead blocks on its full
 * pipe: memory does not grow with the number of cores. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "triage.h"

void cf_triage_outcome_free(struct cf_triage_outcome *o)
{
	free(o->error);
	free(o->signature);
	free(o->signal);
	free(o->abort_msg);
	for (size_t i = 0; i < o->nframes; i++)
		free(o->frames[i]);
	free(o->frames);
	memset(o, 0, sizeof *o);
}

static void put_u32(FILE *f, uint32_t v)
{
	fwrite(&v, sizeof v, 1, f);
}

static void put_str(FILE *f, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	put_u32(f, s ? (uint32_t)n : UINT32_MAX);
	fwrite(s ? s : "", 1, n, f);
}

static void put_outcome(FILE *f, const struct cf_triage_outcome *o)
{
	put_str(f, o->error);
	put_str(f, o->signature);
	put_str(f, o->signal);
	put_str(f, o->abort_msg);
	put_u32(f, (uint32_t)o->nframes);
	for (size_t i = 0; i < o->nframes; i++)
		put_str(f, o->frames[i]);
	fflush(f);
}

static bool get_u32(FILE *f, uint32_t *v)
{
	return fread(v, sizeof *v, 1, f) == 1;
}

static bool get_str(FILE *f, char **s)
{
	uint32_t n;
	*s = NULL;
	if (!get_u32(f, &n))
		return false;
	if (n == UINT32_MAX)
		return true;
	*s = cf_xmalloc((size_t)n + 1);
	(*s)[n] = 0;
	return fread(*s, 1, n, f) == n;
}

static bool get_outcome(FILE *f, struct cf_triage_outcome *o)
{
	uint32_t n;
	memset(o, 0, sizeof *o);
	if (!get_str(f, &o->error) || !get_str(f, &o->signature) || !get_str(f, &o->signal) ||
	    !get_str(f, &o->abort_msg) || !get_u32(f, &n) || n > 4096)
		return false;
	o->frames = n ? cf_xcalloc(n, sizeof *o->frames) : NULL;
	for (; o->nframes < n; o->nframes++)
		if (!get_str(f, &o->frames[o->nframes]))
			return false;
	return o->error || (o->signature && o->signal);
}

static void run_here(size_t n, cf_triage_work_fn *work, cf_triage_done_fn *done, void *arg)
{
	for (size_t i = 0; i < n; i++) {
		struct cf_triage_outcome o = {0};
		work(i, &o, arg);
		done(i, &o, arg);
		cf_triage_outcome_free(&o);
	}
}

void cf_triage_pool(size_t n, unsigned workers, cf_triage_work_fn *work, cf_triage_done_fn *done, void *arg)
{
	if (workers > n)
		workers = (unsigned)n;
	if (workers <= 1) {
		run_here(n, work, done, arg);
		return;
	}
	FILE **from = cf_xcalloc(workers, sizeof *from);
	pid_t *pid = cf_xcalloc(workers, sizeof *pid);
	fflush(NULL);  /* a child must not write out the parent's buffers again */
	unsigned started = 0;
	for (; started < workers; started++) {
		int fd[2];
		if (pipe2(fd, O_CLOEXEC) != 0)
			break;
		pid[started] = fork();
		if (pid[started] < 0) {
			close(fd[0]);
			close(fd[1]);
			break;
		}
		if (pid[started] == 0) {
			close(fd[0]);
			for (unsigned k = 0; k < started; k++)
				fclose(from[k]);
			FILE *to = fdopen(fd[1], "w");
			for (size_t i = started; to && i < n; i += workers) {
				struct cf_triage_outcome o = {0};
				work(i, &o, arg);
				put_outcome(to, &o);
				cf_triage_outcome_free(&o);
				if (ferror(to))
					break;
			}
			_exit(to && fclose(to) == 0 ? 0 : 1);
		}
		close(fd[1]);
		from[started] = fdopen(fd[0], "r");
	}
	/* Whatever could not be started is read here; the stride stays WORKERS,
	 * so the missing worker's share is read in this process. */
	for (size_t i = 0; i < n; i++) {
		unsigned w = (unsigned)(i % workers);
		struct cf_triage_outcome o = {0};
		if (w >= started || !from[w]) {
			work(i, &o, arg);
		} else if (!get_outcome(from[w], &o)) {
			/* The worker died (a reader crashed on this core): say so and
			 * read the rest of its share here. */
			cf_triage_outcome_free(&o);
			o.error = cf_xstrdup("the worker reading this core failed");
			fclose(from[w]);
			from[w] = NULL;
		}
		done(i, &o, arg);
		cf_triage_outcome_free(&o);
	}
	for (unsigned k = 0; k < started; k++) {
		if (from[k])
			fclose(from[k]);
		int st;
		while (waitpid(pid[k], &st, 0) < 0 && errno == EINTR)
			;
	}
	free(from);
	free(pid);
}
