#!/usr/bin/env bash
# age vs veil age throughput, same machine, same run, same input.
#
#   bench/age-throughput.sh [VEIL_BINARY]        (default: build/veil)
#
# Makes a random file (VEIL_BENCH_MB MiB, default 1024) in $TMPDIR, then for
# each case runs age and veil alternately (VEIL_BENCH_RUNS times each,
# default 3) under GNU time and prints the median wall time, MB/s, the peak
# RSS over the runs and the veil/age throughput ratio. Both tools decrypt the
# same file, the one age made. veil makes a file output durable (fsync before
# rename) and age does not, so the file cases also time age followed by an
# fsync of its output. Everything it creates is deleted at the end.
#
# Until `veil age` exists, the STREAM payload alone is measured with
# build/bench/stream-bench (no header; its own ciphertext) and the output
# says so. The machine's load skews everything: check `uptime` first.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
veil=${1:-$here/build/veil}
stream_bench=${STREAM_BENCH:-$here/build/bench/stream-bench}
mb=${VEIL_BENCH_MB:-1024}
runs=${VEIL_BENCH_RUNS:-3}
gnu_time=/usr/bin/time

for tool in age age-keygen "$gnu_time"; do
	command -v "$tool" >/dev/null || { echo "bench: '$tool' is needed (apt-get install age time)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/veil-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

pt=$work/plain
echo "making $mb MiB of random data in $work ..."
head -c $((mb * 1048576)) /dev/urandom >"$pt"
bytes=$((mb * 1048576))

age-keygen -o "$work/key.txt" 2>/dev/null
recipient=$(age-keygen -y "$work/key.txt")
age -e -r "$recipient" -o "$work/ct.age" "$pt"

# Does `veil age` work yet? Probe with a small file age must be able to open.
mode=veil
printf 'probe' >"$work/probe"
if ! "$veil" age -e -r "$recipient" -o "$work/probe.age" "$work/probe" 2>/dev/null ||
	[ "$(age -d -i "$work/key.txt" "$work/probe.age" 2>/dev/null)" != probe ]; then
	[ -x "$stream_bench" ] || { echo "bench: no 'veil age' and no $stream_bench" >&2; exit 1; }
	mode=stream
	echo "note: '$veil age' is not available; measuring the STREAM payload alone with $stream_bench"
	"$stream_bench" -e "$pt" "$work/ct.stream"
fi

# run_case NAME OUT -- the veil command and the age command are built per case.
veil_cmd() { # $1 = e|d, $2 = output
	if [ "$mode" = veil ]; then
		if [ "$1" = e ]; then
			echo "$veil" age -e -r "$recipient" -o "$2" "$pt"
		else
			echo "$veil" age -d -i "$work/key.txt" -o "$2" "$work/ct.age"
		fi
	elif [ "$1" = e ]; then
		echo "$stream_bench" -e "$pt" "$2"
	else
		echo "$stream_bench" -d "$work/ct.stream" "$2"
	fi
}
age_cmd() {
	if [ "$1" = e ]; then
		echo age -e -r "$recipient" -o "$2" "$pt"
	else
		echo age -d -i "$work/key.txt" -o "$2" "$work/ct.age"
	fi
}

# timed OUTFILE CMD... : appends "seconds maxrss_kb" to OUTFILE.
timed() {
	local into=$1
	shift
	sync
	"$gnu_time" -f '%e %M' -o "$into.one" "$@" >/dev/null
	cat "$into.one" >>"$into"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
maxcol2() { awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }'; }
rate() { awk -v b="$bytes" -v s="$1" 'BEGIN { printf "%.0f", (s > 0 ? b / 1e6 / s : 0) }'; }

printf '\n%-22s %9s %8s %8s   %9s %8s %8s   %6s\n' case "age s" "MB/s" "RSS MB" "veil s" "MB/s" \
	"RSS MB" "ratio"
notes=""
for op in e d; do
	for dest in null file; do
		a=$work/age.$op.$dest
		v=$work/veil.$op.$dest
		s=$work/agesync.$op.$dest
		: >"$a"
		: >"$v"
		: >"$s"
		for _ in $(seq "$runs"); do
			out=/dev/null
			[ "$dest" = file ] && out=$work/out && rm -f "$out"
			# shellcheck disable=SC2046 # the commands are word lists on purpose
			timed "$a" $(age_cmd "$op" "$out")
			if [ "$dest" = file ]; then
				# veil makes its output durable (temp file, fsync, rename);
				# age does not, so also time age followed by an fsync.
				rm -f "$out"
				# shellcheck disable=SC2046
				timed "$s" sh -c "$(age_cmd "$op" "$out") && sync '$out'"
				rm -f "$out"
			fi
			# shellcheck disable=SC2046
			timed "$v" $(veil_cmd "$op" "$out")
		done
		if [ "$dest" = file ] && [ "$op" = d ]; then
			cmp -s "$work/out" "$pt" || { echo "bench: veil decrypted output differs!" >&2; exit 1; }
		fi
		rm -f "$work/out"
		as=$(median <"$a")
		vs=$(median <"$v")
		ar=$(rate "$as")
		vr=$(rate "$vs")
		name="$([ "$op" = e ] && echo encrypt || echo decrypt) -> $([ "$dest" = null ] && echo /dev/null || echo file)"
		printf '%-22s %9s %8s %8.1f   %9s %8s %8.1f   %5.2fx\n' "$name" "$as" "$ar" \
			"$(maxcol2 <"$a" | awk '{ print $1 / 1024 }')" "$vs" "$vr" \
			"$(maxcol2 <"$v" | awk '{ print $1 / 1024 }')" \
			"$(awk -v a="$ar" -v v="$vr" 'BEGIN { print (a > 0 ? v / a : 0) }')"
		if [ "$dest" = file ]; then
			ss=$(median <"$s")
			sr=$(rate "$ss")
			notes="$notes$(printf '%-22s age + fsync: %s s, %s MB/s; veil/that %.2fx' "$name" \
				"$ss" "$sr" "$(awk -v a="$sr" -v v="$vr" 'BEGIN { print (a > 0 ? v / a : 0) }')")
"
		fi
	done
done
printf '\n%s' "$notes"
echo "($mb MiB, median of $runs runs, peak RSS over the runs; mode: $mode; load: $(cut -d' ' -f1-3 /proc/loadavg))"
