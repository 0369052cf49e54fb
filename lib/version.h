/* Version of modscan and of every library linked into it. */
#ifndef MS_VERSION_H
#define MS_VERSION_H

#include "ms.h"
#include "buf.h"

/* "0.1.0-12-gabcdef" from git describe at build time. */
extern const char ms_version[];
extern const char ms_build_date[];

/* "modscan VERSION (built DATE)\nlibssh X\n..." one library a line. */
int ms_version_render(struct ms_buf *b);

#endif
