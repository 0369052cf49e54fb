#!/bin/sh
# contrib/build-deps.sh PREFIX
#
# Builds with musl (musl-gcc) the static libraries modscan links, from
# Debian bookworm's own sources (apt-get source), and installs them into
# PREFIX:
#
#   zlib            PREFIX/lib/libz.a                 include/zlib.h
#   mbedTLS 2.28    PREFIX/lib/libmbed{tls,x509,crypto}.a   include/mbedtls/
#                   (threading on; getrandom() used under musl too)
#   OpenSSL 3.0     PREFIX/lib/lib{ssl,crypto}.a      include/openssl/
#                   (Connector/C's TLS and libssh's crypto)
#   libssh 0.10     PREFIX/lib/libssh.a               include/libssh/
#                   (OpenSSL backend: libcrypto's optimised X25519,
#                   Ed25519, AES-GCM and ChaCha20 instead of libssh's
#                   reference curve code; zlib, client + server + SFTP)
#   Connector/C     PREFIX/lib/libmariadbclient.a     include/mariadb/
#                   (TLS via OpenSSL, auth plugins compiled in)
#   cJSON           PREFIX/lib/libcjson.a             include/cjson/cJSON.h
#   jemalloc 5.3    PREFIX/lib/libjemalloc.a          include/jemalloc/
#                   (replaces musl's malloc, whose single lock serialises
#                   every thread of a sweep)
#
# Compile with  -isystem PREFIX/include -isystem PREFIX/include/mariadb
# link with     -static -Wl,--whole-archive PREFIX/lib/libjemalloc.a
#               -Wl,--no-whole-archive -L PREFIX/lib -lssh -lcjson
#               -lmariadbclient -lmbedtls -lmbedx509 -lmbedcrypto -lssl
#               -lcrypto -lz -lpthread -lm
#
# Cached and atomic: if PREFIX/.done exists it exits 0 at once.  Otherwise
# it takes an flock on PREFIX.lock (a concurrent build of the same PREFIX
# waits, then finds .done), builds into PREFIX.tmp.$$ and renames the
# finished tree to PREFIX, .done included.  Source packages are downloaded
# once into SRCDIR (default: $(dirname PREFIX)/src) and reused.
#
# Quiet: one line per library; each step logs to a file (kept in
# PREFIX/log/ on success; on failure the path and the log's tail are shown
# and the script exits non-zero).
#
# Environment: JOBS (default: nproc), SRCDIR, KEEP_BUILD=1 (keep the build
# tree of a failed build for debugging).  Needs the packages of
# contrib/install-deps.sh (musl-tools, cmake, perl, python3, dpkg-dev) and
# deb-src for bookworm main.
set -eu

