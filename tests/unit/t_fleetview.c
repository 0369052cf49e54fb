/* Unit tests of the fleet view: group membership, instance states,
 * unserved groups, waiting devices, the state file (round trip, refusals,
 * a mutation sweep under the sanitizers), text, JSON, metrics, Nagios. */
#include "fleetview.h"
#include "harness.h"
#include "tfile.h"

#include <cjson/cJSON.h>

#include "metrics.h"
#include "nagios.h"

static void serves(void)
{
	ok(ms_fleet_serves("", "north"), "empty list: all groups");
	ok(ms_fleet_serves("", ""), "empty list: no group");
	ok(ms_fleet_serves("north", "north"), "one group");
	ok(ms_fleet_serves("east,west", "west"), "the last of two");
	ok(ms_fleet_serves("east,west", "east"), "the first of two");
	ok(!ms_fleet_serves("east,west", "eas"), "a prefix is not the group");
	ok(!ms_fleet_serves("east,west", "st,we"), "nor a piece across");
	ok(!ms_fleet_serves("north", ""), "a pinned list: not the no-group");
	ok(ms_fleet_serves("north,-", ""), "'-': the devices without a group");
	ok(!ms_fleet_serves("north,-", "-x"), "'-' is not a prefix");
	ok(!ms_fleet_serves("north,", "south"), "trailing comma");
}

static struct ms_fleet_inst *inst(struct ms_fleet_view *v, const char *name,
				  const char *groups, int64_t seen,
				  uint32_t held, bool stopped)
{
	struct ms_fleet_inst *in = ms_fleet_inst_add(v, name);

	snprintf(in->groups, sizeof(in->groups), "%s", groups);
	snprintf(in->host, sizeof(in->host), "jh-%s", name);
	in->seen_ms = seen;
	in->lapse_ms = 90000;
	in->leased = held * 2;
	in->held = held;
	in->stopped = stopped;
	return in;
}

static void group(struct ms_fleet_view *v, const char *name, uint32_t n)
{
	ms_fleet_group_add(v, name)->devices = n;
}

/*
 * At 1,000,000 ms, lapse 90 s: a seen 10 s ago (alive, central), b 120 s
 * ago (lapsed, north), c stopped (south), d exactly 90 s ago (alive: not
 * past seen + lapse; east,west).  Groups: none 10 (a serves "-"), north
 * 5 and south 3 unserved, west 2 and central 4 served, east 0.
 * Waiting: b holds 5, c 1, orphaned 2: 8.
 */
static void sample(struct ms_fleet_view *v)
{
	ms_fleet_view_init(v);
	v->at_ms = 1000000;
	v->orphaned = 2;
	inst(v, "a", "central,-", 990000, 4, false);
	inst(v, "b", "north", 880000, 5, false);
	inst(v, "c", "south", 990000, 1, true);
	inst(v, "d", "east,west", 910000, 3, false);
	group(v, "", 10);
	group(v, "central", 4);
	group(v, "east", 0);
	group(v, "north", 5);
	group(v, "south", 3);
	group(v, "west", 2);
	ms_fleet_view_judge(v);
}

static void judge(void)
{
	struct ms_fleet_view v;
	static const uint32_t unserved[] = { 0, 0, 0, 5, 3, 0 };
	size_t i;

	sample(&v);
	is_int(v.insts[0].state, MS_FLEET_ALIVE, "a alive");
	is_int(v.insts[1].state, MS_FLEET_LAPSED, "b lapsed");
	is_int(v.insts[2].state, MS_FLEET_STOPPED, "c stopped");
	is_int(v.insts[3].state, MS_FLEET_ALIVE, "d alive at its limit");
	for (i = 0; i < v.ngroups; i++)
		is_int((int)v.groups[i].unserved, (int)unserved[i],
		       "unserved of group '%s'", v.groups[i].name);
	is_int((int)ms_fleet_view_unserved(&v), 8, "unserved in all");
	is_int((int)ms_fleet_view_waiting(&v), 8, "waiting: b, c, orphans");
	is_int((int)ms_fleet_view_count(&v, MS_FLEET_ALIVE), 2, "two alive");
	/* every live instance gone: the no-group devices too */
	v.at_ms = 2000000;
	ms_fleet_view_judge(&v);
	is_int((int)v.groups[0].unserved, 10, "no live instance: none served");
	is_int((int)ms_fleet_view_waiting(&v), 4 + 5 + 1 + 3 + 2,
	       "no live instance: every lease waits");
	ms_fleet_view_release(&v);
}

