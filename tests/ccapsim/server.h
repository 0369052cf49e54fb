/* ccapsim's server internals shared by server.c (sessions, event loop)
 * and session.c (one session's CLI, output, pager, faults and truth). */
#ifndef CCAPSIM_SERVER_H
#define CCAPSIM_SERVER_H

#include "sim.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libssh/libssh.h>
#include <libssh/server.h>
#include <libssh/callbacks.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

enum { ST_SSH, ST_LOGIN, ST_DEAD, ST_IDLE, ST_WAIT, ST_SEND, ST_MORE,
       ST_CLOSING };
enum { WRAP_COLS = 40, TRICKLE_MS = 200, SLOW_MS = 10000, INMAX = 4096 };

struct meta {
	size_t end;
	struct cs_line l;
};

struct conn {
	struct sim *sim;
	struct cs_dev *dev;
	ssh_session s;
	ssh_event ev;		/* this session alone: see sessions_cb */
	ssh_channel ch;
	uint32_t gen;
	int live, state, priv, enable_pw, page, width, pager_left, last_cr;
	int64_t wake_at, close_at;
	struct ssh_server_callbacks_struct scb;
	struct ssh_channel_callbacks_struct ccb;
	char in[INMAX];
	size_t inlen, inoff;
	int in_proc;
	char line[1024];
	size_t linelen;
	char echo_buf[256];
	size_t echo_len;
	/* the reply being sent */
	char *out;
	size_t olen, ocap, ooff, body_end;
	struct meta *om;
	size_t nom, omcap, omi;
	int close_after, data, cmd, answered, auth_logged;
	char kbd_user[64];
	/* truth of the reply */
	int64_t t_ms;
	uint64_t seen[16];
	int nrec, partial;
	int blk, blk_up, blk_dom, blk_n, blk_code, blk_ofdm;
	struct conn *next_free;
};

struct timer {
	int64_t when;
	struct conn *c;
	uint32_t gen;
};

struct sim {
	const struct cs_opts *o;
	struct cs_dev *devs;
	int ndev;
	ssh_event ev;
	int sess_epfd;		/* sessions' sockets, data = struct conn */
	struct conn **conns;
	size_t nconn, conncap;
	struct conn *free_list;
	struct timer *heap;
	size_t nheap, heapcap;
	int hangfd[4096];
	int nhang_close;
	FILE *truth;
	int64_t mono0;
	unsigned long sessions, commands, faults;
	struct cs_reply reply;
	uint64_t garbage_ctr;
};


static inline int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline double sim_now(const struct sim *S)
{
	double base = S->o->epoch >= 0 ? S->o->epoch : 0;

	return base + (double)(mono_ms() - S->mono0) / 1000.0 * S->o->time_scale;
}

static inline int has(const struct conn *c, int f)
{
	return (c->dev->faults >> f) & 1;
}


/* session.c */
void wake_in(struct conn *c, int64_t ms);
struct timer heap_pop(struct sim *S);
void on_wake(struct conn *c);
void conn_close(struct conn *c);
void truth_fail(struct conn *c, const char *what, const char *why);

#endif
