# Shared helpers for the shell tests (sourced, not run: the .bash suffix keeps
# it out of ctest's tests/cli/*.sh glob). A test calls `finish` at the end and
# exits 0 pass / 1 fail / 77 skip.
set -u

VEIL=${1:-}
if [ -z "$VEIL" ] || [ ! -x "$VEIL" ]; then
	echo "skip: no veil binary given (usage: $0 path/to/veil)"
	exit 77
fi
VEIL=$(cd "$(dirname "$VEIL")" && pwd)/$(basename "$VEIL")
T=$(mktemp -d "${TMPDIR:-/tmp}/veil-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
# A clean environment for the identity lookup: no user keys leak in.
unset VEIL_AGE_KEY VEIL_AGE_KEY_FILE SOPS_AGE_KEY SOPS_AGE_KEY_FILE SOPS_AGE_KEY_CMD SOPS_AGE_RECIPIENT \
	SOPS_AGE_SSH_PRIVATE_KEY_FILE SOPS_AGE_SSH_PRIVATE_KEY_CMD
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config"
mkdir -p "$HOME"
cd "$T" || exit 1

fails=0
checks=0

ok() {
	checks=$((checks + 1))
	echo "ok   $*"
}

fail() {
	checks=$((checks + 1))
	fails=$((fails + 1))
	echo "FAIL $*"
	if [ -s "$T/err" ]; then
		sed 's/^/     stderr: /' "$T/err" | head -5
	fi
}

# run CMD...: stdout in $T/out, stderr in $T/err, status in $rc.
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# check COND-DESCRIPTION then a test command: ok if it succeeds.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else fail "$what"; fi
}

# expect_rc WANT WHAT: compares the last run's status.
expect_rc() {
	if [ "$rc" -eq "$1" ]; then ok "$2 (exit $rc)"; else fail "$2: exit $rc, want $1"; fi
}

# expect_fail WHAT: the last run failed (non-zero, not a crash).
expect_fail() {
	if [ "$rc" -ne 0 ] && [ "$rc" -lt 128 ]; then
		ok "$1 (exit $rc)"
	else
		fail "$1: exit $rc, want a failure status"
	fi
}

# err_has REGEX WHAT: stderr of the last run matches (case-insensitive ERE).
err_has() {
	if grep -qiE -- "$1" "$T/err"; then ok "$2"; else fail "$2: stderr lacks /$1/"; fi
}

# err_lacks FIXED WHAT: stderr of the last run does not contain a string.
err_lacks() {
	if grep -qF -- "$1" "$T/err"; then fail "$2: stderr contains it"; else ok "$2"; fi
}

same() {
	cmp -s "$1" "$2"
}

# The last run succeeded and produced FILE2 equal to FILE1.
rc0_same() {
	[ "$rc" -eq 0 ] && cmp -s "$1" "$2"
}

# Byte at offset N of FILE, and overwriting it.
byte_at() {
	od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '
}

put_byte() {
	# shellcheck disable=SC2059 # an octal escape built on purpose
	printf "\\$(printf '%03o' "$3")" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# flip FILE OFFSET: change one byte (xor 1).
flip() {
	put_byte "$1" "$2" $(($(byte_at "$1" "$2") ^ 1))
}

# Offset of the first line starting with PREFIX in FILE (text header).
line_offset() {
	grep -a -b -m1 -- "^$2" "$1" | cut -d: -f1
}


# swap_b64 FILE OFFSET: replace a base64 character by another valid one
# ('A' <-> 'B'), so a header stays well-formed but its meaning changes.
swap_b64() {
	if [ "$(byte_at "$1" "$2")" -eq 65 ]; then put_byte "$1" "$2" 66; else put_byte "$1" "$2" 65; fi
}

finish() {
	echo "$((checks - fails)) passed, $fails failed"
	[ "$fails" -eq 0 ] || exit 1
	exit 0
}

# pty_type CMD LINE...: runs CMD on a pty (script(1)) and types each LINE
# after the next passphrase prompt shows up, as a person would, so echo is
# already off when it arrives. Transcript in $T/tty, status in $rc.
# shellcheck disable=SC2094 # the typist reads what script writes, on purpose
pty_type() {
	local cmd=$1
	shift
	: >"$T/tty"
	{
		local n=0 line tries
		for line in "$@"; do
			n=$((n + 1))
			tries=0
			while [ "$(grep -o 'assphrase' "$T/tty" | wc -l)" -lt "$n" ] &&
				[ "$tries" -lt 300 ]; do
				sleep 0.1
				tries=$((tries + 1))
			done
			sleep 0.2
			printf '%s\n' "$line"
		done
		sleep 0.5
	} | script -qec "$cmd" /dev/null >"$T/tty" 2>&1
	rc=$?
}
