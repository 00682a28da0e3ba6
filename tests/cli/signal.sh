#!/usr/bin/env bash
# Signals and cores. A termination signal (TERM, INT, HUP, QUIT) sent to any
# command that writes output or holds plaintext ends it promptly, also in the
# middle of a long CPU-bound step, by that signal (status 128+N), with no
# output, no temp file and no plaintext file left; a child (editor, exec-*
# command) gets it passed on first. No process of veil is dumpable and none
# writes a core file. Real signals on real runs; a run that finished before
# its signal arrived is reported, not counted either way.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

"$VEIL" keygen -o k.txt 2>/dev/null
P=$(sed -n 2p k.txt | cut -d' ' -f4)
export VEIL_AGE_KEY_FILE=$T/k.txt
mkdir -p run && chmod 700 run
export XDG_RUNTIME_DIR=$T/run # where edit and exec-file put plaintext

# Job control on, so a background veil does not start with SIGINT ignored
# (a non-interactive shell ignores it in background jobs, and veil keeps an
# inherited SIG_IGN, as programs should); each job is a process group.
set -m

num() { kill -l "$1"; }

# no_process PATTERN: no process has PATTERN in its command line (pgrep
# leaves itself out; this shell's command line does not hold it).
no_process() {
	! pgrep -f "$1" >/dev/null
}

# alive PID: the process exists and is not a zombie.
alive() {
	local s
	s=$(ps -o stat= -p "$1" 2>/dev/null) && [ -n "$s" ] && [ "${s#Z}" = "$s" ]
}

# stopped_by SIG WHAT: the job in $pid was killed by SIG, or finished first.
# Sets $rc; returns 1 (and says so) when the signal came too late to count.
stopped_by() {
	local sig=$1 what=$2
	if ! alive "$pid"; then
		{ wait "$pid"; } 2>/dev/null
		rc=$?
		echo "note: $what finished (exit $rc) before the signal; not counted"
		return 1
	fi
	kill -s "$sig" "$pid"
	{ wait "$pid"; } 2>/dev/null
	rc=$?
	check "$what: ends by SIG$sig (status $rc)" test "$rc" -eq $((128 + $(num "$sig")))
}

# --- age: blocked reading a FIFO, its temp output already created
for sig in TERM INT HUP QUIT; do
	rm -rf od fifo && mkdir od && mkfifo fifo
	"$VEIL" age -r "$P" -o od/out.age fifo 2>"$T/err" &
	pid=$!
	exec 3>fifo
	printf 'some plaintext' >&3
	sleep 1
	check "age, SIG$sig: a temp output file exists while running" test -n "$(ls -A od)"
	stopped_by "$sig" "age -o, blocked on input"
	exec 3>&-
	check "age, SIG$sig: no output and no temp file left" test -z "$(ls -A od)"
done

# --- document commands in a long CPU-bound step (a large file)
# sized to take seconds; a sanitized build is several times slower already
N=200000
[ "${VEIL_TEST_SANITIZED:-}" = 1 ] && N=40000
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++) printf "key%d: value number %d, some text\n", i, i }' \
	>big.yaml
"$VEIL" encrypt -r "$P" --cipher aes256-gcm big.yaml >big.enc.yaml
awk -v n="$((N / 10))" 'BEGIN { for (i = 0; i < n; i++) {
	printf "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s%d\nstringData:\n", i
	for (k = 0; k < 5; k++) printf "  k%d: value %d %d\n", k, i, k } }' >stream.yaml
"$VEIL" encrypt -r "$P" --cipher chacha20-poly1305 stream.yaml >stream.enc.yaml

# bg_run CMD...: starts CMD in the background (stdout to od/stdout), gives
# it time ($WAIT seconds) to be busy.
bg_run() {
	rm -rf od && mkdir od
	"$@" >od/stdout 2>"$T/err" &
	pid=$!
	sleep "${WAIT:-0.5}"
}

# leftovers DIR: files other than the captured stdout.
leftovers() {
	find "$1" -mindepth 1 ! -name stdout
}

