#!/usr/bin/env bash
# Fuzz smoke pass (run by scripts/test.sh after the test suites): builds the
# libFuzzer targets with clang + ASan + UBSan and runs each for a short while
# on a scratch copy of its seed corpus, failing on any crash, leak, timeout or
# sanitizer report. Without a working clang/libFuzzer it says why and replays
# the seed corpora with the gcc build instead.
#
#   VEIL_FUZZ_SECONDS  seconds per target at most (default 20)
#   VEIL_FUZZ_RUNS     inputs per target (default 3000) and VEIL_FUZZ_SEED
#                      (default 1): with a fixed seed and count the pass is
#                      the same on every CI run, so it checks the code rather
#                      than luck; exploration is the long runs in fuzz/README.md
#   VEIL_FUZZ_TARGETS  space-separated subset (default: every fuzz/fuzz_*.c)
#   VEIL_FUZZ_MAX_LEN  largest input libFuzzer makes (default 8192: the two
#                      64 KiB STREAM seeds are cut down, which keeps a short
#                      run at thousands of executions a second; the seeds
#                      still replay whole in the ctest replay tests)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${VEIL_FUZZ_SECONDS:-20}"
runs="${VEIL_FUZZ_RUNS:-3000}"
seed="${VEIL_FUZZ_SEED:-1}"
max_len="${VEIL_FUZZ_MAX_LEN:-8192}"
targets="${VEIL_FUZZ_TARGETS:-}"
if [ -z "$targets" ]; then
	for f in fuzz/fuzz_*.c; do
		[ -e "$f" ] || continue
		targets="$targets $(basename "$f" .c)"
	done
fi
if [ -z "$targets" ]; then
	echo "fuzz-smoke: no fuzz targets"
	exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/veil-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# Does clang build and link a libFuzzer program here? (clang and
# libclang-rt-dev come from scripts/install-deps.sh --test.)
why=""
if ! command -v clang >/dev/null 2>&1; then
	why="clang not found"
else
	printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' \
		>"$work/probe.c"
	if ! clang -fsanitize=fuzzer,address,undefined -o "$work/probe" "$work/probe.c" \
		>"$work/probe.log" 2>&1; then
		why="clang cannot link -fsanitize=fuzzer ($(head -n 1 "$work/probe.log"))"
	fi
fi

if [ -n "$why" ]; then
	echo "fuzz-smoke: $why; replaying the seed corpora with the gcc build instead"
	bdir=build-asan
	[ -d "$bdir/fuzz" ] || bdir=build
	if [ ! -d "$bdir/fuzz" ]; then
		cmake -S . -B build -DBUILD_TESTING=OFF >/dev/null
		bdir=build
	fi
	# shellcheck disable=SC2086
	cmake --build "$bdir" -j2 --target $targets
	for t in $targets; do
		[ -d "fuzz/corpus/$t" ] || { echo "fuzz-smoke: $t has no corpus"; continue; }
		"$bdir/fuzz/$t" "fuzz/corpus/$t"
	done
	exit 0
fi

echo "fuzz-smoke: building libFuzzer targets (clang, ASan+UBSan) in build-fuzz"
CC=clang cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DVEIL_FUZZ=ON -DVEIL_SANITIZE=ON \
	-DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
# Only the targets: the CLI is not linked against the fuzzer runtime.
# shellcheck disable=SC2086
if ! cmake --build build-fuzz -j2 --target $targets >"$work/build.log" 2>&1; then
	tail -n 40 "$work/build.log"
	echo "fuzz-smoke: building the fuzz targets failed"
	exit 1
fi

failed=""
for t in $targets; do
	mkdir -p "$work/$t/corpus" "$work/$t/crash"
	[ -d "fuzz/corpus/$t" ] && cp -R "fuzz/corpus/$t/." "$work/$t/corpus/"
	echo "fuzz-smoke: $t, $runs inputs from seed $seed (at most ${seconds}s)"
	if build-fuzz/fuzz/"$t" -seed="$seed" -runs="$runs" -max_total_time="$seconds" \
		-max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$work/$t/crash/" \
		"$work/$t/corpus" >"$work/$t/log" 2>&1; then
		grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb)' \
			"$work/$t/log" || true
	else
		echo "fuzz-smoke: $t FAILED; last lines of its log:"
		tail -n 60 "$work/$t/log"
		# Keep the reproducer outside the source tree (build-* is ignored).
		mkdir -p build-fuzz/crashes
		for a in "$work/$t/crash"/*; do
			[ -e "$a" ] || continue
			cp "$a" "build-fuzz/crashes/$t-$(basename "$a")"
			echo "fuzz-smoke: reproducer build-fuzz/crashes/$t-$(basename "$a"):"
			od -A d -c "$a" | head -n 40
			echo "fuzz-smoke: rerun with: build-fuzz/fuzz/$t build-fuzz/crashes/$t-$(basename "$a")"
		done
		failed="$failed $t"
	fi
done

if [ -n "$failed" ]; then
	echo "fuzz-smoke: FAILED:$failed"
	exit 1
fi
echo "fuzz-smoke: all targets ran without a finding"