# The whole script is one brace group, so the shell parses it completely
# before running it: editing this file during a build cannot change the
# running build.
{

# Debian source versions (bookworm main).  When the archive no longer has
# one of these, the current bookworm main version is used instead.
ZLIB_V=1:1.2.13.dfsg-1
MBEDTLS_V=2.28.3-1
LIBSSH_V=0.10.6-0+deb12u2
OPENSSL_V=3.0.20-1~deb12u2
MARIADB_V=1:10.11.18-0+deb12u1
CJSON_V=1.7.15-1+deb12u4
JEMALLOC_V=5.3.0-1

me=build-deps
say() { printf '%s: %s\n' "$me" "$*"; }
die() { printf '%s: error: %s\n' "$me" "$*" >&2; exit 1; }

[ $# -eq 1 ] && [ -n "$1" ] || { echo "usage: $0 PREFIX" >&2; exit 2; }

# Hermetic: flags meant for modscan itself (or a parent make's jobserver)
# must not leak into the dependencies' builds.
unset CC CXX CPP CFLAGS CXXFLAGS CPPFLAGS LDFLAGS LIBS AR RANLIB \
	MAKEFLAGS MFLAGS MAKELEVEL PKG_CONFIG_PATH CMAKE_PREFIX_PATH \
	OPENSSL_CONF 2>/dev/null || true
export LC_ALL=C
umask 022

case $1 in
/*) PREFIX=$1 ;;
*) PREFIX=$(pwd)/$1 ;;
esac
PREFIX=${PREFIX%/}
[ -f "$PREFIX/.done" ] && exit 0

PARENT=$(dirname "$PREFIX")
mkdir -p "$PARENT"
SRCDIR=${SRCDIR:-$PARENT/src}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

# One build per PREFIX at a time; the loser waits and then sees .done.
exec 9>"$PREFIX.lock"
if ! flock -n 9; then
	say "waiting for another build of $PREFIX"
	flock 9
fi
[ -f "$PREFIX/.done" ] && exit 0
[ -e "$PREFIX" ] &&
	die "$PREFIX exists but has no .done (not made by this script?); remove it"

for tool in musl-gcc cmake make perl ar apt-get dpkg-source tar patch; do
	command -v "$tool" >/dev/null 2>&1 ||
		die "$tool not found; run contrib/install-deps.sh"
done
if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
command -v "$PYTHON" >/dev/null 2>&1 || die "python3 not found"

# Leftovers of builds that died (we hold the lock: none is running).
rm -rf "$PREFIX".tmp.*

W=$PREFIX.tmp.$$        # work dir, same filesystem as PREFIX
LOGDIR=$W/log
DESTDIR=$W/stage         # every package installs with DESTDIR=$DESTDIR
R=$DESTDIR$PREFIX        # ... so the staged prefix is $R
mkdir -p "$LOGDIR" "$W/build" "$R/lib" "$R/include"

ok=
cleanup() {
	if [ -n "$ok" ]; then
		rm -rf "$W"
	elif [ "${KEEP_BUILD:-}" != 1 ]; then
		# keep only the logs of a failed build
		rm -rf "$W/build" "$W/stage" "$W/kinc" "$W/toolchain.cmake"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

t_start=$(date +%s)

# step NAME DESCRIPTION: runs build_NAME with all output going to
# $LOGDIR/NAME.log; prints one line, or the log's tail on failure.
step() {
	log=$LOGDIR/$1.log
	t0=$(date +%s)
	set +e
	( set -e; "build_$1" ) </dev/null >"$log" 2>&1
	rc=$?
	set -e
	if [ $rc -ne 0 ]; then
		printf '%s: %-12s FAILED (exit %s); log: %s\n' "$me" "$1" "$rc" "$log" >&2
		tail -n 25 "$log" | sed 's/^/    /' >&2
		exit 1
	fi
	printf '%s: %-12s %-28s ok (%ss)\n' "$me" "$1" "$2" $(($(date +%s) - t0))
}

# ---------------------------------------------------------------- sources

# fetch PKG VERSION: print the path of PKG's .dsc in $SRCDIR, downloading
# it (and the files it lists) first if needed.
fetch() {
	pkg=$1 ver=$2
	dsc=$SRCDIR/${pkg}_${ver#*:}.dsc
	if [ ! -f "$dsc" ]; then
		dl=$SRCDIR/dl.$$
		rm -rf "$dl"
		mkdir -p "$dl"
		if (cd "$dl" && apt-get source --download-only -q "$pkg=$ver") >&2; then
			:
		else
			echo "$pkg=$ver not downloadable; falling back to bookworm main's version" >&2
			rm -rf "$dl"
			mkdir -p "$dl"
			(cd "$dl" && apt-get source --download-only -q "$pkg") >&2 || {
				echo "apt-get source $pkg failed: is deb-src for bookworm main" \
					"configured and 'apt-get update' done? (contrib/install-deps.sh)" >&2
				rm -rf "$dl"
				return 1
			}
		fi
		set -- "$dl"/*.dsc
		[ $# -eq 1 ] && [ -f "$1" ] || { echo "no single .dsc for $pkg" >&2; return 1; }
		dsc=$SRCDIR/${1##*/}
		# the .dsc goes last: its presence means the download is complete
		for f in "$dl"/*; do
			case $f in *.dsc) ;; *) mv -f "$f" "$SRCDIR/" ;; esac
		done
		mv -f "$1" "$dsc"
		rmdir "$dl"
		[ "$(dscver "$dsc")" = "${ver#*:}" ] ||
			echo "$pkg $ver is gone from the archive; using $(dscver "$dsc")" >>"$W/notes"
	fi
	echo "$dsc"
}

# version of a .dsc path: .../libssh_0.10.6-0+deb12u2.dsc -> 0.10.6-0+deb12u2
dscver() { v=${1##*/}; v=${v#*_}; echo "${v%.dsc}"; }

build_sources() {
	mkdir -p "$SRCDIR"
	exec 8>"$SRCDIR/.lock"   # several prefixes share $SRCDIR
	flock 8
	rm -rf "$SRCDIR"/dl.*    # downloads of runs that died
	for p in zlib:$ZLIB_V mbedtls:$MBEDTLS_V libssh:$LIBSSH_V \
		openssl:$OPENSSL_V mariadb:$MARIADB_V cjson:$CJSON_V \
		jemalloc:$JEMALLOC_V; do
		d=$(fetch "${p%%:*}" "${p#*:}")
		echo "${p%%:*} $d" >>"$W/dscs"
	done
	exec 8>&-
	cat "$W/dscs"
}
: >"$W/dscs"
step sources "(cache: $SRCDIR)"
if [ -s "$W/notes" ]; then
	while read -r l; do say "note: $l"; done <"$W/notes"
fi
dsc_of() { sed -n "s/^$1 //p" "$W/dscs"; }

# extract PKG: unpack PKG's Debian source (sizes and checksums checked
# against the .dsc, Debian patches applied) into $W/build/PKG and cd there.
# (The warning "cannot verify inline signature" is expected: apt already
# checked the files against the signed Sources index when downloading.)
extract() {
	dpkg-source -x "$(dsc_of "$1")" "$W/build/$1"
	cd "$W/build/$1"
}

# verify DSC FILE: FILE's sha256 is the one DSC lists for it.
verify() {
	want=$(sed -n "/^Checksums-Sha256:/,/^[^ ]/s/^ \([0-9a-f]\{64\}\) [0-9]* ${2##*/}\$/\1/p" "$1")
	have=$(sha256sum "$2" | cut -d' ' -f1)
	[ -n "$want" ] && [ "$want" = "$have" ] ||
		{ echo "$2: sha256 $have, $1 says '$want' (remove it to download again)"; return 1; }
}

# ------------------------------------------------------------- toolchain

CFLAGS_COMMON="-O2 -ffunction-sections -fdata-sections"

# Kernel headers for musl (OpenSSL's secure heap includes <linux/mman.h>):
# only linux/, asm/ and asm-generic/, never glibc's headers.
kinc=$W/kinc
mkdir -p "$kinc"
multiarch=$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)
for d in /usr/include/linux "/usr/include/$multiarch/asm" /usr/include/asm-generic; do
	[ -d "$d" ] || die "$d missing (linux-libc-dev)"
	ln -s "$d" "$kinc/${d##*/}"
