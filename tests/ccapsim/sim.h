/* ccapsim's server side: options, the fleet and the event loop. */
#ifndef CCAPSIM_SIM_H
#define CCAPSIM_SIM_H

#include "ccapsim.h"

struct cs_opts {
	int devices, family, upstreams;
	uint64_t seed;
	const char *listen, *user, *password, *host_key_dir;
	const char *inventory, *truth_log;
	const char *control;		/* hold rules, re-read */
	int base_port;
	int latency_ms, jitter_ms;
	double time_scale, epoch;	/* epoch < 0: start at the wall clock */
	int nfault;
	struct { char name[32]; int kind; } fault[256];
	double fault_rate[CS_NFAULT];
};

/* Run the fleet until SIGTERM/SIGINT; returns the exit status. */
int cs_serve(const struct cs_opts *o);
/* The stable (or, for the hostkey fault, the other) host key of a device,
 * as a libssh key. */
void *cs_host_key(uint64_t seed, const char *name, int alt, const char *dir);

#endif
