# The sops-age peer for the interop scripts (sourced after ../cli/common.bash;
# the .bash suffix keeps it out of ctest's glob): skips with the reason when
# node or the npm package is missing, prints the peer's version, and defines
# sopsage, our command line over the package (sops-age-cli.mjs). IDIR: the
# directory of the sourcing script, taken before common.bash changed into $T.
SRC=${VEIL_SOURCE_DIR:-$(cd "$IDIR/../.." && pwd)}
HERE=$SRC/tests/interop
PKG=$HERE/node_modules/sops-age/package.json
if ! command -v node >/dev/null; then
	echo "skip: node is not installed (scripts/install-deps.sh --test installs it)"
	exit 77
fi
if [ ! -f "$PKG" ]; then
	echo "skip: sops-age is not installed in $HERE/node_modules (run scripts/install-deps.sh --test)"
	exit 77
fi
echo "peer: sops-age $(sed -n 's/^ *"version": "\(.*\)",$/\1/p' "$PKG"), node $(node --version)"
sopsage() {
	node "$HERE/sops-age-cli.mjs" "$@"
}
