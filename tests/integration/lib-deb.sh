# The Debian package in a throwaway root.  Sourced after test-lib.sh.
#
#   deb_build             contrib/deb/build.sh from the static binary into
#                         $TRASH/out
#   deb_name              the package's file name there
#   inns CMD...           CMD in a private mount namespace where the
#                         throwaway root is mounted at $DEB_ROOT
#   inroot CMD...         CMD chrooted into the throwaway root
#
# The throwaway root is the host's / under an overlay whose upper layer is
# $TRASH/ovl/u: dpkg and the maintainer scripts run for real, the host is
# left untouched, and the state is kept from one call to the next.  The
# prerequisite OVERLAY is set when this machine can mount one.  Inside,
# /mnt is $TRASH/out (the package and files passed in).

DEB_OVL=$TRASH/ovl
DEB_ROOT=$DEB_OVL/m
mkdir -p "$DEB_OVL/u" "$DEB_OVL/w" "$DEB_ROOT" "$TRASH/out"
if unshare -m sh -c "mount -t overlay overlay -o lowerdir=/,upperdir=$DEB_OVL/u,workdir=$DEB_OVL/w $DEB_ROOT" 2>/dev/null; then
	test_set_prereq OVERLAY
else
	say "# cannot mount an overlay in a mount namespace here"
fi

deb_build() {
	"$SRC_DIR/contrib/deb/build.sh" "$SRC_DIR/modscan" "$SRC_DIR/build/man" \
		"$SRC_DIR/build/modscan.bash" "$TRASH/out" >"$TRASH/deb.built"
}

deb_name() {
	basename "$(cat "$TRASH/deb.built")"
}

inns() {
	unshare -m sh -c '
		set -e
		d=$1; shift
		mount -t overlay overlay \
			-o lowerdir=/,upperdir=$d/u,workdir=$d/w $d/m
		mount -t proc proc $d/m/proc
		mount -t tmpfs tmpfs $d/m/run
		mount -t tmpfs tmpfs $d/m/tmp
		mount --rbind /dev $d/m/dev
		mount --bind $d/../out $d/m/mnt
		exec "$@"' inns "$DEB_OVL" "$@"
}

inroot() {
	inns chroot "$DEB_ROOT" "$@"
}
