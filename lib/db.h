/*
 * The database connection: Connector/C over TCP or a Unix socket, TLS
 * policy, option files, timeouts, one-line errors, prepared statements.
 */
#ifndef MS_DB_H
#define MS_DB_H

#include "ms.h"
#include "conf.h"
#include "err.h"

enum ms_db_tls { MS_DB_TLS_AUTO, MS_DB_TLS_OFF, MS_DB_TLS_REQUIRED,
		 MS_DB_TLS_VERIFY };

/*
 * Where and how to connect.  A NULL host, user, password or name lets the
 * option file (or Connector/C's default) decide.
 */
struct ms_db_opts {
	const char *host;
	unsigned port;
	const char *socket;		/* non-NULL: Unix socket, not TCP */
	const char *name;
	const char *user;
	const char *password;
	enum ms_db_tls tls;
	const char *tls_ca;		/* NULL: the system store */
	const char *tls_key;		/* setting named in hints; NULL: DB_TLS */
	const char *option_file;	/* NULL: none */
	const char *option_group;
	unsigned connect_timeout;	/* seconds */
	unsigned rw_timeout;		/* seconds, read and write */
};

struct ms_db;

/* mysql_library_init, once, before any thread starts.  0 or MS_E_DB. */
int ms_db_global_init(void);
void ms_db_global_end(void);

/*
 * Options from the configuration (pointers into c).  When DB_OPTION_FILE
 * is set, keys left at their defaults are NULL so that the file decides.
 */
void ms_db_opts_from_conf(struct ms_db_opts *o, const struct ms_conf *c);

/*
 * Connect.  MS_E_NOENT when the option file is missing (checked first),
 * MS_E_AUTH for rejected credentials, MS_E_CONN otherwise; err says
 * "database: cannot connect to HOST:PORT: <server message>".
 */
int ms_db_connect(struct ms_db **out, const struct ms_db_opts *o,
		  struct ms_err *err);
void ms_db_close(struct ms_db *db);

/* "127.0.0.1:3306" or "socket /run/mysqld/mysqld.sock". */
const char *ms_db_where(const struct ms_db *db);
/* Whether the session is encrypted, and the cipher ("" if not). */
const char *ms_db_cipher(struct ms_db *db);

/*
 * A statement with no input in it (DDL, fixed text built by modscan).
 * Input never goes through here: use ms_db_query.
 */
int ms_db_exec(struct ms_db *db, const char *sql, struct ms_err *err);

/*
 * A prepared statement with string parameters (NULL: SQL NULL); each
 * result row is handed to row(ctx, ncols, vals) as strings (NULL: SQL
 * NULL).  row may return non-zero to stop.  *affected (may be NULL) gets
 * the affected-row count.  MS_E_DB with err on failure.
 */
typedef int (*ms_db_row_fn)(void *ctx, unsigned ncols, char **vals);
int ms_db_query(struct ms_db *db, const char *sql, const char *const *params,
		unsigned nparams, ms_db_row_fn row, void *ctx,
		uint64_t *affected, struct ms_err *err);

/* One value of a one-row query as text into out (""), 1 if found, 0 if
 * no row. */
int ms_db_query_str(struct ms_db *db, const char *sql,
		    const char *const *params, unsigned nparams, char *out,
		    size_t size, struct ms_err *err);

/* Transactions: the store runs with autocommit off. */
int ms_db_autocommit(struct ms_db *db, bool on, struct ms_err *err);
int ms_db_commit(struct ms_db *db, struct ms_err *err);
void ms_db_rollback(struct ms_db *db);

/* Fill err with "database: <what>: <server message>"; returns MS_E_DB. */
int ms_db_fail(struct ms_db *db, struct ms_err *err, const char *what);

/* The Connector/C handle and the last error number. */
void *ms_db_handle(struct ms_db *db);
unsigned ms_db_errno(struct ms_db *db);

/*
 * Whether an error number means the data itself was refused (a value out
 * of range, too long, not valid in its character set): retrying the same
 * batch cannot help.  Every other failure (connection, locks, grants,
 * missing tables, read-only server) is worth a retry later.
 */
bool ms_db_data_error(unsigned code);

/* Whether an error number is a lock conflict (a deadlock victim, a lock
 * wait timed out): the transaction was rolled back, the connection is
 * fine, and a later try may well succeed. */
bool ms_db_lock_error(unsigned code);

#endif