static const char sample_file[] =
	"modscan-fleet 1\n"
	"V\t1000000\t0\t2\t\n"
	"I\ta\tcentral,-\tjh-a\t990000\t90000\t8\t4\t0\n"
	"I\tb\tnorth\tjh-b\t880000\t90000\t10\t5\t0\n"
	"I\tc\tsouth\tjh-c\t990000\t90000\t2\t1\t1\n"
	"I\td\teast,west\tjh-d\t910000\t90000\t6\t3\t0\n"
	"G\t\t10\n"
	"G\tcentral\t4\n"
	"G\teast\t0\n"
	"G\tnorth\t5\n"
	"G\tsouth\t3\n"
	"G\twest\t2\n";

static void round_trip(void)
{
	struct ms_fleet_view v, w;
	struct ms_err err = { 0 };
	struct ms_buf a, b;
	char path[PATH_MAX], status[PATH_MAX];

	sample(&v);
	ms_buf_init(&a, MS_BUF_UNBOUNDED);
	ok(ms_fleet_view_render(&v, &a) == 0, "rendered");
	is_str(a.p, sample_file, "the state file");
	snprintf(status, sizeof(status), "%s/status.json", t_tmpdir());
	ms_fleet_view_path(status, path, sizeof(path));
	ok(strstr(path, "/fleet.state") != NULL, "beside the status file");
	ok(ms_fleet_view_write(&v, path, &err) == 0, "written: %s", err.msg);
	ms_fleet_view_init(&w);
	ok(ms_fleet_view_read(&w, path, &err) == 0, "read: %s", err.msg);
	ms_buf_init(&b, MS_BUF_UNBOUNDED);
	ms_fleet_view_render(&w, &b);
	is_str(b.p, a.p, "the same again");
	ok(w.insts[1].state == MS_FLEET_LAPSED && w.groups[3].unserved == 5,
	   "judged when read");
	ms_fleet_view_release(&w);

	/* the database goes down: the view stays, marked, with the reason */
	ok(ms_fleet_view_mark_down(status, "database: gone", &err) == 0,
	   "marked down");
	ms_fleet_view_init(&w);
	ms_fleet_view_read(&w, path, &err);
	ok(w.down_ms > 0 && !strcmp(w.down_error, "database: gone") &&
	   w.ninsts == 4 && ms_fleet_view_waiting(&w) == 8,
	   "down, the last view kept");
	v.down_ms = w.down_ms;
	ok(ms_fleet_view_refresh(NULL, status, &err) == MS_E_DB,
	   "refresh without a connection: the error");
	ms_fleet_view_release(&w);
	ms_fleet_view_init(&w);
	ms_fleet_view_read(&w, path, &err);
	ok(w.down_ms == v.down_ms && !strcmp(w.down_error,
					     "database: not connected"),
	   "still down since the first failure, the latest reason");
	ms_fleet_view_release(&w);
	ms_buf_release(&a);
	ms_buf_release(&b);
	ms_fleet_view_release(&v);
}

