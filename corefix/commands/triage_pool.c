/* Worker processes for triage. Processes, not threads: libdw's caches are
 * not shared safely between threads, and a core that crashes, hangs or
 * bloats a reader must cost only that core. The parent hands out one core
 * index at a time over a socket, waits with a deadline, and takes the
 * outcomes back in index order (keeping at most WINDOW of them ahead), so
 * the report does not depend on which worker was faster and memory does
 * not grow with the number of cores. The parent never reads a core: a
 * worker that dies or is killed is replaced by a new one. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backtrace.h"
#include "triage_pool.h"

enum { WINDOW = 64 };

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

static void put_list(FILE *f, char *const *v, size_t n)
{
	put_u32(f, (uint32_t)n);
	for (size_t i = 0; i < n; i++)
		put_str(f, v[i]);
}

static void put_outcome(FILE *f, const struct cf_triage_outcome *o)
{
	put_str(f, o->error);
	put_str(f, o->signature);
	put_str(f, o->signal);
	put_str(f, o->abort_msg);
	put_list(f, o->frames, o->nframes);
	put_str(f, o->cls);
	put_str(f, o->access);
	put_str(f, o->evidence);
	put_list(f, o->stack, o->nstack);
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
	if (n > 1u << 24)
		return false;
	*s = cf_xmalloc((size_t)n + 1);
	(*s)[n] = 0;
	return fread(*s, 1, n, f) == n;
}

static bool get_list(FILE *f, char ***v, size_t *nv)
{
	uint32_t n;
	if (!get_u32(f, &n) || n > 4096)
		return false;
	*v = n ? cf_xcalloc(n, sizeof **v) : NULL;
	for (; *nv < n; ++*nv)
		if (!get_str(f, &(*v)[*nv]))
			return false;
	return true;
}

static bool get_outcome(FILE *f, struct cf_triage_outcome *o)
{
	memset(o, 0, sizeof *o);
	return get_str(f, &o->error) && get_str(f, &o->signature) && get_str(f, &o->signal) &&
	       get_str(f, &o->abort_msg) && get_list(f, &o->frames, &o->nframes) && get_str(f, &o->cls) &&
	       get_str(f, &o->access) && get_str(f, &o->evidence) && get_list(f, &o->stack, &o->nstack) &&
	       (o->error || (o->signature && o->signal && o->cls));
}

static bool write_all(int fd, const void *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p = (const char *)p + w, n -= (size_t)w;
	}
	return true;
}

/* The worker: reads an index, answers with the outcome as one message
 * (length, then the fields), until the parent closes the socket. */
static void worker_main(int fd, const struct cf_triage_pool_opts *po, cf_triage_work_fn *work, void *arg)
{
	uint64_t i;
	for (;;) {
		ssize_t got = read(fd, &i, sizeof i);
		if (got < 0 && errno == EINTR)
			continue;
		if (got != (ssize_t)sizeof i)
			break;
		if (po->as_limit) {
			/* The soft limit only: it can be raised again for the next core. */
			struct rlimit rl;
			getrlimit(RLIMIT_AS, &rl);
			uint64_t want = po->as_limit + 2 * (po->size ? po->size((size_t)i, arg) : 0);
			rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || want < rl.rlim_max ? want : rl.rlim_max;
			setrlimit(RLIMIT_AS, &rl);
		}
		struct cf_triage_outcome o = {0};
		work((size_t)i, &o, arg);
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);
		if (!m)
			_exit(2);
		put_outcome(m, &o);
		bool ok = fclose(m) == 0;
		uint32_t n = (uint32_t)len;
		ok = ok && write_all(fd, &n, sizeof n) && write_all(fd, buf, len);
		free(buf);
		cf_triage_outcome_free(&o);
		if (!ok)
			break;
	}
	_exit(0);
}

struct worker {
	pid_t pid;              /* 0: none running */
	int fd;
	bool busy;
	size_t job;
	struct timespec start;
	unsigned char *buf;     /* the answer so far */
	size_t len, cap;
};

static void start_worker(struct worker *w, struct worker *all, unsigned nw, const struct cf_triage_pool_opts *po,
			 cf_triage_work_fn *work, void *arg)
{
	int sv[2];
	w->pid = 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return;
	fflush(NULL);  /* a child must not write out the parent's buffers again */
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		/* A reader hung on a core must not outlive a killed run. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		/* Only its own socket: another worker's must see EOF when the
		 * parent closes it. */
		for (unsigned k = 0; k < nw; k++)
			if (all[k].pid > 0)
				close(all[k].fd);
		close(sv[0]);
		worker_main(sv[1], po, work, arg);
	}
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return;
	}
	w->pid = pid;
	w->fd = sv[0];
	w->busy = false;
	w->len = 0;
}

