/*
 * The log (see log.h).  Each line is formatted into one bounded buffer
 * and written with one write(2) on an O_APPEND descriptor, so lines from
 * several threads and processes never interleave.
 */
#include "log.h"

#include <pthread.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "file.h"
#include "mstime.h"

enum {
	LINE_MAX_BYTES = 4096,	/* a whole line, with its newline */
	ROTATE_SUFFIX_MAX = 16	/* ".NNN" */
};

static const char *const level_names[] = {
	"error", "warn", "notice", "info", "debug"
};

/* syslog(3) severities of the levels; LOG_DAEMON is facility 3. */
static const char severity[] = { '3', '4', '5', '6', '7' };
enum { FACILITY_DAEMON = 3 << 3 };
static const char syslog_path[] = "/dev/log";

/* The state below is guarded by mu, except level (atomic). */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int log_fd = STDERR_FILENO;
static char log_path[PATH_MAX];	/* "" for stderr */
static char log_ident[32] = "modscan";
static size_t log_max_bytes;
static unsigned log_keep;
static int log_level = MS_LOG_INFO;
static int sys_fd = -1;		/* LOG_FILE=syslog: connected to /dev/log */
static bool journal;		/* stderr is the journal (JOURNAL_STREAM) */

static int open_file(const char *path, struct ms_err *err)
{
	int fd = ms_file_open(path, O_WRONLY | O_CREAT | O_APPEND, 0640, err);

	if (fd < 0)
		ms_err_prefix(err, "log file");
	return fd;
}

static int open_syslog(struct ms_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memcpy(sa.sun_path, syslog_path, sizeof(syslog_path));
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ms_err_sys(err, "cannot connect to syslog at '%s'",
			   syslog_path);
		if (fd >= 0)
			close(fd);
		return MS_E_SYS;
	}
	return fd;
}

/* systemd sets JOURNAL_STREAM=DEV:INODE when stderr is the journal. */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	return js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
	       fstat(STDERR_FILENO, &st) == 0 &&
	       (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

int ms_log_open(const char *ident, const char *path, enum ms_log_level level,
		size_t max_bytes, unsigned keep, struct ms_err *err)
{
	int fd = STDERR_FILENO, sfd = -1;

	if (path && !strcmp(path, MS_LOG_SYSLOG)) {
		if ((sfd = open_syslog(err)) < 0)
			return sfd;
	} else if (path && *path) {
		if (strlen(path) >= sizeof(log_path))
			return ms_err_set(err, MS_E_TOOBIG,
					  "log file path too long: '%s'", path);
		if ((fd = open_file(path, err)) < 0)
			return fd;
	}
	pthread_mutex_lock(&mu);
	if (log_fd != STDERR_FILENO)
		close(log_fd);
	if (sys_fd >= 0)
		close(sys_fd);
	log_fd = fd;
	sys_fd = sfd;
	journal = fd == STDERR_FILENO && sfd < 0 && stderr_is_journal();
	snprintf(log_path, sizeof(log_path), "%s", fd == STDERR_FILENO ?
		 "" : path);
	snprintf(log_ident, sizeof(log_ident), "%s", ident ? ident :
		 "modscan");
	log_max_bytes = max_bytes;
	log_keep = keep;
	pthread_mutex_unlock(&mu);
	ms_log_set_level(level);
	return 0;
}

int ms_log_open_conf(const char *ident, const struct ms_conf *c,
		     struct ms_err *err)
{
	/* LOG_LEVEL's choices are listed in the order of enum ms_log_level. */
	return ms_log_open(ident, ms_conf_str(c, MS_CONF_LOG_FILE),
			   (enum ms_log_level)ms_conf_int(c, MS_CONF_LOG_LEVEL),
			   (size_t)ms_conf_int(c, MS_CONF_LOG_MAX_MB) << 20,
			   (unsigned)ms_conf_int(c, MS_CONF_LOG_KEEP), err);
}

void ms_log_close(void)
{
	pthread_mutex_lock(&mu);
	if (log_fd != STDERR_FILENO)
		close(log_fd);
	log_fd = STDERR_FILENO;
	log_path[0] = '\0';
	if (sys_fd >= 0)
		close(sys_fd);
	sys_fd = -1;
	journal = false;
	pthread_mutex_unlock(&mu);
}

void ms_log_set_level(enum ms_log_level level)
{
	__atomic_store_n(&log_level, (int)level, __ATOMIC_RELAXED);
}

bool ms_log_enabled(enum ms_log_level level)
{
	return (int)level <= __atomic_load_n(&log_level, __ATOMIC_RELAXED);
}

int ms_log_fd(void)
{
	int fd;

	pthread_mutex_lock(&mu);
	fd = log_fd;
	pthread_mutex_unlock(&mu);
	return fd;
}

/* Whether path names another file than fd (rotated by someone else). */
static bool path_moved(int fd, const char *path)
{
	struct stat a, b;

	if (fstat(fd, &a) < 0)
		return false;
	if (stat(path, &b) < 0)
		return true;
	return a.st_dev != b.st_dev || a.st_ino != b.st_ino;
}

/* Point log_fd at a fresh open of log_path; keep the old one on failure. */
static void reopen(void)
{
	int fd = open_file(log_path, NULL);

	if (fd < 0)
		return;
	close(log_fd);
	log_fd = fd;
}

/* path.(keep-1) -> path.keep, ..., path -> path.1 (or unlink, keep 0). */
static void shift_files(void)
{
	char from[sizeof(log_path) + ROTATE_SUFFIX_MAX];
	char to[sizeof(log_path) + ROTATE_SUFFIX_MAX];
	unsigned i;

	if (log_keep == 0) {
		unlink(log_path);
		return;
	}
	for (i = log_keep; i > 0; i--) {
		if (i == 1)
			snprintf(from, sizeof(from), "%s", log_path);
		else
			snprintf(from, sizeof(from), "%s.%u", log_path, i - 1);
		snprintf(to, sizeof(to), "%s.%u", log_path, i);
		rename(from, to);
	}
}

/*
 * Before writing len bytes: follow a rotation done by another process, and
 * rotate when the file would grow past its bound.  The flock on the
 * current file serializes rotation between processes; whoever gets it
 * second sees that the path moved and only reopens.  Called under mu.
 */
static void maybe_rotate(size_t len)
{
	struct stat st;

	if (!log_path[0])
		return;
	if (path_moved(log_fd, log_path))
		reopen();
	if (!log_max_bytes || fstat(log_fd, &st) < 0 ||
	    (size_t)st.st_size + len <= log_max_bytes || st.st_size == 0)
		return;
	if (flock(log_fd, LOCK_EX) < 0)
		return;
	if (path_moved(log_fd, log_path)) {
		flock(log_fd, LOCK_UN);
		reopen();
		return;
	}
	shift_files();
	flock(log_fd, LOCK_UN);
	reopen();
}

/*
 * Append s[0..n) to line at *pos, escaping control characters so that
 * device output cannot forge or split log lines.  Stops at cap.
 */
static size_t add_escaped(char *line, size_t pos, size_t cap, const char *s,
			  size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n && pos < cap; i++) {
		unsigned char ch = (unsigned char)s[i];
		char esc = ch == '\n' ? 'n' : ch == '\r' ? 'r' : 0;

		if (ch >= 0x20 && ch != 0x7f) {
			line[pos++] = (char)ch;
		} else if (ch == '\t') {
			line[pos++] = '\t';
		} else if (esc) {
			if (pos + 2 > cap)
				break;
			line[pos++] = '\\';
			line[pos++] = esc;
		} else {
			if (pos + 4 > cap)
				break;
			line[pos++] = '\\';
			line[pos++] = 'x';
			line[pos++] = hex[ch >> 4];
			line[pos++] = hex[ch & 15];
		}
	}
	return pos;
}