n=0
for sig in TERM INT HUP QUIT; do
	n=$((n + 1))
	bg_run "$VEIL" encrypt -r "$P" --cipher aes256-gcm -o od/out.yaml big.yaml
	if stopped_by "$sig" "encrypt -o"; then
		check "encrypt -o, SIG$sig: no output, no temp file" test -z "$(leftovers od)"
	fi
done

cp big.yaml inplace.yaml
bg_run "$VEIL" encrypt -r "$P" --cipher aes256-gcm -i inplace.yaml
stopped_by TERM "encrypt -i" && check "encrypt -i: the file is as it was" same big.yaml inplace.yaml
check "encrypt -i: no temp file beside it" test -z "$(find . -maxdepth 1 -name '*.veil-tmp')"

bg_run "$VEIL" decrypt -o od/out.yaml big.enc.yaml
stopped_by INT "decrypt -o" && check "decrypt -o: no output, no temp file" test -z "$(leftovers od)"

cp big.enc.yaml inplace.enc.yaml
bg_run "$VEIL" decrypt -i inplace.enc.yaml
stopped_by HUP "decrypt -i" && check "decrypt -i: the file is as it was" same big.enc.yaml inplace.enc.yaml

bg_run "$VEIL" k8s decrypt stream.enc.yaml
stopped_by TERM "k8s decrypt" && check "k8s decrypt: nothing on stdout" test ! -s od/stdout

bg_run "$VEIL" decrypt big.enc.yaml
stopped_by QUIT "decrypt to stdout" && check "decrypt: nothing on stdout" test ! -s od/stdout

cp big.enc.yaml rot.yaml
bg_run "$VEIL" rotate -i rot.yaml
stopped_by TERM "rotate -i" && check "rotate -i: the file is as it was" same big.enc.yaml rot.yaml
check "no temp file anywhere" test -z "$(find . -name '*.veil-tmp')"

# --- scrypt: a passphrase file's work factor (CPU-bound, no I/O to poll)
printf 'pass phrase\n' >pf
printf 'secret' | "$VEIL" age -p --passphrase-file pf -o sealed.age
WAIT=0.05 bg_run "$VEIL" age -d --passphrase-file pf -o od/out sealed.age
stopped_by TERM "age -d in scrypt" && check "scrypt: no output, no temp file" \
	test -z "$(leftovers od)"

# --- edit: the plaintext sits in $XDG_RUNTIME_DIR/veil-*/ while the editor
# runs; every signal leaves nothing there
printf 'db:\n  password: hunter2\n' >p.yaml # veil:allow (test value)
"$VEIL" encrypt -r "$P" --cipher aes256-gcm p.yaml >s.yaml
printf 'DB_PASSWORD: hunter2\n' >pf.yaml # veil:allow (test value); flat, for exec-env
"$VEIL" encrypt -r "$P" --cipher chacha20-poly1305 pf.yaml >f.yaml
cat >ed.sh <<'EOS'
#!/bin/sh
echo "$1" >"$T/ed.path"
# wait until told to go on (or killed)
while [ ! -e "$T/ed.go" ]; do sleep 0.1; done
[ -z "${ED_CHANGE:-}" ] || sed -i "s/hunter2/$ED_CHANGE/" "$1"
EOS
chmod +x ed.sh
export T VEIL_EDITOR=$T/ed.sh

# edit_start: veil edit in the background, once the editor has the file.
edit_start() {
	rm -f ed.path ed.go
	cp s.yaml e.yaml
	"$VEIL" edit e.yaml >/dev/null 2>"$T/err" &
	pid=$!
	for _ in $(seq 200); do [ -s ed.path ] && break; sleep 0.05; done
	check "edit: the editor has the plaintext" grep -q hunter2 "$(cat ed.path)"
}

