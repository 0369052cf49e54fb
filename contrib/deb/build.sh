#!/bin/sh
# contrib/deb/build.sh MODSCAN MANDIR COMPLETION OUTDIR
# Builds OUTDIR/modscan_VERSION_amd64.deb with dpkg-deb from the static
# binary, the man pages and completion made by `make`, and contrib/.
# VERSION: the tag (v1.2.3 -> 1.2.3) when HEAD has one in its history,
# else 0~gitYYYYMMDD.SHA of the last commit.
set -eu
bin=$1 man=$2 comp=$3 out=$4
src=$(cd "$(dirname "$0")/../.." && pwd)
deb=$src/contrib/deb
maintainer=${DEB_MAINTAINER:-modscan maintainers <modscan@example.org>}

version=$(git -C "$src" describe --tags --match 'v[0-9]*' 2>/dev/null |
	  sed 's/^v//; s/-\([0-9]*\)-g/+\1.g/') || true
if [ -z "$version" ]; then
	version=0~git$(git -C "$src" log -1 --date=format:%Y%m%d \
		--format=%cd.%h 2>/dev/null || echo 0.unknown)
fi
case "$(git -C "$src" status --porcelain --untracked-files=no 2>/dev/null)" in
"") ;;
*) version=$version+dirty ;;
esac

root=$out/modscan-deb
rm -rf "$root"
umask 022
mkdir -p "$root/DEBIAN"

# The binary and one link per applet.
install -D -m 0755 "$bin" "$root/usr/bin/modscan"
for a in $("$bin" --help | sed -n '/^Applets:/,/^$/s/^  \([a-z]*\) .*/\1/p'); do
	ln -s modscan "$root/usr/bin/modscan-$a"
done

install -d "$root/lib/systemd/system"
install -m 0644 "$src"/contrib/systemd/*.service \
	"$src"/contrib/systemd/*.timer "$root/lib/systemd/system/"
install -D -m 0644 "$src/contrib/sysusers.d/modscan.conf" \
	"$root/usr/lib/sysusers.d/modscan.conf"
install -D -m 0644 "$src/contrib/tmpfiles.d/modscan.conf" \
	"$root/usr/lib/tmpfiles.d/modscan.conf"
# postinst makes it root:modscan (dpkg-statoverride).
install -D -m 0640 "$src/contrib/modscan.conf.example" \
	"$root/etc/modscan/modscan.conf"
# Debian's cron runs /etc/cron.d files named [A-Za-z0-9_-]+.
install -D -m 0644 "$src/contrib/cron/modscan.cron" \
	"$root/etc/cron.d/modscan"

for f in "$man"/*.[0-9]; do
	s=${f##*.}
	install -d "$root/usr/share/man/man$s"
	gzip -9n <"$f" >"$root/usr/share/man/man$s/$(basename "$f").gz"
	chmod 0644 "$root/usr/share/man/man$s/$(basename "$f").gz"
done
install -D -m 0644 "$comp" \
	"$root/usr/share/bash-completion/completions/modscan"

doc=$root/usr/share/doc/modscan
install -d "$doc"
install -m 0644 "$deb/copyright" "$doc/copyright"
gzip -9n <"$src/README.md" >"$doc/README.md.gz"
gzip -9n <"$src/contrib/modscan.conf.example" \
	>"$doc/modscan.conf.example.gz"
for f in "$src"/contrib/nagios/* "$src"/contrib/alert-webhook \
	 "$src"/contrib/grafana/*.json; do
	[ -f "$f" ] || continue
	install -D -m 0644 "$f" "$doc/examples/$(basename "$f")"
done
date=$(git -C "$src" log -1 --format=%cD 2>/dev/null ||
       date -u -R -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}")
printf 'modscan (%s) unstable; urgency=medium\n\n  * Built from %s.\n\n -- %s  %s\n' \
	"$version" "$(git -C "$src" rev-parse --short HEAD 2>/dev/null ||
		      echo source)" "$maintainer" "$date" |
	gzip -9n >"$doc/changelog.gz"
install -D -m 0644 "$deb/lintian-overrides" \
	"$root/usr/share/lintian/overrides/modscan"
find "$root" -type f -name '*.gz' -exec chmod 0644 {} +

for s in postinst prerm postrm; do
	install -m 0755 "$deb/$s" "$root/DEBIAN/$s"
done
printf '/etc/modscan/modscan.conf\n/etc/cron.d/modscan\n' \
	>"$root/DEBIAN/conffiles"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' |
	LC_ALL=C sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" \
	-e "s/@MAINTAINER@/$maintainer/" "$deb/control.in" \
	>"$root/DEBIAN/control"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" \
	"$root/DEBIAN/md5sums"

pkg=$out/modscan_${version}_amd64.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$pkg" >/dev/null
rm -rf "$root"
echo "$pkg"