/* One datagram; after a syslog daemon restart, reconnect once.  Under mu. */
static void send_syslog(const char *line, size_t len)
{
	int fd;

	if (send(sys_fd, line, len, MSG_NOSIGNAL) >= 0 ||
	    (errno != ECONNREFUSED && errno != ENOTCONN))
		return;
	if ((fd = open_syslog(NULL)) < 0)
		return;
	close(sys_fd);
	sys_fd = fd;
	if (send(sys_fd, line, len, MSG_NOSIGNAL) < 0) {
		/* nowhere left to report it */
	}
}

void ms_vlog(enum ms_log_level level, const char *fmt, va_list ap)
{
	static const char more[] = "...";
	char line[LINE_MAX_BYTES], msg[LINE_MAX_BYTES], iso[MS_ISO_MAX];
	size_t pos, cap = sizeof(line) - sizeof(more);
	int n, saved = errno;

	if (!ms_log_enabled(level) || (unsigned)level >=
	    MS_ARRAY_SIZE(level_names))
		return;
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		n = 0;
	pthread_mutex_lock(&mu);
	n = MS_MIN(n, (int)sizeof(msg) - 1);
	/* syslog and the journal stamp the time themselves and read the
	 * severity from a <N> prefix (syslog: with the facility). */
	if (sys_fd >= 0)
		pos = (size_t)snprintf(line, cap, "<%d>%s[%ld]: %s ",
				       FACILITY_DAEMON + severity[level] - '0',
				       log_ident, (long)getpid(),
				       level_names[level]);
	else if (journal)
		pos = (size_t)snprintf(line, cap, "<%c>%s[%ld] %s ",
				       severity[level], log_ident,
				       (long)getpid(), level_names[level]);
	else
		pos = (size_t)snprintf(line, cap, "%s %s[%ld] %s ",
				       ms_time_iso(ms_wall_now(), iso),
				       log_ident, (long)getpid(),
				       level_names[level]);
	pos = add_escaped(line, MS_MIN(pos, cap), cap, msg, (size_t)n);
	if (pos == cap || (size_t)n == sizeof(msg) - 1) {
		memcpy(line + pos, more, sizeof(more) - 1);
		pos += sizeof(more) - 1;
	}
	line[pos++] = '\n';
	if (sys_fd >= 0) {
		send_syslog(line, pos - 1);
		pthread_mutex_unlock(&mu);
		errno = saved;
		return;
	}
	maybe_rotate(pos);
	/* One write: a short write on a full disk is not retried piecemeal. */
	if (write(log_fd, line, pos) < 0) {
		/* nowhere left to report it */
	}
	pthread_mutex_unlock(&mu);
	errno = saved;
}

void ms_log(enum ms_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ms_vlog(level, fmt, ap);
	va_end(ap);
}

void ms_log_lines(enum ms_log_level level, struct ms_buf *b)
{
	const char *p, *nl;

	for (p = b->p; p && (nl = strchr(p, '\n')); p = nl + 1)
		ms_log(level, "%.*s", (int)(nl - p), p);
	ms_buf_reset(b);
}
