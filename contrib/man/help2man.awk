# Turns one `modscan ... --help` text into a man page body (roff): the
# usage lines become SYNOPSIS, "  -x, --opt ARG   text" lines become
# tagged paragraphs, the rest paragraphs.  Run by mkman.sh.
function esc(s) {
	gsub(/\\/, "\\e", s)
	gsub(/-/, "\\-", s)
	if (s ~ /^[.']/)
		s = "\\&" s
	return s
}
BEGIN { state = "synopsis"; print ".nh"; print ".SH SYNOPSIS"; print ".nf" }
state == "synopsis" {
	if ($0 == "") {
		print ".fi"
		print ".SH DESCRIPTION"
		state = "text"
		next
	}
	sub(/^usage: /, "")
	if ($0 ~ /^ +modscan /)
		sub(/^ +/, "")
	else
		sub(/^ +/, "    ")
	print esc($0)
	next
}
/^$/ { print ".PP"; intag = 0; next }
/^  +-/ && match($0, /^  +[^ ].*[^ ]( ( +)|$)/) {
	line = $0
	sub(/^ +/, "", line)
	tag = line; desc = ""
	if (match(line, /   */)) {
		tag = substr(line, 1, RSTART - 1)
		desc = substr(line, RSTART + RLENGTH)
	}
	print ".TP"
	print ".B " esc(tag)
	if (desc != "")
		print esc(desc)
	intag = 1
	next
}
/^   / && intag { line = $0; sub(/^ +/, "", line); print esc(line); next }
{ line = $0; sub(/^ +/, "", line); print esc(line) }
END { if (state == "synopsis") print ".fi" }
