# Headless Chromium for the HTML report tests (source after test-lib.sh).
#
#   chromium_dump URL   the DOM after the page's scripts ran, on stdout;
#                       no network (every host name resolves to nothing)

chromium_dump() {
	_prof=$(mktemp -d "$TRASH/profile.XXXXXX")
	timeout 60 chromium --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --user-data-dir="$_prof" \
		--host-resolver-rules="MAP * ~NOTFOUND" --dump-dom "$1" \
		2>>"$TRASH/chromium.err"
}