static void bad_files(void)
{
	static const char *const bad[] = {
		"", "modscan-fleet 2\nV\t1\t0\t0\t\n",
		"modscan-fleet 1\n",			/* no view record */
		"modscan-fleet 1\nG\tx\t1\n",		/* G before V */
		"modscan-fleet 1\nV\t1\t0\t0\t\nV\t1\t0\t0\t\n",
		"modscan-fleet 1\nV\t1\t0\t0\n",
		"modscan-fleet 1\nV\t-1\t0\t0\t\n",
		"modscan-fleet 1\nV\t1\t0\t0\t\nG\tx\t-1\n",
		"modscan-fleet 1\nV\t1\t0\t0\t\nG\tx\t4294967296\n",
		"modscan-fleet 1\nV\t1\t0\t0\t\nI\ta\t\th\t1\t2\t3\t4\t2\n",
		"modscan-fleet 1\nV\t1\t0\t0\t\nI\ta\t\th\t1\t2\t3\t4\n",
		"modscan-fleet 1\nV\t1\t0\t0\t\nI\ta\t\th\t1\t2\t3\t4\t0\tx\n",
		"modscan-fleet 1\nV\t1\t0\t0\t\nX\n",
		"modscan-fleet 1\nV\t1\t0\t0\t",
		"modscan-fleet 1\nV\t1\t0\t0\t\nG\tx\t1 \n",
	};
	struct ms_fleet_view v;
	struct ms_err err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ms_fleet_view_init(&v);
		ok(ms_fleet_view_parse(&v, bad[i], strlen(bad[i]), &err) < 0,
		   "bad file %zu refused: %s", i, err.msg);
		ms_fleet_view_release(&v);
	}
}

/*
 * Every truncation, every byte replaced by each of a few hostile bytes,
 * and seeded random edits of the sample: each parse returns (accepting or
 * refusing) without a sanitizer report, and what it accepts judges to
 * counts no larger than its devices.
 */
static void mutations(void)
{
	static const char hostile[] = { '\0', '\t', '\n', '9', '-', 'I', 'G' };
	size_t len = strlen(sample_file), i, k, runs = 0, accepted = 0;
	struct ms_fleet_view v;
	char buf[sizeof(sample_file)];
	unsigned seed = 12345;
	bool sane = true;

	for (i = 0; i <= len * (1 + sizeof(hostile)) + 20000; i++) {
		size_t n = len;

		memcpy(buf, sample_file, len);
		if (i < len) {
			n = i;
		} else if (i <= len * (1 + sizeof(hostile))) {
			k = i - len;
			buf[k % len] = hostile[k / len % sizeof(hostile)];
		} else {
			for (k = 0; k < 3; k++) {
				seed = seed * 1103515245 + 12345;
				buf[(seed >> 8) % len] = (char)(seed >> 20);
			}
		}
		ms_fleet_view_init(&v);
		if (ms_fleet_view_parse(&v, buf, n, NULL) == 0) {
			accepted++;
			sane &= ms_fleet_view_unserved(&v) <=
				(uint64_t)UINT32_MAX * v.ngroups;
		}
		ms_fleet_view_release(&v);
		runs++;
	}
	ok(runs > 20000 && accepted > 0 && accepted < runs && sane,
	   "%zu mutated files parsed, %zu accepted", runs, accepted);
}

