#!/usr/bin/env bash
# cmake --install: into a temporary prefix, exactly the expected files with
# the expected modes and contents (the built veil, the configured man pages,
# completions that match what the installed veil prints, the git hook);
# DESTDIR honoured; the sops component (a link named sops, its man page and
# completions). Then the installed tree from a fresh shell (env -i, no rc
# files): veil --version, sops --version through the link, `man` finding
# the pages on MANPATH and rendering them without a warning, each shell
# loading its completion from where the tree put it; and what the binary
# links (ldd): only libc when the static archives were found, nothing for
# the static build (scripts/build-static.sh, run by the static_install test).
SRC=${VEIL_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

BUILD=${VEIL_BUILD_DIR:-$(dirname "$VEIL")}
if [ ! -f "$BUILD/cmake_install.cmake" ]; then
	echo "skip: $BUILD is not a CMake build directory (set VEIL_BUILD_DIR)"
	exit 77
fi
if [ ! -f "$BUILD/completions/veil.fish" ]; then
	echo "skip: the completions are not generated in $BUILD (build the default target)"
	exit 77
fi

P=$T/prefix
run cmake --install "$BUILD" --prefix "$P"
expect_rc 0 "cmake --install --prefix"

# every installed path, its type and mode
tree() {
	(cd "$1" && find . -mindepth 1 \( -type f -printf 'f %m %p\n' \) -o \
		\( -type l -printf 'l %p -> %l\n' \) | sort)
}
tree "$P" >got.txt
cat >want.txt <<'X'
f 644 ./share/bash-completion/completions/veil
f 644 ./share/doc/veil/README.md
f 644 ./share/fish/vendor_completions.d/veil.fish
f 644 ./share/man/man1/veil-sops.1
f 644 ./share/man/man1/veil.1
f 644 ./share/veil/git-hooks/.pre-commit-hooks.yaml
f 644 ./share/veil/git-hooks/README.md
f 644 ./share/zsh/site-functions/_veil
f 755 ./bin/veil
f 755 ./share/veil/git-hooks/pre-commit
l ./bin/veil-krm -> veil
X
sort -o want.txt want.txt
check "exactly the expected files, modes and links are installed" cmp -s want.txt got.txt ||
	diff want.txt got.txt | head -20

# contents
check "bin/veil is the built veil" cmp -s "$VEIL" "$P/bin/veil"
check "the pre-commit hook is git-hooks/pre-commit" cmp -s "$SRC/git-hooks/pre-commit" \
	"$P/share/veil/git-hooks/pre-commit"
version=$("$P/bin/veil" --version | awk '{ print $2 }')
check "veil.1 names this version ($version)" grep -q "^\.TH VEIL 1 .*\"veil $version\"" "$P/share/man/man1/veil.1"
check "veil-sops.1 names this version" grep -q "\"veil $version\"" "$P/share/man/man1/veil-sops.1"
check "no @VARIABLE@ is left in the man pages" sh -c "! grep -q '@[A-Z_]*@' '$P'/share/man/man1/*.1"
for s in bash:share/bash-completion/completions/veil zsh:share/zsh/site-functions/_veil \
	fish:share/fish/vendor_completions.d/veil.fish; do
	"$P/bin/veil" completion "${s%%:*}" >expect.txt
	check "the ${s%%:*} completion is what the installed veil prints" cmp -s expect.txt "$P/${s#*:}"
done

# --- DESTDIR: everything under it, at the prefix's place
run env DESTDIR="$T/stage" cmake --install "$BUILD" --prefix /opt/veil
expect_rc 0 "DESTDIR=... cmake --install --prefix /opt/veil"
tree "$T/stage/opt/veil" >staged.txt
check "DESTDIR: the same tree under DESTDIR/opt/veil" cmp -s want.txt staged.txt
check "DESTDIR: nothing outside DESTDIR/opt/veil" test "$(ls "$T/stage")" = opt -a "$(ls "$T/stage/opt")" = veil

# --- the sops component
run cmake --install "$BUILD" --prefix "$T/sops" --component sops
expect_rc 0 "cmake --install --component sops"
tree "$T/sops" >got-sops.txt
cat >want-sops.txt <<'X'
f 644 ./share/bash-completion/completions/sops
f 644 ./share/zsh/site-functions/_sops
l ./bin/sops -> veil
l ./share/man/man1/sops.1 -> veil-sops.1
X
check "the sops component: the link, its man page and completions" cmp -s want-sops.txt got-sops.txt ||
	diff want-sops.txt got-sops.txt
cmake --install "$BUILD" --prefix "$P" --component sops >/dev/null

# --- the installed tree from a fresh shell: no environment but PATH
fresh() {
	env -i PATH="$P/bin:/usr/bin:/bin" HOME="$T/fresh" LC_ALL=C "$@"
}
mkdir -p "$T/fresh"
run fresh bash --noprofile --norc -c 'veil --version'
check "fresh shell: veil --version" grep -q "^veil $version " "$T/out"
run fresh bash --noprofile --norc -c 'sops --version'
check "fresh shell: sops --version through the link" grep -q "^sops 3\.[0-9.]* (veil $version)" "$T/out"
run fresh bash --noprofile --norc -c 'veil-krm --help'
check "fresh shell: veil-krm is veil k8s krm" grep -q "veil k8s krm" "$T/out"
if command -v man >/dev/null; then
	for page in veil veil-sops sops; do
		run fresh env MANPATH="$P/share/man" MANWIDTH=80 man --warnings "$page"
		check "fresh shell: man $page finds the page on MANPATH, no warning" \
			test "$rc" -eq 0 -a -s "$T/out" -a ! -s "$T/err"
	done
	run fresh man --warnings -l "$P/share/man/man1/veil.1"
	check "fresh shell: man -l veil.1" test "$rc" -eq 0 -a -s "$T/out" -a ! -s "$T/err"
else
	echo "note: man is not installed: the pages are not rendered"
fi
run fresh bash --noprofile --norc -c "set -u; source '$P/share/bash-completion/completions/veil' &&
	source '$P/share/bash-completion/completions/sops' && complete -p veil && complete -p sops"
check "fresh bash: both completions load (set -u), no error" test "$rc" -eq 0 -a ! -s "$T/err"
if command -v zsh >/dev/null; then
	run fresh zsh -f -c "fpath=('$P/share/zsh/site-functions' \$fpath)
		autoload -Uz compinit && compinit -u -d '$T/fresh/.zcd'
		[[ \$_comps[veil] == _veil && \$_comps[sops] == _sops ]]"
	check "fresh zsh: compinit finds _veil and _sops on fpath, no error" \
		test "$rc" -eq 0 -a ! -s "$T/err"
else
	echo "note: zsh is not installed"
fi
if command -v fish >/dev/null; then
	run fresh env XDG_DATA_DIRS="$P/share:/usr/share" fish -c 'complete -C "veil k8s "'
	check "fresh fish: veil.fish found through XDG_DATA_DIRS, no error" \
		sh -c "grep -q '^krm' '$T/out' && test ! -s '$T/err'"
else
	echo "note: fish is not installed"
fi

# --- what the binary links
if command -v ldd >/dev/null; then
	ldd "$P/bin/veil" >ldd.txt 2>&1
	sed 's/^/     ldd: /' ldd.txt
	others=$(grep -vE '^\s*(linux-vdso\.so|libc\.so\.6|/lib64/ld-linux)' ldd.txt || true)
	if grep -qE 'statically linked|not a dynamic executable' ldd.txt; then
		# scripts/build-static.sh (VEIL_STATIC_EXE): no loader, no libc.so
		check "ldd: a static executable (no shared library at all)" sh -c "! grep -q '=>' ldd.txt"
		if command -v readelf >/dev/null; then
			check "readelf: no program interpreter, no NEEDED library" \
				sh -c "! readelf -ld '$P/bin/veil' | grep -qE 'INTERP|NEEDED'"
		fi
	elif [ "${VEIL_STATIC_FOUND:-}" = ON ]; then
		check "ldd: only libc (libsodium, libyaml, libcrypto linked statically)" test -z "$others"
	else
		echo "note: this build did not link the static archives (VEIL_STATIC_FOUND=${VEIL_STATIC_FOUND:-?}):" \
			"not checking that only libc is linked"
	fi
	check "ldd: libgit2, libcurl and cJSON are not linked (dlopen'ed on use)" \
		sh -c "! grep -qE 'libgit2|libcurl|libcjson' ldd.txt"
fi
finish
