#!/bin/sh
# Install every Debian package that building, testing and demonstrating
# modscan needs.  Idempotent: when everything is present it only checks
# (dpkg-query) and returns within a second.  Must run as root on Debian 12.
#
#   contrib/install-deps.sh           install what is missing (root)
#   contrib/install-deps.sh --check   only say which packages the build
#                                     lacks, in one line; exit 1 if any
#                                     (no root, no apt: make runs this)
set -eu

# Compiling and linking modscan, ccapsim, the unit tests and the static
# libraries (contrib/build-deps.sh).
BUILD_PKGS="build-essential musl-tools cmake pkg-config perl dpkg-dev
xz-utils file ca-certificates python3 libssh-dev libmariadb-dev libmbedtls-dev
libcjson-dev zlib1g-dev libssl-dev"
# Fuzzing, the integration tests, the benchmarks and the demo.
TEST_PKGS="clang llvm libclang-rt-14-dev
mariadb-server mariadb-client openssh-server openssh-client sshpass openssl
python3-netmiko python3-pandas python3-mysqldb python3-aiosmtpd
python3-paramiko python3-cryptography chromium procps iproute2 util-linux mount
passwd time curl lintian bubblewrap man-db groff-base systemd
prometheus shellcheck"

# missing PKG...: the packages of the list that are not installed.
missing() {
	for p in "$@"; do
		s=$(dpkg-query -W -f '${db:Status-Abbrev}' "$p" 2>/dev/null ||
			true)
		case "$s" in
		ii*) ;;
		*) printf ' %s' "$p" ;;
		esac
	done
}

if [ "${1-}" = --check ]; then
	# shellcheck disable=SC2086
	m=$(missing $BUILD_PKGS)
	[ -z "$m" ] && exit 0
	echo "modscan build: missing packages:$m;" \
		"install them (as root: sh contrib/install-deps.sh)" >&2
	exit 1
fi

# shellcheck disable=SC2086
missing=$(missing $BUILD_PKGS $TEST_PKGS)

# deb-src for bookworm main: the static libraries are built from
# Debian's own sources (apt-get source).
srcs=/etc/apt/sources.list.d/modscan-src.sources
need_update=
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ &&
   ! grep -qs '^deb-src .*bookworm main' /etc/apt/sources.list; then
	cat >"$srcs" <<'EOS'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
	need_update=1
fi

[ -z "$missing" ] && [ -z "$need_update" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing (run as root)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if [ -n "$missing" ]; then
	echo "install-deps: installing$missing" >&2
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# mariadb-server's package starts a system instance; the tests run their
# own private servers and do not need it.
if command -v systemctl >/dev/null 2>&1; then
	systemctl disable --now mariadb >/dev/null 2>&1 || true
fi
exit 0