done

cat >"$W/toolchain.cmake" <<EOF
set(CMAKE_C_COMPILER musl-gcc)
set(CMAKE_FIND_ROOT_PATH "$R")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
EOF
# pkg-config, if a package asks, sees only the staged prefix.
export PKG_CONFIG_LIBDIR="$R/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$DESTDIR"
export PKG_CONFIG_PATH=

# cmake_build SRC [ARGS...]: configure, build and stage a CMake project.
cmake_build() {
	s=$1
	shift
	cmake -S "$s" -B "$W/build/cmake-$(basename "$(pwd)")" \
		-DCMAKE_TOOLCHAIN_FILE="$W/toolchain.cmake" \
		-DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_C_FLAGS="$CFLAGS_COMMON" \
		-DCMAKE_INSTALL_PREFIX="$PREFIX" \
		-DCMAKE_INSTALL_LIBDIR=lib \
		"$@"
	cmake --build "$W/build/cmake-$(basename "$(pwd)")" -j "$JOBS"
	DESTDIR=$DESTDIR cmake --install "$W/build/cmake-$(basename "$(pwd)")"
}

# ------------------------------------------------------------- libraries

build_zlib() {
	extract zlib
	CC=musl-gcc CFLAGS="$CFLAGS_COMMON" ./configure --static --prefix="$PREFIX"
	make -j"$JOBS" libz.a
	make install DESTDIR="$DESTDIR"
}

