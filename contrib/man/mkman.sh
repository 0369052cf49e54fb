#!/bin/sh
# contrib/man/mkman.sh MODSCAN CONFMAN OUTDIR: writes modscan(1), one
# modscan-APPLET(1) per applet and modscan.conf(5) into OUTDIR, from the
# tables that produce --help (run through help2man.awk) and from
# lib/conf.def (through CONFMAN, built from confman.c).
set -eu
bin=$1 confman=$2 out=$3
here=$(dirname "$0")
date=$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%Y-%m-%d)
version=$("$bin" --version | sed -n '1s/^modscan //; 1s/ .*//p')
mkdir -p "$out"

# The applets: "  NAME  description" lines of modscan --help.
applets=$("$bin" --help | sed -n '/^Applets:/,/^$/s/^  \([a-z]*\) .*/\1/p')

{
	printf '.TH MODSCAN 1 "%s" "modscan %s" "User commands"\n' \
		"$date" "$version"
	printf '.SH NAME\nmodscan \\- upstream modulation scanner for CCAPs\n'
	"$bin" --help | awk -f "$here/help2man.awk"
	# The top-level options, each with its own --help.
	for o in $("$bin" --help |
		   sed -n '/^Options:/,/^$/s/^  \(--[a-z-]*\) .*/\1/p'); do
		printf '.SH "MODSCAN %s"\n' "$(printf '%s' "$o" | tr a-z A-Z |
			sed 's/-/\\-/g')"
		"$bin" "$o" --help | awk -f "$here/help2man.awk" |
			sed 's/^\.SH SYNOPSIS$/.SS Synopsis/;
			     s/^\.SH DESCRIPTION$/.SS Description/'
	done
	printf '.SH FILES\n.TP\n/etc/modscan/modscan.conf\n'
	printf 'the configuration, see \\fBmodscan.conf\\fR(5)\n'
	printf '.TP\n/var/lib/modscan\nRUN_DIR: lock, heartbeat, spool\n'
	printf '.SH SEE ALSO\n'
	sep=
	for a in $applets; do
		printf '%s\\fBmodscan\\-%s\\fR(1)' "$sep" "$a"
		sep=', '
	done
	printf ', \\fBmodscan.conf\\fR(5)\n'
} >"$out/modscan.1"

for a in $applets; do
	desc=$("$bin" --help | sed -n "s/^  $a  *//p")
	{
		printf '.TH MODSCAN\\-%s 1 "%s" "modscan %s" "User commands"\n' \
			"$(echo "$a" | tr a-z A-Z)" "$date" "$version"
		printf '.SH NAME\nmodscan\\-%s \\- %s\n' "$a" \
			"$(printf '%s' "$desc" | sed 's/\\/\\e/g; s/-/\\-/g')"
		"$bin" "$a" --help | awk -f "$here/help2man.awk"
		printf '.SH SEE ALSO\n\\fBmodscan\\fR(1), '
		printf '\\fBmodscan.conf\\fR(5)\n'
	} >"$out/modscan-$a.1"
done

"$confman" "$date" >"$out/modscan.conf.5"
