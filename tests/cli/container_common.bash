# Shared by tests/cli/container*.sh (sourced after common.bash): the static
# veil the images are made from, and podman set up to run them here. Skips
# (exit 77) with the reason when either is missing.
STATIC_VEIL=${VEIL_STATIC_VEIL:-${VEIL_BUILD_DIR:-$(dirname "$VEIL")}/static/veil}
if [ ! -x "$STATIC_VEIL" ]; then
	echo "skip: no static veil at $STATIC_VEIL (scripts/build-static.sh; ctest's static_build makes it)"
	exit 77
fi
if ! command -v podman >/dev/null; then
	echo "skip: podman is not installed (Debian: podman runc)"
	exit 77
fi
if [ "$(id -u)" -ne 0 ]; then
	# Rootless podman needs subuid ranges and maps uid 999 elsewhere, which
	# the key files' group ownership below relies on; not tried.
	echo "skip: the container tests run podman as root (this is uid $(id -u))"
	exit 77
fi
# A storage of its own under $T (removed with it): the tests leave no image
# behind and never touch the machine's. cgroupfs and no default ulimits:
# what podman 4.3 needs to run in a container without systemd.
cat >"$T/containers.conf" <<'X'
[containers]
default_ulimits = []
[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
X
export CONTAINERS_CONF=$T/containers.conf
pm() {
	podman --root "$T/storage" --runroot "$T/runroot" "$@"
}
export VEIL_CONTAINER_TOOL="podman --root $T/storage --runroot $T/runroot"
trap 'pm rm -af >/dev/null 2>&1; rm -rf "$T"' EXIT

# build_image KIND [build-image.sh options]: IMAGE is the tag; skips when
# podman cannot build or run here.
build_image() {
	local kind=$1
	shift
	IMAGE=localhost/veil-$kind-test:latest
	if ! "$SRC/deploy/build-image.sh" "$kind" --veil "$STATIC_VEIL" -t "$IMAGE" "$@" >"$T/build.out" 2>&1; then
		cat "$T/build.out"
		fail "deploy/build-image.sh $kind"
		finish
	fi
	ok "deploy/build-image.sh $kind: $(cat "$T/build.out")"
	if ! pm run --rm --network none --entrypoint /usr/local/bin/veil "$IMAGE" --version \
		</dev/null >"$T/out" 2>"$T/err"; then
		echo "skip: podman cannot run a container here:"
		sed 's/^/  /' "$T/err" | head -5
		exit 77
	fi
}

# image_files: the image's files as "MODE OWNER PATH[ -> TARGET]", sorted.
image_files() {
	local id
	id=$(pm create "$IMAGE") || return 1
	pm export "$id" | tar -tvf - | awk '{ name = $6
		for (i = 7; i <= NF; i++) name = name " " $i
		print $1, $2, name }' | sort -k3
	pm rm "$id" >/dev/null
}

# podman_failed WHAT: the last run failed in veil or the plugin script, not in
# podman (125 podman, 126 not executable, 127 not found), with nothing on
# stdout.
podman_failed() {
	if [ "$rc" -ne 0 ] && { [ "$rc" -lt 125 ] || [ "$rc" -gt 127 ]; }; then
		ok "$1 (exit $rc)"
	else
		fail "$1: exit $rc, want a failure of veil"
	fi
	check "$1: nothing on stdout" test ! -s "$T/out"
}