build_mbedtls() {
	extract mbedtls
	grep -q 'MBEDTLS_VERSION_STRING *"2\.28\.' include/mbedtls/version.h ||
		{ echo "not mbedTLS 2.28"; return 1; }
	# musl: use the getrandom() syscall, not /dev/urandom (absent in an
	# empty chroot), i.e. widen "__linux__ && __GLIBC__" to "__linux__".
	sed -i 's/^#if ((defined(__linux__) && defined(__GLIBC__)) || defined(__midipix__))$/#if (defined(__linux__) || defined(__midipix__))/' \
		library/entropy_poll.c
	grep -q '^#if (defined(__linux__) || defined(__midipix__))$' library/entropy_poll.c ||
		{ echo "entropy_poll.c: getrandom patch did not apply"; return 1; }
	"$PYTHON" scripts/config.py set MBEDTLS_THREADING_C
	"$PYTHON" scripts/config.py set MBEDTLS_THREADING_PTHREAD
	"$PYTHON" scripts/config.py get MBEDTLS_THREADING_PTHREAD
	cmake_build . \
		-DENABLE_PROGRAMS=OFF -DENABLE_TESTING=OFF \
		-DUSE_STATIC_MBEDTLS_LIBRARY=ON -DUSE_SHARED_MBEDTLS_LIBRARY=OFF \
		-DMBEDTLS_FATAL_WARNINGS=OFF -DINSTALL_MBEDTLS_HEADERS=ON
	# proof that entropy_poll.o calls syscall(SYS_getrandom)
	nm "$R/lib/libmbedcrypto.a" 2>/dev/null | grep -q ' U syscall$' ||
		{ echo "libmbedcrypto.a does not use getrandom()"; return 1; }
}

build_openssl() {
	extract openssl
	case $(uname -m) in
	x86_64) target=linux-x86_64 ;;
	aarch64) target=linux-aarch64 ;;
	*) target=linux-generic64 ;;
	esac
	# --openssldir=/etc/ssl: default CA paths (and openssl.cnf) of Debian-
	# like hosts.  no-docs does not exist in 3.0; install_dev installs none.
	# The ENGINE API stays (libssh 0.10's OpenSSL backend calls it; with
	# no-dso no engine can be loaded).
	./Configure "$target" no-shared no-tests no-async no-afalgeng \
		no-dso no-module no-legacy \
		--prefix="$PREFIX" --libdir=lib --openssldir=/etc/ssl \
		CC=musl-gcc CFLAGS="$CFLAGS_COMMON" CPPFLAGS="-idirafter $kinc"
	make -j"$JOBS" build_libs
	make install_dev DESTDIR="$DESTDIR"
}