for sig in TERM HUP QUIT; do
	edit_start
	kill -s "$sig" "$pid"
	{ wait "$pid"; } 2>/dev/null
	rc=$?
	check "edit, SIG$sig to veil: passed to the editor, veil ends by it (status $rc)" \
		test "$rc" -eq $((128 + $(num "$sig")))
	check "edit, SIG$sig: nothing left in the private directory" test -z "$(ls -A run)"
	check "edit, SIG$sig: the file is as it was" same s.yaml e.yaml
done
# Ctrl-C (or Ctrl-\) at the terminal reaches the whole foreground group:
# the editor dies of it, and veil ends by it too, after wiping
for sig in INT QUIT; do
	edit_start
	kill -s "$sig" -- -"$pid"
	{ wait "$pid"; } 2>/dev/null
	rc=$?
	check "edit, SIG$sig to the group: veil ends by it (status $rc)" \
		test "$rc" -eq $((128 + $(num "$sig")))
	check "edit, SIG$sig to the group: nothing left" test -z "$(ls -A run)"
done
# SIGINT to veil alone is the editor's business (an editor's Ctrl-C must
# not end veil): the session goes on and ends normally
edit_start
kill -s INT "$pid"
sleep 0.3
check "edit, SIGINT to veil alone: veil goes on" alive "$pid"
touch ed.go
{ wait "$pid"; } 2>/dev/null
rc=$?
check "edit, SIGINT to veil alone: the session ended normally (status $rc)" test "$rc" -eq 200
check "edit, after SIGINT: nothing left" test -z "$(ls -A run)"
# a signal after the editor has quit, while veil re-encrypts a large file:
# the plaintext copy is still there, the handler wipes it
{ printf 'db:\n  password: hunter2\n'; cat big.yaml; } >pbig.yaml # veil:allow (test value)
"$VEIL" encrypt -r "$P" --cipher aes256-gcm pbig.yaml >sbig.yaml
rm -f ed.path ed.go
cp sbig.yaml e.yaml
ED_CHANGE=swordfish "$VEIL" edit e.yaml >/dev/null 2>"$T/err" &
pid=$!
for _ in $(seq 600); do [ -s ed.path ] && break; sleep 0.05; done
touch ed.go
while [ -e "$(cat ed.path)" ] && pgrep -f "$T/ed.sh" >/dev/null; do sleep 0.02; done
if stopped_by TERM "edit, re-encrypting after the editor"; then
	check "edit, signal while re-encrypting: nothing left" test -z "$(ls -A run)"
	check "edit, signal while re-encrypting: the file is as it was" same sbig.yaml e.yaml
fi
unset VEIL_EDITOR

# --- exec-file / exec-env: the command gets the signal; the FIFO, its
# directory and the writer process holding the plaintext are gone
for mode in exec-file exec-env; do
	rm -f ready
	cmd='touch "$T/ready"; sleep 30'
	[ "$mode" = exec-file ] && cmd='touch "$T/ready"; sleep 30 # {}'
	cp f.yaml "x-$mode.yaml"
	"$VEIL" "$mode" "$T/x-$mode.yaml" "$cmd" >/dev/null 2>"$T/err" &
	pid=$!
	for _ in $(seq 200); do [ -e ready ] && break; sleep 0.05; done
	kill -s TERM "$pid"
	{ wait "$pid"; } 2>/dev/null
	rc=$?
	check "$mode: the command ran" test -e ready
	check "$mode, SIGTERM: veil ends by it (status $rc)" test "$rc" -eq 143
	check "$mode, SIGTERM: nothing left in the private directory" test -z "$(ls -A run)"
	sleep 0.2
	check "$mode, SIGTERM: no process of it is left" no_process "$T/x-$mode.yaml"
done

# --- cores: not dumpable, no core file
# A non-dumpable process's /proc/PID files belong to root: seen by a user
# other than root (as root, veil is run as nobody through setpriv).
AS=()
if [ "$(id -u)" -eq 0 ]; then
	if command -v setpriv >/dev/null; then
		AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	else
		AS=(none)
	fi
