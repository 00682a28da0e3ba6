# Helm 3 and Helm 4 with a secrets:// downloader, for the interop scripts
# (sourced after ../cli/common.bash; the .bash suffix keeps it out of ctest's
# glob). IDIR: the directory of the sourcing script.
#
#   HELM_BINS      the installed helms (helm 3.17.2 and 4.1.4 from the
#                  kubectl Lambda layers, see install-peers); skips when none
#   helm_sops_dir MODE   a directory holding the `sops` the downloader runs:
#                  dropin   a real `sops -> veil` symlink (veil's sops mode)
#                  gosops   real Go sops 3.9.2 (gosops/, decrypt only)
#                  Default: VEIL_HELM_SOPS, else dropin.
#   helm_secrets HELM SOPSDIR ARGS...   runs HELM ARGS with our plugin
#                  (helm-plugin/: secrets:// decrypted as helm-secrets 4.x
#                  does) and SOPSDIR first on PATH, in homes of its own;
#                  each sops command line is appended to $T/sops.log
SRC=${VEIL_SOURCE_DIR:-$(cd "$IDIR/../.." && pwd)}
HERE=$SRC/tests/interop
HELM_PLUGIN=$HERE/helm-plugin
helm_peers_dirs() {
	[ -n "${VEIL_PEERS_DIR:-}" ] && echo "$VEIL_PEERS_DIR"
	echo "$HERE/peers"
	[ -e "$HERE/node_modules" ] && echo "$(readlink -f "$HERE/node_modules")/../peers"
}
HELM_BINS=()
for v in 3.17.2 4.1.4; do
	while read -r d; do
		if [ -x "$d/helm-$v/helm" ]; then
			HELM_BINS+=("$d/helm-$v/helm")
			break
		fi
	done < <(helm_peers_dirs)
done
if [ "${#HELM_BINS[@]}" -eq 0 ]; then
	echo "skip: helm 3.17.2 and 4.1.4 are not installed in tests/interop/peers (run scripts/install-deps.sh --test)"
	exit 77
fi
for h in "${HELM_BINS[@]}"; do
	echo "peer: helm $("$h" version --template '{{.Version}}' 2>/dev/null) ($h)"
done

helm_sops_dir() {
	local mode=${1:-${VEIL_HELM_SOPS:-dropin}} d
	case $mode in
	gosops) echo "$HELM_PLUGIN/sops-gosops" ;;
	dropin)
		d=$T/sops-dropin
		mkdir -p "$d" && ln -sf "$VEIL" "$d/sops" && echo "$d"
		;;
	*)
		echo "helm_sops_dir: unknown mode $mode" >&2
		return 2
		;;
	esac
}

helm_secrets() {
	local helm=$1 sopsdir=$2 home
	shift 2
	home=$T/helm-home
	mkdir -p "$home/plugins"
	ln -sfn "$HELM_PLUGIN" "$home/plugins/veil-test-secrets"
	HELM_PLUGINS=$home/plugins HELM_CONFIG_HOME=$home/config HELM_CACHE_HOME=$home/cache \
		HELM_DATA_HOME=$home/data VEIL_HELM_SOPS_LOG=$T/sops.log VEIL=$VEIL \
		PATH=$sopsdir:$PATH "$helm" "$@"
}
