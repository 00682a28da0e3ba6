#!/usr/bin/env bash
# SIGTERM/SIGINT while writing an output file: the temp file is removed, no
# output appears, and the process ends by the signal.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

"$VEIL" keygen -o k.txt 2>/dev/null
P=$(sed -n 2p k.txt | cut -d' ' -f4)

# Job control on, so the background veil does not start with SIGINT ignored
# (a non-interactive shell ignores it in background jobs, and veil keeps
# an inherited SIG_IGN, as programs should).
set -m
for sig in TERM INT; do
	rm -rf od fifo && mkdir od && mkfifo fifo
	# veil reads from a FIFO that stays open and silent, so it is blocked
	# mid-run with its temp output file already created.
	"$VEIL" age -r "$P" -o od/out.age fifo 2>"$T/err" &
	pid=$!
	exec 3>fifo
	printf 'some plaintext' >&3
	sleep 1
	check "SIG$sig: a temp output file exists while running" test -n "$(ls -A od)"
	kill -s "$sig" "$pid"
	{ wait "$pid"; } 2>/dev/null
	rc=$?
	exec 3>&-
	check "SIG$sig: veil ends by the signal (status $rc)" \
		test "$rc" -eq $((128 + $(kill -l "$sig")))
	check "SIG$sig: no output and no temp file left" test -z "$(ls -A od)"
done

finish