build_libssh() {
	extract libssh
	grep -q 'project(libssh VERSION 0\.10\.' CMakeLists.txt ||
		{ echo "not libssh 0.10"; return 1; }
	cmake_build . \
		-DBUILD_SHARED_LIBS=OFF -DWITH_GSSAPI=OFF -DWITH_MBEDTLS=OFF \
		-DWITH_GCRYPT=OFF -DOPENSSL_ROOT_DIR="$R" \
		-DOPENSSL_USE_STATIC_LIBS=ON \
		-DWITH_ZLIB=ON -DWITH_SERVER=ON -DWITH_SFTP=ON \
		-DWITH_EXAMPLES=OFF -DWITH_NACL=OFF -DUNIT_TESTING=OFF \
		-DCLIENT_TESTING=OFF -DSERVER_TESTING=OFF -DZLIB_ROOT="$R"
	nm "$R/lib/libssh.a" >"$W/build/libssh.nm" 2>/dev/null || true
	grep -q ' T ssh_bind_new$' "$W/build/libssh.nm" ||
		{ echo "libssh.a has no server API"; return 1; }
	grep -q ' T sftp_new$' "$W/build/libssh.nm" ||
		{ echo "libssh.a has no SFTP"; return 1; }
	# libcrypto's X25519 and Ed25519, not the reference code (which
	# CMake silently falls back to if its checks against libcrypto fail)
	grep -q ' U EVP_PKEY_derive$' "$W/build/libssh.nm" ||
		{ echo "libssh.a is not on the OpenSSL backend"; return 1; }
	if grep -q ' T crypto_scalarmult$\| T crypto_sign_ed25519_keypair$' \
		"$W/build/libssh.nm"; then
		echo "libssh.a uses its reference curve25519/ed25519 code"
		return 1
	fi
}

build_mariadb() {
	dsc=$(dsc_of mariadb)
	v=$(dscver "$dsc")
	up=${v%-*}
	set -- "$SRCDIR/mariadb_$up".orig.tar.*
	orig=
	for f; do case $f in *.asc) ;; *) orig=$f ;; esac; done
	[ -f "$orig" ] || { echo "no orig tarball for mariadb $v"; return 1; }
	set -- "$SRCDIR/mariadb_$v.debian.tar".*
	deb=$1
	verify "$dsc" "$orig"
	verify "$dsc" "$deb"
	mkdir -p "$W/build/mariadb"
	cd "$W/build/mariadb"
	# only Connector/C (the libmariadb/ folder, seconds instead of minutes)
	tar -xf "$orig" --strip-components=1 --wildcards '*/libmariadb/*'
	tar -xf "$deb" debian/patches
	# Debian patches that touch Connector/C, if any
	if [ -f debian/patches/series ]; then
		sed -e 's/#.*//' -e '/^[[:space:]]*$/d' debian/patches/series |
		while read -r p _; do
			if grep -q '^+++ [^[:space:]]*/libmariadb/' "debian/patches/$p"; then
				echo "applying debian/patches/$p"
				patch -p1 -N --no-backup-if-mismatch <"debian/patches/$p"
			fi
		done
	fi
	cd libmariadb
	# NEVER WITH_SSL=OFF: it would silently ignore MYSQL_OPT_SSL_ENFORCE.
	cmake_build . \
		-DWITH_SSL=OPENSSL -DOPENSSL_ROOT_DIR="$R" -DOPENSSL_USE_STATIC_LIBS=ON \
		-DWITH_EXTERNAL_ZLIB=ON -DZLIB_ROOT="$R" \
		-DWITH_UNIT_TESTS=OFF -DWITH_CURL=OFF -DWITH_MYSQLCOMPAT=OFF \
		-DCMAKE_COMPILE_WARNING_AS_ERROR=OFF \
		-DCLIENT_PLUGIN_CLIENT_ED25519=STATIC \
		-DCLIENT_PLUGIN_CACHING_SHA2_PASSWORD=STATIC \
		-DCLIENT_PLUGIN_SHA256_PASSWORD=STATIC \
		-DCLIENT_PLUGIN_DIALOG=STATIC \
		-DCLIENT_PLUGIN_MYSQL_CLEAR_PASSWORD=STATIC \
		-DCLIENT_PLUGIN_AUTH_GSSAPI_CLIENT=OFF \
		-DCLIENT_PLUGIN_REMOTE_IO=OFF -DCLIENT_PLUGIN_ZSTD=OFF \
		-DINSTALL_LIBDIR=lib -DINSTALL_INCLUDEDIR=include/mariadb \
		-DINSTALL_PLUGINDIR=lib/mariadb/plugin -DINSTALL_BINDIR=bin \
		-DINSTALL_PCDIR=lib/pkgconfig -DINSTALL_MANDIR=share/man
	# static only: drop the shared library and the (dynamic) mariadb_config
	rm -f "$R"/lib/libmariadb.so* "$R"/lib/libmariadb.a "$R/bin/mariadb_config"
	rmdir "$R/bin" 2>/dev/null || true
	# TLS really compiled in (if OpenSSL is not found CMake just goes on)
	nm "$R/lib/libmariadbclient.a" 2>/dev/null | grep -q ' U SSL_connect$' ||
		{ echo "libmariadbclient.a built without TLS"; return 1; }
	nm "$R/lib/libmariadbclient.a" >"$W/build/mariadb.nm" 2>/dev/null || true
	for p in mysql_native_password caching_sha2_password sha256_password \
		client_ed25519 dialog mysql_clear_password; do
		grep -q " D ${p}_client_plugin\$" "$W/build/mariadb.nm" ||
			{ echo "auth plugin $p not built in"; return 1; }
	done
}

