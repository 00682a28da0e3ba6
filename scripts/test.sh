#!/usr/bin/env bash
# The whole test suite: installs what the tests need (peers included), builds
# warning-free, runs every test with ctest, then builds again with
# ASan+UBSan and runs the suite a second time, then a fuzz smoke pass.
# The last line says what passed, how long it took, and what did not run
# (skipped tests, with the reason when ../shared is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

export VEIL_SHARED_DIR="${VEIL_SHARED_DIR:-$(cd .. && pwd)/shared}"
start=$(date +%s)
status="FAILED"
logs=$(mktemp -d "${TMPDIR:-/tmp}/veil-test-logs.XXXXXX")

# The names of the tests ctest did not run (skipped: exit 77), from its log.
skipped_in() {
	[ -f "$1" ] || return 0
	sed -n '/tests did not run:/,/^$/p' "$1" | sed -n 's/^[[:space:]]*[0-9]* - \([^ ]*\) (Skipped).*/\1/p'
}

summary() {
	local secs=$(($(date +%s) - start)) skipped
	skipped=$( { skipped_in "$logs/ctest.log"; skipped_in "$logs/ctest-asan.log"; } | sort -u |
		tr '\n' ' ')
	echo
	echo "== summary: $status after $((secs / 60)) min $((secs % 60)) s" \
		"(format, build, ctest, ASan+UBSan build and ctest, fuzz smoke)"
	if [ -n "$skipped" ]; then
		echo "== skipped (not run, so not tested): $skipped(their output says why)"
	else
		echo "== skipped: none"
	fi
	if [ ! -d "$VEIL_SHARED_DIR" ]; then
		echo "== NOT TESTED: $VEIL_SHARED_DIR is missing: the age CCTV vectors and the real" \
			"sops files (vectors, gosops, sops_age, parts of k8s_decrypt) were skipped;" \
			"set VEIL_SHARED_DIR to the shared/ folder"
	fi
	rm -rf "$logs"
}
trap summary EXIT

./scripts/install-deps.sh --test

jobs=$(nproc 2>/dev/null || echo 2)
[ -d "$VEIL_SHARED_DIR" ] || echo "note: $VEIL_SHARED_DIR not found; fixture tests will be skipped"

echo "== format (clang-format --dry-run -Werror, the tree's .clang-format)"
git ls-files -- '*.c' '*.h' | xargs clang-format --dry-run -Werror

echo "== build (warnings are errors) and test"
cmake -S . -B build -DVEIL_WERROR=ON -DVEIL_SHARED_DIR="$VEIL_SHARED_DIR" >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs") | tee "$logs/ctest.log"

echo "== build with ASan+UBSan and test again"
cmake -S . -B build-asan -DVEIL_WERROR=ON -DVEIL_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
	-DVEIL_SHARED_DIR="$VEIL_SHARED_DIR" >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	VEIL_TEST_SANITIZED=1 ctest --output-on-failure -j"$jobs") | tee "$logs/ctest-asan.log"

if [ -x scripts/fuzz-smoke.sh ]; then
	echo "== fuzz smoke pass"
	./scripts/fuzz-smoke.sh
fi
status="passed"
