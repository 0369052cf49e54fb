/*
 * Writes modscan.conf(5) on stdout from lib/conf.def, the table conf.c
 * reads the keys from: every key with its type, default, range or
 * choices, legacy alias and description.  Built and run by `make man`.
 */
#include <stdio.h>
#include <string.h>

struct key {
	const char *name, *alias, *type, *def, *choices, *doc;
	long long min, max;
	unsigned flags;
};

enum { SECRET = 1 };
#define MS_CONF_SECRET SECRET

static const struct key keys[] = {
#define CONF(n, a, t, d, lo, hi, ch, fl, doc) \
	{ #n, a, #t, d, ch, doc, lo, hi, fl },
#include "conf.def"
#undef CONF
};

/* Text for roff: backslashes escaped, a leading dot or quote guarded. */
static void put(const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", stdout);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", stdout);
		else if (*s == '-')
			fputs("\\-", stdout);
		else
			putchar(*s);
	}
}

/* The same, with break points after commas and bars: long defaults. */
static void put_breakable(const char *s)
{
	char one[2] = "";

	for (; *s; s++) {
		one[0] = *s;
		put(one);
		if (*s == ',' || *s == '|')
			fputs("\\:", stdout);
	}
}

static void key(const struct key *k)
{
	printf(".TP\n.B ");
	put(k->name);
	putchar('\n');
	put(k->doc);
	printf(".\n.br\n");
	if (!strcmp(k->type, "INT"))
		printf("A number from %lld to %lld. ", k->min, k->max);
	else if (!strcmp(k->type, "BOOL"))
		printf("yes or no. ");
	else if (!strcmp(k->type, "ENUM")) {
		printf("One of ");
		put_breakable(k->choices);
		printf(". ");
	}
	printf("Default: ");
	if (*k->def) {
		printf("\\fB");
		put_breakable(k->def);
		printf("\\fR");
	} else {
		printf("empty");
	}
	printf(".");
	if (k->alias) {
		printf(" Legacy name: \\fB");
		put(k->alias);
		printf("\\fR.");
	}
	if (k->flags & SECRET)
		printf(" A secret: never printed or logged.");
	putchar('\n');
}

int main(int argc, char **argv)
{
	const char *date = argc > 1 ? argv[1] : "";
	size_t i;

	printf(".TH MODSCAN.CONF 5 \"%s\" modscan \"File formats\"\n", date);
	/* no hyphenation: key names are looked up as they are written */
	fputs(".nh\n.SH NAME\nmodscan.conf \\- modscan configuration\n"
	      ".SH SYNOPSIS\n/etc/modscan/modscan.conf\n"
	      ".SH DESCRIPTION\n"
	      "The configuration of every applet of \\fBmodscan\\fR(1): one "
	      "\\fIKEY\\fB=\\fIVALUE\\fR a line; \\fB#\\fR starts a comment; "
	      "values may be quoted (\"...\" with \\e\", \\e\\e, \\en and "
	      "\\et escapes, or '...' literally); a leading \\fBexport\\fR "
	      "is allowed.\n.PP\n"
	      "The file is read from \\fB\\-\\-config\\fR \\fIFILE\\fR, "
	      "else \\fB$MODSCAN_CONFIG\\fR, else "
	      "/etc/modscan/modscan.conf when it exists.  Environment "
	      "variables of the same names (or the legacy names) override "
	      "the file, and command-line options override both.\n.PP\n"
	      "A file that sets a password must be readable by its owner "
	      "only (mode 0600), or mode 0640 owned by root with the "
	      "service's group (modscan), as the package installs it.\n"
	      ".PP\n"
	      "\\fBmodscan \\-\\-check\\-config\\fR prints the effective "
	      "configuration.\n.SH KEYS\n", stdout);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		key(&keys[i]);
	fputs(".SH FILES\n.TP\n/etc/modscan/modscan.conf\n"
	      "the configuration\n"
	      ".TP\n/usr/share/doc/modscan/modscan.conf.example\n"
	      "every key with its default, commented out\n"
	      ".SH SEE ALSO\n\\fBmodscan\\fR(1)\n", stdout);
	return 0;
}
