/*
 * The progress line of a sweep on a terminal: devices done, failed, rate
 * and an estimate of the time left, redrawn in place on stderr.
 */
#ifndef MS_PROGRESS_H
#define MS_PROGRESS_H

#include "ms.h"

/*
 * Draw the line for a sweep that started at started_ms (wall clock) with
 * finished of ndev devices done, failed of them failed; last ends it with
 * a newline.  No estimate until the first device has finished.
 */
void ms_progress_draw(int64_t started_ms, size_t finished, size_t ndev,
		      unsigned failed, bool last);

#endif
