#!/usr/bin/env bash
# Builds the release veil as a static PIE (CMake option VEIL_STATIC_EXE): one
# file that runs on any x86-64 Linux, a clean Debian 12 or a FROM-scratch
# container, with no shared library. Then install it as usual:
#   scripts/build-static.sh [BUILD_DIR]          (default: build-static)
#   cmake --install build-static --prefix /usr/local --strip
# Needs the build packages of scripts/install-deps.sh (their .a archives:
# libsodium, libyaml, libcrypto). libgit2, libcurl and cJSON are not linked:
# the git filters and --key-from-secret dlopen them where they are installed.
# The last lines printed are what the binary links (ldd) and its size.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-build-static}

# Tests, fuzz replays and benchmarks are not part of a release build; the
# default target still generates the completions with the built veil.
cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DVEIL_STATIC_EXE=ON \
	-DBUILD_TESTING=OFF -DVEIL_BUILD_FUZZERS=OFF -DVEIL_BUILD_BENCHMARKS=OFF >"$dir.cmake.log" ||
	{ cat "$dir.cmake.log" >&2; exit 1; }
rm -f "$dir.cmake.log"
cmake --build "$dir" -j"${JOBS:-2}"

"$dir/veil" --version
echo "ldd $dir/veil:"
ldd "$dir/veil" 2>&1 | sed 's/^/  /' || true
strip -o "$dir/veil.stripped" "$dir/veil"
echo "size: $(stat -c %s "$dir/veil") bytes, $(stat -c %s "$dir/veil.stripped") stripped"
rm -f "$dir/veil.stripped"
