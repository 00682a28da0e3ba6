#!/usr/bin/env bash
# The whole test suite: installs what the tests need (peers included), builds
# warning-free, runs every test with ctest, then builds again with
# ASan+UBSan and runs the suite a second time, then a fuzz smoke pass.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh --test

jobs=$(nproc 2>/dev/null || echo 2)
export VEIL_SHARED_DIR="${VEIL_SHARED_DIR:-$(cd .. && pwd)/shared}"
[ -d "$VEIL_SHARED_DIR" ] || echo "note: $VEIL_SHARED_DIR not found; fixture tests will be skipped"

echo "== format (clang-format --dry-run -Werror, the tree's .clang-format)"
git ls-files -- '*.c' '*.h' | xargs clang-format --dry-run -Werror

echo "== build (warnings are errors) and test"
cmake -S . -B build -DVEIL_WERROR=ON -DVEIL_SHARED_DIR="$VEIL_SHARED_DIR" >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")

echo "== build with ASan+UBSan and test again"
cmake -S . -B build-asan -DVEIL_WERROR=ON -DVEIL_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
	-DVEIL_SHARED_DIR="$VEIL_SHARED_DIR" >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	VEIL_TEST_SANITIZED=1 ctest --output-on-failure -j"$jobs")

if [ -x scripts/fuzz-smoke.sh ]; then
	echo "== fuzz smoke pass"
	./scripts/fuzz-smoke.sh
fi
