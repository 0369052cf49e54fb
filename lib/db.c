/* The database connection and its helpers (see db.h). */
#include "db.h"

#include <ctype.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

struct ms_db {
	MYSQL *m;
	char where[300];
};

int ms_db_global_init(void)
{
	return mysql_library_init(0, NULL, NULL) ? MS_E_DB : 0;
}

void ms_db_global_end(void)
{
	mysql_library_end();
}

/* A key's value, or NULL when an option file should decide instead. */
static const char *opt(const struct ms_conf *c, enum ms_conf_key k,
		       bool file)
{
	const char *v = ms_conf_str(c, k);

	if (file && !ms_conf_isset(c, k))
		return NULL;
	return v && *v ? v : NULL;
}

void ms_db_opts_from_conf(struct ms_db_opts *o, const struct ms_conf *c)
{
	bool file;

	memset(o, 0, sizeof(*o));
	o->option_file = opt(c, MS_CONF_DB_OPTION_FILE, false);
	file = o->option_file != NULL;
	o->option_group = opt(c, MS_CONF_DB_OPTION_GROUP, false);
	o->host = opt(c, MS_CONF_DB_HOST, file);
	o->socket = opt(c, MS_CONF_DB_SOCKET, false);
	o->port = file && !ms_conf_isset(c, MS_CONF_DB_PORT) ? 0 :
		(unsigned)ms_conf_int(c, MS_CONF_DB_PORT);
	o->name = opt(c, MS_CONF_DB_NAME, file);
	o->user = opt(c, MS_CONF_DB_USER, file);
	o->password = ms_conf_str(c, MS_CONF_DB_PASSWORD);
	if (file && !ms_conf_isset(c, MS_CONF_DB_PASSWORD))
		o->password = NULL;
	o->tls = (enum ms_db_tls)ms_conf_int(c, MS_CONF_DB_TLS);
	o->tls_ca = opt(c, MS_CONF_DB_TLS_CA, false);
	o->connect_timeout = (unsigned)ms_conf_int(c, MS_CONF_DB_CONNECT_TIMEOUT);
	o->rw_timeout = (unsigned)ms_conf_int(c, MS_CONF_DB_READ_TIMEOUT);
}

static bool local_host(const struct ms_db_opts *o)
{
	return o->socket || !o->host || !strcmp(o->host, "127.0.0.1") ||
	       !strcmp(o->host, "::1") || !strcmp(o->host, "localhost");
}

static void set_where(struct ms_db *db, const struct ms_db_opts *o)
{
	const char *h = o->host ? o->host : "localhost";
	bool v6 = strchr(h, ':') != NULL;

	if (o->socket)
		snprintf(db->where, sizeof(db->where), "socket %s", o->socket);
	else if (o->option_file && (!o->host || !o->port))
		/* Host or port come from the option file: say so. */
		snprintf(db->where, sizeof(db->where), "the server in %s",
			 o->option_file);
	else
		snprintf(db->where, sizeof(db->where), "%s%s%s:%u",
			 v6 ? "[" : "", h, v6 ? "]" : "",
			 o->port ? o->port : 3306);
}

static void set_options(MYSQL *m, const struct ms_db_opts *o)
{
	unsigned proto, ct = o->connect_timeout, rw = o->rw_timeout;
	enum ms_db_tls tls = o->tls;
	my_bool yes = 1;

	mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
	mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &rw);
	mysql_optionsv(m, MYSQL_OPT_WRITE_TIMEOUT, &rw);
	mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (o->option_file) {
		mysql_optionsv(m, MYSQL_READ_DEFAULT_FILE, o->option_file);
		mysql_optionsv(m, MYSQL_READ_DEFAULT_GROUP,
			       o->option_group ? o->option_group : "client");
	}
	if (o->socket || o->host) {
		proto = o->socket ? MYSQL_PROTOCOL_SOCKET : MYSQL_PROTOCOL_TCP;
		mysql_optionsv(m, MYSQL_OPT_PROTOCOL, &proto);
	}
	if (tls == MS_DB_TLS_AUTO)
		tls = local_host(o) ? MS_DB_TLS_OFF : MS_DB_TLS_VERIFY;
	if (tls == MS_DB_TLS_OFF)
		return;
	/* mysql_ssl_set turns TLS on; ENFORCE alone does not (3.3). */
	mysql_ssl_set(m, NULL, NULL, o->tls_ca, NULL, NULL);
	mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &yes);
	if (tls == MS_DB_TLS_VERIFY)
		mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes);
}

/* Session settings: strict data checks, lock waits shorter than the read
 * timeout so that a blocked write fails cleanly instead of hanging. */
static int session_setup(struct ms_db *db, const struct ms_db_opts *o,
			 struct ms_err *err)
{
	char sql[256];
	unsigned w = o->rw_timeout > 2 ? o->rw_timeout / 2 : 1;

