/* Unit tests of the devices-file parser. */
#include "inventory.h"
#include "harness.h"

static const char text[] =
	"# fleet\n"
	"CCAP001\n"
	"CCAP101 10.0.0.2\n"
	"CCAP201 cbr.example.net 2222 cbr8\n"
	"\n"
	"CCAP002 127.0.0.1 22 - lab   # trailing comment\r\n"
	"CCAP003 127.0.0.1 70000\n"
	"CCAP004 127.0.0.1 x22\n"
	"CCAP101 10.0.0.9\n"
	"CCAP005 a 1 e6000 p g extra\n"
	"CC/AP 127.0.0.1\n"
	"CCAP007 127.0.0.1 22 - - north-1.a_b\n"
	"CCAP008 127.0.0.1 22 e6000 - no/group\n"
	"CCAP006 127.0.0.1 40006 casa";

int main(void)
{
	struct ms_inventory inv;
	struct ms_buf warn;
	struct ms_err err;
	const struct ms_device *d;
	int r;

	ms_inventory_init(&inv);
	ms_buf_init(&warn, 4096);
	r = ms_inventory_parse(&inv, "devices.txt", text, strlen(text), &warn,
			       &err);
	is_int(r, 6, "six good devices");
	d = ms_inventory_find(&inv, "CCAP001");
	ok(d && !strcmp(d->host, "CCAP001") && d->port == 22 &&
	   !d->family[0], "name only: host is the name, port 22, no family");
	d = ms_inventory_find(&inv, "CCAP201");
	ok(d && !strcmp(d->host, "cbr.example.net") && d->port == 2222 &&
	   !strcmp(d->family, "cbr8") && d->line == 4,
	   "all fields and the line number");
	d = ms_inventory_find(&inv, "CCAP002");
	ok(d && !d->family[0] && !strcmp(d->profile, "lab"),
	   "'-' leaves the family open; profile; CRLF and comment");
	d = ms_inventory_find(&inv, "CCAP101");
	ok(d && !strcmp(d->host, "10.0.0.2"), "a duplicate keeps the first");
	d = ms_inventory_find(&inv, "CCAP006");
	ok(d && d->port == 40006, "last line without a newline");
	ok(strstr(warn.p, "devices.txt:7: bad port '70000', skipping\n") != NULL,
	   "out-of-range port named with its line");
	ok(strstr(warn.p, "devices.txt:8: bad port 'x22', skipping\n") != NULL,
	   "non-numeric port named with its line");
	ok(strstr(warn.p, "devices.txt:9: device 'CCAP101' listed twice") != NULL,
	   "duplicate named");
	ok(strstr(warn.p, "devices.txt:10: too many fields") != NULL,
	   "too many fields named");
	ok(strstr(warn.p, "devices.txt:11: bad device name") != NULL,
	   "a name with a slash is refused (it becomes a file name)");
	d = ms_inventory_find(&inv, "CCAP007");
	ok(d && !strcmp(d->group, "north-1.a_b") && !d->profile[0] &&
	   !d->family[0], "the 6th field is the group; '-' leaves the "
	   "profile unset");
	d = ms_inventory_find(&inv, "CCAP002");
	ok(d && !d->group[0], "no 6th field: no group");
	ok(strstr(warn.p, "devices.txt:13: bad group 'no/group'") != NULL,
	   "a group outside [A-Za-z0-9._-] is refused with its line");
	ok(ms_inventory_valid_group("a.B_9-z", 7) &&
	   !ms_inventory_valid_group("", 0) &&
	   !ms_inventory_valid_group("a b", 3) &&
	   !ms_inventory_valid_group("a\0b", 3), "group name check");
	ms_buf_release(&warn);
	ms_inventory_release(&inv);
	return done_testing();
}
