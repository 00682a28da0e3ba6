#!/usr/bin/env bash
# `veil age` streams in constant memory: 1 GiB of zeros (VEIL_STREAM_MEMORY_MB
# to change it) goes through `veil age -e` and `veil age -d` over pipes and
# through files; each veil process must peak under 8 MiB resident, and the
# output must be exactly the input.
set -euo pipefail

veil=${1:?usage: stream_memory.sh VEIL_BINARY}
gnu_time=/usr/bin/time
limit_kb=$((8 * 1024))
mb=${VEIL_STREAM_MEMORY_MB:-1024}
bytes=$((mb * 1048576))

if [ "${VEIL_TEST_SANITIZED:-0}" = 1 ]; then
	echo "skip: resident size means nothing under ASan (shadow memory)"
	exit 77
fi
if [ ! -x "$gnu_time" ]; then
	echo "skip: GNU time ($gnu_time, Debian package 'time') is not installed"
	exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/veil-stream-memory.XXXXXX")
trap 'rm -rf "$work"' EXIT

key=$work/key.txt
if "$veil" keygen -o "$key" 2>/dev/null; then
	recipient=$("$veil" keygen -y "$key")
elif command -v age-keygen >/dev/null; then
	age-keygen -o "$key" 2>/dev/null
	recipient=$(age-keygen -y "$key")
else
	echo "skip: neither 'veil keygen' nor age-keygen is available to make a key"
	exit 77
fi
printf probe >"$work/probe"
if ! "$veil" age -e -r "$recipient" -o "$work/probe.age" "$work/probe" 2>/dev/null ||
	[ "$("$veil" age -d -i "$key" "$work/probe.age" 2>/dev/null)" != probe ]; then
	echo "skip: 'veil age -e/-d' does not work yet"
	exit 77
fi

fail=0

# zeros_exactly NAME < data: the data is $bytes zero bytes, no more, no less.
# cmp against the endless /dev/zero reports where the data ended. Runs at the
# end of a pipeline (a subshell), so it reports through its status.
zeros_exactly() {
	local got
	got=$(cmp - /dev/zero 2>&1 || true)
	case $got in
	"cmp: EOF on - after byte $bytes,"*) echo "ok   $1: $bytes bytes, all zero" ;;
	*)
		echo "FAIL $1: output is not $bytes zero bytes ($got)"
		return 1
		;;
	esac
}

check_rss() { # NAME FILE
	local kb
	kb=$(tail -n 1 "$2")
	if [ "$kb" -lt "$limit_kb" ]; then
		echo "ok   $1: peak RSS $kb KiB"
	else
		echo "FAIL $1: peak RSS $kb KiB, limit $limit_kb KiB"
		fail=1
	fi
}

# Over pipes: stdin -> encrypt -> decrypt -> stdout.
head -c "$bytes" /dev/zero |
	"$gnu_time" -f %M -o "$work/rss.pipe.e" "$veil" age -e -r "$recipient" |
	"$gnu_time" -f %M -o "$work/rss.pipe.d" "$veil" age -d -i "$key" |
	zeros_exactly "pipe round trip" || fail=1
check_rss "age -e (pipe)" "$work/rss.pipe.e"
check_rss "age -d (pipe)" "$work/rss.pipe.d"

# Through files: the ciphertext has the payload nonce, one tag per 64 KiB
# chunk and a header of a few hundred bytes on top of the plaintext.
head -c "$bytes" /dev/zero >"$work/zeros"
"$gnu_time" -f %M -o "$work/rss.file.e" "$veil" age -e -r "$recipient" -o "$work/ct.age" \
	"$work/zeros"
rm -f "$work/zeros"
chunks=$(((bytes + 65535) / 65536))
[ "$chunks" -eq 0 ] && chunks=1
ct_size=$(stat -c %s "$work/ct.age")
min=$((bytes + 16 * chunks + 16))
if [ "$ct_size" -lt "$min" ] || [ "$ct_size" -gt $((min + 4096)) ]; then
	echo "FAIL file encrypt: ciphertext is $ct_size bytes, expected $min plus a header"
	fail=1
fi
"$gnu_time" -f %M -o "$work/rss.file.d" "$veil" age -d -i "$key" -o "$work/out" "$work/ct.age"
zeros_exactly "file round trip" <"$work/out" || fail=1
check_rss "age -e (files)" "$work/rss.file.e"
check_rss "age -d (files)" "$work/rss.file.d"

exit "$fail"