	snprintf(sql, sizeof(sql),
		 "SET SESSION sql_mode='STRICT_TRANS_TABLES,"
		 "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION',"
		 " lock_wait_timeout=%u, innodb_lock_wait_timeout=%u", w, w);
	return ms_db_exec(db, sql, err);
}

/* The setting that chose TLS, for the hint of a refused connection. */
static const char *tls_key(const struct ms_db_opts *o)
{
	return o->tls_key ? o->tls_key : "DB_TLS";
}

/* A file named in the configuration that cannot be read: a config error. */
static int missing(struct ms_err *err, const char *what, const char *path)
{
	ms_err_sys(err, "database: %s %s", what, path);
	if (err)
		err->code = MS_E_NOENT;
	return MS_E_NOENT;
}

/*
 * Connector/C reports a failed TCP connect with the errno of its
 * non-blocking connect(): "(115)", EINPROGRESS, not why it failed.  Ask the
 * network once more, for at most a second, and say why in words
 * ("connection refused"); NULL when that try gets through or tells
 * nothing.
 */
static const char *tcp_why(const struct ms_db_opts *o, char *buf,
			   size_t size)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
	struct pollfd p = { .fd = -1, .events = POLLOUT };
	char port[16];
	int e = 0;
	socklen_t len = sizeof(e);

	snprintf(port, sizeof(port), "%u", o->port ? o->port : 3306);
	if (!o->host || getaddrinfo(o->host, port, &hints, &ai) != 0)
		return NULL;
	p.fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		      SOCK_CLOEXEC, 0);
	if (p.fd >= 0 && connect(p.fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		e = errno;
		if (e == EINPROGRESS)
			e = poll(&p, 1, 1000) == 1 &&
			    getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &e,
					&len) == 0 ? e : ETIMEDOUT;
	}
	if (p.fd >= 0)
		close(p.fd);
	freeaddrinfo(ai);
	if (!e)
		return NULL;
	snprintf(buf, size, "%s", e == ETIMEDOUT ? "timed out" : strerror(e));
	buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}

int ms_db_connect(struct ms_db **out, const struct ms_db_opts *o,
		  struct ms_err *err)
{
	char why[128];
	const char *msg;
	struct ms_db *db;
	unsigned code;
	int r;

	*out = NULL;
	if (o->option_file && access(o->option_file, R_OK) < 0)
		return missing(err, "option file", o->option_file);
	if (o->tls_ca && access(o->tls_ca, R_OK) < 0)
		return missing(err, "TLS CA file", o->tls_ca);
	db = calloc(1, sizeof(*db));
	if (!db || !(db->m = mysql_init(NULL))) {
		free(db);
		return ms_err_set(err, MS_E_NOMEM, "database: out of memory");
	}
	set_where(db, o);
	set_options(db->m, o);
	if (!mysql_real_connect(db->m, o->host, o->user, o->password, o->name,
				o->port, o->socket, 0)) {
		code = mysql_errno(db->m);
		r = code == ER_ACCESS_DENIED_ERROR ||
		    code == ER_DBACCESS_DENIED_ERROR ? MS_E_AUTH : MS_E_CONN;
		/* 2002 with the message of CR_CONN_HOST_ERROR for TCP */
		msg = (code == CR_CONNECTION_ERROR ||
		       code == CR_CONN_HOST_ERROR) && !o->socket ?
		      tcp_why(o, why, sizeof(why)) : NULL;
		ms_err_set(err, r, "database: cannot connect to %s: %s%s%s%s",
			   db->where, msg ? msg : mysql_error(db->m),
			   code == CR_SSL_CONNECTION_ERROR ? " (" : "",
			   code == CR_SSL_CONNECTION_ERROR ? tls_key(o) : "",
			   code == CR_SSL_CONNECTION_ERROR ?
			   "=off allows a server without TLS)" : "");
		ms_db_close(db);
		return r;
	}
	/* Never trust a library default with this: check the session. */
	if (o->tls != MS_DB_TLS_OFF && !(o->tls == MS_DB_TLS_AUTO &&
					 local_host(o)) &&
	    !mysql_get_ssl_cipher(db->m)) {
		ms_err_set(err, MS_E_CONN, "database: cannot connect to %s: "
			   "TLS required but the server does not offer it "
			   "(%s=off allows a server without TLS)", db->where,
			   tls_key(o));
		ms_db_close(db);
		return MS_E_CONN;
	}
	r = session_setup(db, o, err);
	if (r < 0) {
		ms_db_close(db);
		return r;
	}
	*out = db;
	return 0;
}

void ms_db_close(struct ms_db *db)
{
	if (!db)
		return;
	if (db->m)
		mysql_close(db->m);
	free(db);
}