build_jemalloc() {
	extract jemalloc
	grep -q '^5\.3\.' VERSION || { echo "not jemalloc 5.3"; return 1; }
	# No prefix: its malloc, free, ... replace musl's.  No stats, no
	# profiling, no dlopen.
	CC=musl-gcc CFLAGS="$CFLAGS_COMMON" ./configure --prefix="$PREFIX" \
		--libdir="$PREFIX/lib" --with-jemalloc-prefix= --disable-cxx \
		--disable-shared --enable-static --disable-libdl \
		--disable-stats --disable-prof --disable-doc
	make -j"$JOBS" build_lib_static
	make install_lib_static install_include DESTDIR="$DESTDIR"
	rm -f "$R"/lib/libjemalloc_pic.a
	nm "$R/lib/libjemalloc.a" 2>/dev/null | grep -q ' T malloc$' ||
		{ echo "libjemalloc.a does not define malloc"; return 1; }
}

build_cjson() {
	extract cjson
	musl-gcc $CFLAGS_COMMON -std=c89 -Wall -c cJSON.c -o cJSON.o
	ar rcs "$R/lib/libcjson.a" cJSON.o
	mkdir -p "$R/include/cjson"
	cp cJSON.h "$R/include/cjson/cJSON.h"
	chmod 644 "$R/include/cjson/cJSON.h"
}

uv() { v=$(dscver "$(dsc_of "$1")"); v=${v%-*}; echo "${v%.dfsg}"; }
step zlib "$(uv zlib)"
step mbedtls "$(uv mbedtls)"
step openssl "$(uv openssl)"
step libssh "$(uv libssh) (OpenSSL backend)"
step mariadb "Connector/C ($(uv mariadb))"
step cjson "$(uv cjson)"
step jemalloc "$(uv jemalloc)"

# ------------------------------------------------------------------ finish

for f in libssh.a libmariadbclient.a libmbedtls.a libmbedx509.a \
	libmbedcrypto.a libssl.a libcrypto.a libz.a libcjson.a libjemalloc.a; do
	[ -f "$R/lib/$f" ] || die "$R/lib/$f missing"
done
for f in libssh/libssh.h libssh/server.h libssh/sftp.h mariadb/mysql.h \
	mbedtls/version.h openssl/ssl.h cjson/cJSON.h zlib.h; do
	[ -f "$R/include/$f" ] || die "$R/include/$f missing"
done
# no shared object may be picked up by mistake
find "$R" -name '*.so' -o -name '*.so.*' | while read -r f; do rm -f "$f"; done

mv "$LOGDIR" "$R/log"
{
	echo "# built by contrib/build-deps.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ)" \
		"with musl $(dpkg-query -W -f '${Version}' musl-dev 2>/dev/null)," \
		"gcc $(musl-gcc -dumpversion 2>/dev/null)"
	while read -r pkg dsc; do echo "$pkg $(dscver "$dsc")"; done <"$W/dscs"
} >"$R/.done"
mv "$R" "$PREFIX"
ok=1
say "done in $(($(date +%s) - t_start))s: $PREFIX"
exit 0
}
