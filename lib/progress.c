/* The progress line of a sweep on a terminal (see progress.h). */
#include "progress.h"

#include <stdio.h>

#include "mstime.h"

void ms_progress_draw(int64_t started_ms, size_t finished, size_t ndev,
		      unsigned failed, bool last)
{
	char eta[32] = "ETA -";
	double secs, rate;

	secs = (double)(ms_wall_now() - started_ms) / 1000;
	rate = secs > 0 ? (double)finished / secs : 0.0;
	if (finished && rate > 0)
		snprintf(eta, sizeof(eta), "ETA %.0f s",
			 (double)(ndev > finished ? ndev - finished : 0) /
			 rate);
	fprintf(stderr, "\r%zu/%zu devices, %u failed, %.1f devices/s, %s "
		"\033[K%s", finished, ndev, failed, rate, eta,
		last ? "\n" : "");
}