const char *ms_db_where(const struct ms_db *db)
{
	return db->where;
}

const char *ms_db_cipher(struct ms_db *db)
{
	const char *c = mysql_get_ssl_cipher(db->m);

	return c ? c : "";
}

void *ms_db_handle(struct ms_db *db)
{
	return db->m;
}

unsigned ms_db_errno(struct ms_db *db)
{
	return mysql_errno(db->m);
}

int ms_db_fail(struct ms_db *db, struct ms_err *err, const char *what)
{
	return ms_err_set(err, MS_E_DB, "database: %s: %s", what,
			  mysql_error(db->m));
}

int ms_db_autocommit(struct ms_db *db, bool on, struct ms_err *err)
{
	return mysql_autocommit(db->m, on) ? ms_db_fail(db, err, "autocommit")
		: 0;
}

int ms_db_commit(struct ms_db *db, struct ms_err *err)
{
	return mysql_commit(db->m) ? ms_db_fail(db, err, "commit") : 0;
}

void ms_db_rollback(struct ms_db *db)
{
	mysql_rollback(db->m);
}

static int stmt_fail(MYSQL_STMT *s, struct ms_err *err)
{
	return ms_err_set(err, MS_E_DB, "database: %s", mysql_stmt_error(s));
}

int ms_db_exec(struct ms_db *db, const char *sql, struct ms_err *err)
{
	MYSQL_RES *res;

	if (mysql_real_query(db->m, sql, strlen(sql)))
		return ms_err_set(err, MS_E_DB, "database: %s",
				  mysql_error(db->m));
	/* Drain whatever a statement returned (ANALYZE, OPTIMIZE). */
	do {
		res = mysql_store_result(db->m);
		if (res)
			mysql_free_result(res);
	} while (!mysql_next_result(db->m));
	return 0;
}

enum { COL_INIT = 512 };

struct result {
	unsigned n;
	MYSQL_BIND *b;
	unsigned long *len;
	my_bool *null;
	char **val;
	size_t *cap;
};

static void result_free(struct result *r)
{
	unsigned i;

	for (i = 0; r->val && i < r->n; i++)
		free(r->val[i]);
	free(r->b);
	free(r->len);
	free(r->null);
	free(r->val);
	free(r->cap);
}

static int result_bind(MYSQL_STMT *s, struct result *r, unsigned n)
{
	unsigned i;

	r->n = n;
	r->b = calloc(n, sizeof(*r->b));
	r->len = calloc(n, sizeof(*r->len));
	r->null = calloc(n, sizeof(*r->null));
	r->val = calloc(n, sizeof(*r->val));
	r->cap = calloc(n, sizeof(*r->cap));
	if (!r->b || !r->len || !r->null || !r->val || !r->cap)
		return MS_E_NOMEM;
	for (i = 0; i < n; i++) {
		r->cap[i] = COL_INIT;
		if (!(r->val[i] = malloc(COL_INIT)))
			return MS_E_NOMEM;
		r->b[i].buffer_type = MYSQL_TYPE_STRING;
		r->b[i].buffer = r->val[i];
		r->b[i].buffer_length = COL_INIT - 1;
		r->b[i].length = &r->len[i];
		r->b[i].is_null = &r->null[i];
	}
	return mysql_stmt_bind_result(s, r->b) ? MS_E_DB : 0;
}

/* A column longer than its buffer: grow it and fetch that column again. */
static int result_refetch(MYSQL_STMT *s, struct result *r)
{
	unsigned i;
	char *p;

	for (i = 0; i < r->n; i++) {
		if (r->null[i] || r->len[i] < r->cap[i])
			continue;
		if (!(p = realloc(r->val[i], r->len[i] + 1)))
			return MS_E_NOMEM;
		r->val[i] = p;
		r->cap[i] = r->len[i] + 1;
		r->b[i].buffer = p;
		r->b[i].buffer_length = r->len[i];
		if (mysql_stmt_fetch_column(s, &r->b[i], i, 0))
			return MS_E_DB;
	}
	return mysql_stmt_bind_result(s, r->b) ? MS_E_DB : 0;
}

static int fetch_rows(MYSQL_STMT *s, unsigned n, ms_db_row_fn row, void *ctx,
		      struct ms_err *err)
{
	struct result r = { 0 };
	char **vals = calloc(n ? n : 1, sizeof(*vals));
	unsigned i;
	int f, rc = 0;

