# The Go sops 3.9.2 oracle for the interop scripts (sourced after
# ../cli/common.bash; the .bash suffix keeps it out of ctest's glob). Skips
# with the reason when node or the peer is missing, prints the peer's
# version, starts one shared bootstrap (go-sops serve) that every `gosops`
# call of the script reuses, and stops it at exit. IDIR: the directory of the
# sourcing script, taken before common.bash changed into $T.
#   gosops decrypt [--input-type T] --key KEYFILE FILE    see gosops/README.md
SRC=${VEIL_SOURCE_DIR:-$(cd "$IDIR/../.." && pwd)}
HERE=$SRC/tests/interop
GOSOPS=$HERE/gosops/go-sops
if ! command -v node >/dev/null; then
	echo "skip: node is not installed (scripts/install-deps.sh --test installs it)"
	exit 77
fi
if ! command -v openssl >/dev/null; then
	echo "skip: openssl is not installed (scripts/install-deps.sh --test installs it)"
	exit 77
fi
if ! GOSOPS_VERSION=$("$GOSOPS" version 2>&1); then
	echo "skip: ${GOSOPS_VERSION#go-sops: }"
	exit 77
fi
echo "peer: $GOSOPS_VERSION, node $(node --version)"
"$GOSOPS" serve "$T/go-sops.sock" 2>"$T/go-sops.log" &
GOSOPS_PID=$!
trap 'kill "$GOSOPS_PID" 2>/dev/null; wait "$GOSOPS_PID" 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 100); do
	[ -S "$T/go-sops.sock" ] && break
	sleep 0.1
done
if [ ! -S "$T/go-sops.sock" ]; then
	echo "note: go-sops serve did not start ($(head -3 "$T/go-sops.log")); every call starts its own bootstrap"
fi
export GO_SOPS_SOCKET=$T/go-sops.sock
gosops() {
	"$GOSOPS" "$@"
}

# go_same ID FILE TYPE KEY: Go sops opens FILE with the identities in KEY,
# MAC verified, to the tree veil gives.
go_same() {
	local id=$1 f=$2 type=$3 key=$4
	gosops decrypt --input-type "$type" --key "$key" "$f" >go.out 2>"$T/goerr"
	if [ $? -ne 0 ]; then
		fail "$id: Go sops refused it: $(head -2 "$T/goerr" | tr '\n' ' ')"
		return
	fi
	if [ "$type" = binary ]; then
		VEIL_AGE_KEY_FILE=$key SOPS_AGE_KEY_FILE=$key "$VEIL" decrypt --input-type binary "$f" >veil.out
	elif [ "$type" = dotenv ]; then
		VEIL_AGE_KEY_FILE=$key SOPS_AGE_KEY_FILE=$key "$VEIL" decrypt --input-type dotenv --output-type json "$f" |
			gosops canon --dotenv >veil.out
	else
		VEIL_AGE_KEY_FILE=$key SOPS_AGE_KEY_FILE=$key "$VEIL" decrypt --input-type "$type" --output-type json "$f" |
			gosops canon >veil.out
	fi
	if cmp -s go.out veil.out; then
		ok "$id"
	else
		fail "$id: trees differ (< Go sops, > veil): $(diff go.out veil.out | head -6 | tr '\n' ' ')"
	fi
}