fi
if [ "${AS[0]:-}" = none ]; then
	echo "skip (part): running as root without setpriv: cannot see dumpability"
else
	mkfifo dfifo && chmod 666 dfifo && chmod 711 "$T"
	cp k.txt kpub.txt && chmod 644 kpub.txt
	for cmd in "decrypt --input-type yaml" "encrypt -r $P" "k8s decrypt" "age -d"; do
		# read-write: never blocks, and holds the FIFO open so veil waits
		exec 3<>dfifo
		# shellcheck disable=SC2086 # cmd is split on purpose
		"${AS[@]}" env HOME=/nonexistent VEIL_AGE_KEY_FILE="$T/kpub.txt" \
			"$VEIL" $cmd "$T/dfifo" >/dev/null 2>&1 &
		pid=$!
		sleep 0.3
		owner=$(stat -c %u "/proc/$pid/status" 2>/dev/null)
		check "$cmd: the process is not dumpable (/proc/PID owned by uid ${owner:-?})" \
			test "${owner:-x}" = 0
		kill -KILL "$pid" 2>/dev/null # only looked at
		exec 3>&-
		wait "$pid" 2>/dev/null
	done
	"${AS[@]}" sleep 5 &
	pid=$!
	sleep 0.2
	owner=$(stat -c %u "/proc/$pid/status" 2>/dev/null)
	check "control: a dumpable process's /proc/PID is its own (uid $owner)" test "$owner" != 0
	kill "$pid"
	wait "$pid" 2>/dev/null
	# /dev/stdout is /proc/self/fd/1: a non-dumpable process may still open
	# it (through a pipe of its own user: another user's file or pipe would
	# refuse the reopening anyway)
	"${AS[@]}" sh -c '"$1" keygen -o /dev/stdout 2>/dev/null | cat' sh "$VEIL" >"$T/out"
	check "non-dumpable veil still writes to /dev/stdout" grep -q AGE-SECRET-KEY "$T/out"
	chmod 700 "$T"
fi

# Core files: with RLIMIT_CORE unlimited and SIGSEGV, a control process
# leaves a core (core_pattern permitting); veil, holding plaintext, never.
mkdir -p cores && cd cores || exit 1
ulimit -c unlimited 2>/dev/null
sleep 30 &
pid=$!
sleep 0.3 # sleep runs (a signal before the exec would end bash's fork, traps and all)
kill -s SEGV "$pid"
wait "$pid" 2>/dev/null
if [ -z "$(ls -A .)" ]; then
	echo "skip (part): no core file from a control process here" \
		"(core_pattern $(cat /proc/sys/kernel/core_pattern 2>/dev/null)); dumpability above"
else
	rm -f ./*
	cp "$T/s.yaml" "$T/e.yaml"
	for what in edit exec-env decrypt; do
		rm -f "$T/ed.path" "$T/ed.go" "$T/child.pid"
		case $what in
		edit) VEIL_EDITOR=$T/ed.sh "$VEIL" edit "$T/e.yaml" >/dev/null 2>&1 & ;;
		exec-env)
			"$VEIL" exec-env "$T/f.yaml" 'echo $$ >"$T/child.pid"; exec sleep 30' \
				>/dev/null 2>&1 &
			;;
		decrypt) "$VEIL" decrypt "$T/big.enc.yaml" >/dev/null 2>&1 & ;;
		esac
		pid=$!
		sleep 0.5
		kill -s SEGV "$pid"
		{ wait "$pid"; } 2>/dev/null
		rc=$?
		check "$what, SIGSEGV: no core file written (status $rc)" test -z "$(ls -A .)"
		# what a crash leaves behind: the editor (let it end), the
		# command (ours, by its pid), the plaintext copy (removed here)
		touch "$T/ed.go"
		[ -s "$T/child.pid" ] && kill "$(cat "$T/child.pid")" 2>/dev/null
		sleep 0.2
		rm -rf "${XDG_RUNTIME_DIR:?}"/*
	done
fi
cd "$T" || exit 1

finish