	if (!vals || (rc = result_bind(s, &r, n)) == MS_E_NOMEM) {
		rc = ms_err_set(err, MS_E_NOMEM, "database: out of memory");
		goto out;
	}
	if (rc < 0) {
		rc = stmt_fail(s, err);
		goto out;
	}
	while ((f = mysql_stmt_fetch(s)) == 0 || f == MYSQL_DATA_TRUNCATED) {
		if (f == MYSQL_DATA_TRUNCATED && result_refetch(s, &r) < 0) {
			rc = stmt_fail(s, err);
			goto out;
		}
		for (i = 0; i < n; i++) {
			r.val[i][MS_MIN(r.len[i], r.cap[i] - 1)] = '\0';
			vals[i] = r.null[i] ? NULL : r.val[i];
		}
		if (row && row(ctx, n, vals))
			break;
	}
	if (f == 1)
		rc = stmt_fail(s, err);
out:
	result_free(&r);
	free(vals);
	return rc;
}

static int bind_params(MYSQL_STMT *s, const char *const *params, unsigned n,
		       MYSQL_BIND *b, unsigned long *len, my_bool *null)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		null[i] = params[i] == NULL;
		len[i] = params[i] ? strlen(params[i]) : 0;
		b[i].buffer_type = MYSQL_TYPE_STRING;
		b[i].buffer = (void *)params[i];
		b[i].buffer_length = len[i];
		b[i].length = &len[i];
		b[i].is_null = &null[i];
	}
	return n && mysql_stmt_bind_param(s, b) ? MS_E_DB : 0;
}

int ms_db_query(struct ms_db *db, const char *sql, const char *const *params,
		unsigned nparams, ms_db_row_fn row, void *ctx,
		uint64_t *affected, struct ms_err *err)
{
	MYSQL_BIND sb[16], *b = sb;
	unsigned long slen[16], *len = slen;
	my_bool snull[16], *null = snull;
	MYSQL_STMT *s = NULL;
	MYSQL_RES *meta;
	int rc = 0;

	if (nparams > UINT16_MAX)
		return ms_err_set(err, MS_E_INVAL, "database: too many parameters");
	/* lists of devices bind hundreds; most statements a few */
	if (nparams > MS_ARRAY_SIZE(sb) &&
	    (!(b = calloc(nparams, sizeof(*b))) ||
	     !(len = calloc(nparams, sizeof(*len))) ||
	     !(null = calloc(nparams, sizeof(*null))))) {
		rc = ms_err_set(err, MS_E_NOMEM, "database: out of memory");
		goto out;
	}
	if (b == sb)
		memset(sb, 0, sizeof(sb));
	if (!(s = mysql_stmt_init(db->m))) {
		rc = ms_db_fail(db, err, "statement");
		goto out;
	}
	if (mysql_stmt_prepare(s, sql, strlen(sql)) ||
	    mysql_stmt_param_count(s) != nparams ||
	    bind_params(s, params, nparams, b, len, null) < 0 ||
	    mysql_stmt_execute(s)) {
		rc = *mysql_stmt_error(s) ? stmt_fail(s, err) :
			ms_err_set(err, MS_E_INVAL,
				   "database: parameter count mismatch");
		goto out;
	}
	if (affected)
		*affected = mysql_stmt_affected_rows(s);
	meta = mysql_stmt_result_metadata(s);
	if (meta) {
		rc = fetch_rows(s, mysql_num_fields(meta), row, ctx, err);
		mysql_free_result(meta);
	}
out:
	if (s)
		mysql_stmt_close(s);
	if (b != sb)
		free(b);
	if (len != slen)
		free(len);
	if (null != snull)
		free(null);
	return rc;
}

struct one_str {
	char *out;
	size_t size;
	int found;
};

static int one_row(void *ctx, unsigned ncols, char **vals)
{
	struct one_str *o = ctx;

	snprintf(o->out, o->size, "%s", ncols && vals[0] ? vals[0] : "");
	o->found = 1;
	return 1;
}

int ms_db_query_str(struct ms_db *db, const char *sql,
		    const char *const *params, unsigned nparams, char *out,
		    size_t size, struct ms_err *err)
{
	struct one_str o = { out, size, 0 };
	int r;

	if (size)
		out[0] = '\0';
	r = ms_db_query(db, sql, params, nparams, one_row, &o, NULL, err);
	return r < 0 ? r : o.found;
}

bool ms_db_data_error(unsigned code)
{
	switch (code) {
	case ER_BAD_NULL_ERROR:
	case ER_WARN_DATA_OUT_OF_RANGE:
	case WARN_DATA_TRUNCATED:
	case ER_TRUNCATED_WRONG_VALUE:
	case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
	case ER_DATA_TOO_LONG:
	case ER_INVALID_CHARACTER_STRING:
	case ER_DIVISION_BY_ZERO:
		return true;
	default:
		return false;
	}
}

bool ms_db_lock_error(unsigned code)
{
	return code == ER_LOCK_DEADLOCK || code == ER_LOCK_WAIT_TIMEOUT;
}