/* Ends W (killing it when KILL) and says how it ended into WHY. */
static void end_worker(struct worker *w, bool kill_it, char *why, size_t len)
{
	if (kill_it)
		kill(w->pid, SIGKILL);
	close(w->fd);
	int st = 0;
	while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
		;
	if (why && WIFSIGNALED(st))
		snprintf(why, len, "reader crashed (%s)", cf_signal_name(WTERMSIG(st)));
	else if (why)
		snprintf(why, len, "reader exited with status %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	w->pid = 0;
	w->busy = false;
	w->len = 0;
}

static double since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* A complete answer in W's buffer: parsed into O. */
static bool take_answer(struct worker *w, struct cf_triage_outcome *o, bool *bad)
{
	uint32_t n;
	*bad = false;
	if (w->len < sizeof n)
		return false;
	memcpy(&n, w->buf, sizeof n);
	if (w->len < sizeof n + n)
		return false;
	FILE *f = fmemopen(w->buf + sizeof n, n, "r");
	if (!f || !get_outcome(f, o)) {
		cf_triage_outcome_free(o);
		*bad = true;
	}
	if (f)
		fclose(f);
	w->len = 0;
	return true;
}

void cf_triage_pool(size_t n, const struct cf_triage_pool_opts *po, cf_triage_work_fn *work, cf_triage_done_fn *done,
		    void *arg)
{
	unsigned nw = po->workers ? po->workers : 1;
	if (nw > n)
		nw = n ? (unsigned)n : 1;
	struct worker *w = cf_xcalloc(nw, sizeof *w);
	struct cf_triage_outcome *slot = cf_xcalloc(WINDOW, sizeof *slot);
	bool *ready = cf_xcalloc(WINDOW, sizeof *ready);
	size_t next = 0, delivered = 0;
	while (delivered < n) {
		for (unsigned k = 0; k < nw && next < n && next < delivered + WINDOW; k++) {
			if (!w[k].pid)
				start_worker(&w[k], w, nw, po, work, arg);
			if (!w[k].pid || w[k].busy)
				continue;
			uint64_t i = next;
			if (send(w[k].fd, &i, sizeof i, MSG_NOSIGNAL) != (ssize_t)sizeof i) {
				end_worker(&w[k], true, NULL, 0);
				continue;
			}
			w[k].busy = true, w[k].job = next++;
			clock_gettime(CLOCK_MONOTONIC, &w[k].start);
		}
		bool any_busy = false;
		for (unsigned k = 0; k < nw; k++)
			any_busy |= w[k].busy;
		if (!any_busy && next < n && next < delivered + WINDOW) {
			/* Not one worker could be started: the cores are reported, not read here. */
			size_t s = next % WINDOW;
			slot[s].error = cf_xasprintf("could not start a worker process: %s", strerror(errno));
			ready[s] = true, next++;
		}
		while (delivered < n && ready[delivered % WINDOW]) {
			size_t s = delivered % WINDOW;
			done(delivered, &slot[s], arg);
			cf_triage_outcome_free(&slot[s]);
			ready[s] = false, delivered++;
		}
		if (!any_busy)
			continue;
		struct pollfd *pf = cf_xcalloc(nw, sizeof *pf);
		double wait = po->timeout ? (double)po->timeout : 3600;
		for (unsigned k = 0; k < nw; k++) {
			pf[k].fd = w[k].busy ? w[k].fd : -1;
			pf[k].events = POLLIN;
			if (w[k].busy && po->timeout) {
				double left = po->timeout - since(&w[k].start);
				if (left < wait)
					wait = left;
			}
		}
		int ms = wait <= 0 ? 0 : (int)(wait * 1000) + 1;
		if (poll(pf, nw, ms) < 0 && errno != EINTR)
			ms = 0;
		for (unsigned k = 0; k < nw; k++) {
			if (!w[k].busy)
				continue;
			size_t s = w[k].job % WINDOW;
			char why[96];
			if (pf[k].revents) {
				if (w[k].cap - w[k].len < 65536)
					w[k].buf = cf_xrealloc(w[k].buf, w[k].cap = w[k].cap * 2 + 65536, 1);
				ssize_t got = read(w[k].fd, w[k].buf + w[k].len, w[k].cap - w[k].len);
				if (got < 0 && errno == EINTR)
					continue;
				if (got <= 0) {
					end_worker(&w[k], false, why, sizeof why);
					slot[s].error = cf_xstrdup(why);
					ready[s] = true;
					continue;
				}
				w[k].len += (size_t)got;
				bool bad;
				if (take_answer(&w[k], &slot[s], &bad)) {
					if (bad)
						slot[s].error = cf_xstrdup("reader sent a malformed answer");
					ready[s] = true, w[k].busy = false;
				}
			} else if (po->timeout && since(&w[k].start) >= po->timeout) {
				end_worker(&w[k], true, NULL, 0);
				slot[s].error = cf_xasprintf("timed out after %u s", po->timeout);
				ready[s] = true;
			}
		}
		free(pf);
	}
	for (unsigned k = 0; k < nw; k++) {
		if (w[k].pid)
			end_worker(&w[k], false, NULL, 0);
		free(w[k].buf);
	}
	free(w);
	free(slot);
	free(ready);
}