static void outputs(void)
{
	struct ms_fleet_view v;
	struct ms_buf b;
	cJSON *j;
	char *s;

	sample(&v);
	ms_buf_init(&b, MS_BUF_UNBOUNDED);
	ok(ms_fleet_view_text(&v, 1005000, &b) == 0, "text");
	ok(strstr(b.p, "4 instances: 2 alive, 1 lapsed, 1 stopped") &&
	   strstr(b.p, "(5 s ago)"), "text: the counts, the view age");
	ok(strstr(b.p, "  b                lapsed  groups north, host jh-b, "
		  "seen 120 s before the view, 10 devices leased in the last "
		  "interval, 5 devices not taken over yet\n") != NULL, "text: a lapsed line");
	ok(strstr(b.p, "  a                alive   groups central,-") != NULL,
	   "text: an alive line");
	ok(strstr(b.p, "unserved:   group north: 5 devices\n") &&
	   strstr(b.p, "unserved:   group south: 3 devices\n") &&
	   !strstr(b.p, "group west"), "text: the unserved groups only");
	ok(!strstr(b.p, "database:"), "text: the database is up");
	ms_buf_reset(&b);
	ok(ms_metrics_fleet(&v, &b, NULL) == 0, "metrics");
	ok(strstr(b.p, "\nmodscan_instance_up{instance=\"b\",groups=\"north\"}"
		  " 0\n") &&
	   strstr(b.p, "\nmodscan_instance_up{instance=\"d\",groups=\"east,"
		  "west\"} 1\n"), "metrics: up");
	ok(strstr(b.p, "\nmodscan_instance_last_seen_timestamp_seconds{"
		  "instance=\"b\"} 880\n") != NULL, "metrics: last seen");
	ok(strstr(b.p, "\nmodscan_instance_leased_devices{instance=\"a\"} 8\n")
	   != NULL, "metrics: leased");
	ok(strstr(b.p, "\nmodscan_group_unserved_devices{group=\"north\"} 5\n")
	   && strstr(b.p, "\nmodscan_group_unserved_devices{group=\"\"} 0\n"),
	   "metrics: unserved");
	ok(strstr(b.p, "\nmodscan_fleet_database_up 1\n") &&
	   strstr(b.p, "\nmodscan_fleet_devices_waiting 8\n"),
	   "metrics: database, waiting");
	j = ms_fleet_view_json(&v);
	ok(j != NULL, "JSON");
	s = cJSON_PrintUnformatted(j);
	ok(s && strstr(s, "\"devices_unserved\":8") &&
	   strstr(s, "{\"name\":\"b\",\"groups\":\"north\",\"host\":\"jh-b\","
		  "\"last_seen_ms\":880000,\"lapse_ms\":90000,\"leased\":10,"
		  "\"held\":5,\"state\":\"lapsed\"}") &&
	   strstr(s, "{\"name\":\"north\",\"devices\":5,\"unserved\":5}"),
	   "JSON: an instance, a group");
	cJSON_free(s);
	cJSON_Delete(j);
	ms_buf_release(&b);
	ms_fleet_view_release(&v);
}

/* Nagios on a host with no scanner of its own: the fleet decides. */
static void nagios(void)
{
	struct ms_health_report *rep = calloc(1, sizeof(*rep));
	struct ms_nagios_limits w = { 0 }, c = { 0 };
	struct ms_fleet_view v;
	struct ms_buf b;

	sample(&v);
	ms_buf_init(&b, MS_BUF_UNBOUNDED);
	snprintf(rep->h.reason, sizeof(rep->h.reason), "no status file");
	is_int(ms_nagios_render(rep, &w, &c, &b), MS_NAGIOS_UNKNOWN,
	       "no status, no fleet: UNKNOWN");
	rep->fleet = &v;
	ms_buf_reset(&b);
	is_int(ms_nagios_render(rep, &w, &c, &b), MS_NAGIOS_CRITICAL,
	       "unserved groups: CRITICAL");
	is_str(b.p, "MODSCAN CRITICAL - instance b lapsed; group north "
	       "unserved: 5 devices; group south unserved: 3 devices; no "
	       "scanner here: no status file | instances_alive=2;;;0;4 "
	       "instances_lapsed=1;;;0;4 unserved_devices=8;;;0\n",
	       "the line");
	v.groups[3].devices = v.groups[4].devices = 0;
	ms_fleet_view_judge(&v);
	ms_buf_reset(&b);
	is_int(ms_nagios_render(rep, &w, &c, &b), MS_NAGIOS_WARNING,
	       "a lapsed instance: WARNING");
	v.at_ms = 960000;
	ms_fleet_view_judge(&v);
	ms_buf_reset(&b);
	is_int(ms_nagios_render(rep, &w, &c, &b), MS_NAGIOS_OK,
	       "all alive: OK");
	v.down_ms = 5;
	ms_buf_reset(&b);
	is_int(ms_nagios_render(rep, &w, &c, &b), MS_NAGIOS_WARNING,
	       "down with devices waiting (stopped c, orphans): WARNING");
	ok(strstr(b.p, "database down: 3 devices wait for it; ") != NULL,
	   "the line says how many wait");
	ms_buf_release(&b);
	ms_fleet_view_release(&v);
	free(rep);
}

int main(void)
{
	serves();
	judge();
	round_trip();
	bad_files();
	mutations();
	outputs();
	nagios();
	t_rmdir();
	return done_testing();
}
