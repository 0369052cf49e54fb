/* Unit tests of the worker pool. */
#include "pool.h"
#include "harness.h"

#include <poll.h>

struct job {
	struct ms_pool_job link;	/* first */
	int in, out;
};

static void square(void *arg, void *ctx)
{
	struct job *j = arg;

	(void)ctx;
	j->out = j->in * j->in;
}

int main(void)
{
	enum { N = 500 };
	static struct job jobs[N];
	struct ms_pool *p = NULL;
	struct ms_pool_job *done;
	struct pollfd pfd;
	struct ms_err err;
	int i, got = 0, right = 0;

	is_int(ms_pool_new(&p, 8, square, NULL, &err), 0, "start 8 workers");
	for (i = 0; i < N; i++) {
		jobs[i].in = i;
		ms_pool_submit(p, &jobs[i].link);
	}
	pfd.fd = ms_pool_fd(p);
	pfd.events = POLLIN;
	while (got < N) {
		if (poll(&pfd, 1, 5000) <= 0)
			break;
		while ((done = ms_pool_done(p))) {
			struct job *j = (struct job *)done;

			got++;
			right += j->out == j->in * j->in;
		}
	}
	is_int(got, N, "every job came back through the eventfd");
	is_int(right, N, "every job ran");
	is_int(ms_pool_pending(p), 0, "nothing pending");
	ms_pool_free(p);
	return done_testing();
}
