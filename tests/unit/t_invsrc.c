/*
 * Unit tests of the inventory sources that need no server: the JSON
 * answer of DEVICES_URL, URL parsing, and DEVICES_COMMAND run through
 * the real /bin/sh.
 */
#include "httpget.h"
#include "invsrc.h"
#include "harness.h"

static const char fields[] =
	"name=HostName,host=Address,port=Port,family=Family,profile=Profile";

static const struct {
	const char *json, *fields, *want;
	int ret;
	const char *title;
} json_cases[] = {
	{ "{\"status\": 200, \"data\": [{\"HostName\": \"CCAP001\"}, "
	  "{\"HostName\": \"ccap102\", \"Address\": \"10.0.0.2\", "
	  "\"Port\": 2222, \"Family\": \"casa\", \"Profile\": \"lab\"}]}",
	  fields, "CCAP001 CCAP001 22 -\nccap102 10.0.0.2 2222 casa lab\n", 0,
	  "the old API's answer, numbers and all columns" },
	{ "[{\"n\": \"A\", \"h\": \"a.example\"}]", "name=n,host=h",
	  "A a.example 22 -\n", 0, "a bare list, other field names" },
	{ "{\"status\": 401, \"data\": []}", fields, "", MS_E_REMOTE,
	  "status other than 200 in the body" },
	{ "{\"status\": \"200\", \"data\": [{\"HostName\": \"X\"}]}", fields,
	  "X X 22 -\n", 0, "status as a string" },
	{ "{\"data\": [{\"HostName\": \"X\"\n", fields, "", MS_E_PARSE,
	  "truncated JSON" },
	{ "{\"rows\": []}", fields, "", MS_E_PARSE, "no data list" },
	{ "[{\"HostName\": \"has blank\"}, {\"Address\": \"x\"}, 7, "
	  "{\"HostName\": \"OK1\"}]", fields, "OK1 OK1 22 -\n", 0,
	  "bad entries are skipped, good ones kept" },
	{ "CCAP001 10.0.0.1\n# comment\n", fields,
	  "CCAP001 10.0.0.1\n# comment\n", 0, "plain text passes through" },
	{ "[{\"n\": \"A\", \"g\": \"north\"}, {\"n\": \"B\", \"p\": \"lab\", "
	  "\"g\": \"south\"}, {\"n\": \"C\", \"p\": \"lab\"}]",
	  "name=n,profile=p,group=g",
	  "A A 22 - - north\nB B 22 - lab south\nC C 22 - lab\n", 0,
	  "a group column; '-' holds the place of a missing profile" },
	{ "[]", "host=Address", "", MS_E_INVAL, "fields without name" },
	{ "[]", "name=HostName,colour=x", "", MS_E_INVAL,
	  "fields with an unknown column" },
};

static const struct {
	const char *url;
	int ret;
	bool tls;
	const char *host, *path;
	int port;
} url_cases[] = {
	{ "https://inv.example/api?type=hostname&q=*", 0, true,
	  "inv.example", "/api?type=hostname&q=*", 443 },
	{ "http://127.0.0.1:8080", 0, false, "127.0.0.1", "/", 8080 },
	{ "HTTPS://[::1]:8443/x", 0, true, "::1", "/x", 8443 },
	{ "http://h?q=1", 0, false, "h", "/?q=1", 80 },
	{ "ftp://h/x", MS_E_INVAL, false, "", "", 0 },
	{ "http://user:pw@h/x", MS_E_INVAL, false, "", "", 0 },
	{ "http://h:99999/", MS_E_INVAL, false, "", "", 0 },
	{ "http:///x", MS_E_INVAL, false, "", "", 0 },
	{ "http://h/a b", MS_E_INVAL, false, "", "", 0 },
};

static void test_json(void)
{
	struct ms_buf out, warn;
	struct ms_err err;
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(json_cases); i++) {
		ms_buf_init(&out, 1 << 16);
		ms_buf_init(&warn, 1 << 16);
		is_int(ms_invsrc_from_json(json_cases[i].json,
					   strlen(json_cases[i].json),
					   json_cases[i].fields, &out, &warn,
					   &err), json_cases[i].ret,
		       "json: %s", json_cases[i].title);
		if (!json_cases[i].ret)
			is_str(out.len ? out.p : "", json_cases[i].want,
			       "json: %s: lines", json_cases[i].title);
		ms_buf_release(&out);
		ms_buf_release(&warn);
	}
}

static void test_url(void)
{
	struct ms_url u;
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(url_cases); i++) {
		is_int(ms_url_parse(url_cases[i].url, &u, NULL),
		       url_cases[i].ret, "url '%s'", url_cases[i].url);
		if (url_cases[i].ret)
			continue;
		ok(u.tls == url_cases[i].tls && u.port == url_cases[i].port,
		   "url '%s': scheme and port", url_cases[i].url);
		is_str(u.host, url_cases[i].host, "url host");
		is_str(u.path, url_cases[i].path, "url path");
	}
}

static int run(const char *cmd, ms_msec_t t, size_t cap, struct ms_buf *out,
	       struct ms_buf *warn, struct ms_err *err)
{
	ms_buf_init(out, cap);
	ms_buf_init(warn, 1 << 16);
	return ms_invsrc_command(cmd, t, out, warn, err);
}

static void test_command(void)
{
	struct ms_buf out, warn;
	struct ms_err err;

	is_int(run("printf 'A 1.2.3.4\\nB\\n'; echo oops >&2", 10000, 4096,
		   &out, &warn, &err), 0, "command: output read");
	ok(out.len == 12 && !memcmp(out.p, "A 1.2.3.4\nB\n", 12),
	   "command: its lines");
	is_str(warn.p, "DEVICES_COMMAND: oops\n",
	       "command: stderr becomes a warning line");
	ms_buf_release(&out);
	ms_buf_release(&warn);
	is_int(run("echo A; exit 3", 10000, 4096, &out, &warn, &err),
	       MS_E_PROTO, "command: a non-zero exit is an error");
	is_str(err.msg, "DEVICES_COMMAND: exit status 3", "and says which");
	ms_buf_release(&out);
	ms_buf_release(&warn);
	/* the cap is 300 ms; the program would run 30 s */
	is_int(run("echo A; exec sleep 30", 300, 4096, &out, &warn, &err),
	       MS_E_TIMEOUT, "command: a hung program is killed at its cap");
	ms_buf_release(&out);
	ms_buf_release(&warn);
	is_int(run("yes CCAP001", 10000, 4096, &out, &warn, &err),
	       MS_E_TOOBIG, "command: output past the cap is an error");
	ms_buf_release(&out);
	ms_buf_release(&warn);
}

int main(void)
{
	test_json();
	test_url();
	test_command();
	return done_testing();
}
