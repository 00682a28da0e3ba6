#!/usr/bin/env bash
# Builds veil's container images FROM scratch, from the static veil of
# scripts/build-static.sh: no base image, no package manager, no registry.
#
#   deploy/build-image.sh cmp [options]   the Argo CD CMP sidecar (deploy/argocd/Dockerfile)
#   deploy/build-image.sh krm [options]   the kustomize KRM function (deploy/kustomize-plugin/Dockerfile)
#
#   -t TAG            image name (default localhost/veil-cmp:VERSION, localhost/veil-krm:VERSION)
#   --veil PATH       the static veil (default build-static/veil; refused if it needs a loader)
#   --kustomize PATH  cmp only: a statically linked kustomize to add, for apps with a
#                     kustomization.yaml (check its sha256 against the release's checksums.txt)
#   --kube-api        cmp only: also what --key-from-secret loads (libcurl4, libcjson1 and the
#                     libraries they link, from this machine, with the loader and libc); --veil
#                     is then the default build (dynamic, links only libc), e.g. build/veil
#   --stage DIR       only stage the build context into DIR (rootfs/ and Dockerfile), build nothing
#   --list            print the image's files (path, mode, owner) after the build
# The container tool is $VEIL_CONTAINER_TOOL (default podman, else docker), split on spaces,
# e.g. VEIL_CONTAINER_TOOL="podman --runtime runc".
#
# cmp holds veil and plugin.yaml at /home/argocd/cmp-server/config/plugin.yaml
# (whose discover and generate are `veil k8s cmp ...`: no shell), plus
# kustomize when given. krm holds veil alone and runs `veil k8s krm`.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)

die() {
	echo "build-image: $*" >&2
	exit 1
}
[ $# -ge 1 ] || die "usage: $0 cmp|krm [-t TAG] [--veil PATH] [--kustomize PATH] [--stage DIR] [--list]"
kind=$1
shift
case $kind in
cmp) dockerfile=$src/deploy/argocd/Dockerfile ;;
krm) dockerfile=$src/deploy/kustomize-plugin/Dockerfile ;;
*) die "unknown image '$kind' (cmp or krm)" ;;
esac
tag="" veil=build-static/veil kustomize="" stage="" list=0 kube_api=0
while [ $# -gt 0 ]; do
	case $1 in
	-t) tag=$2; shift 2 ;;
	--veil) veil=$2; shift 2 ;;
	--kustomize) kustomize=$2; shift 2 ;;
	--stage) stage=$2; shift 2 ;;
	--list) list=1; shift ;;
	--kube-api) kube_api=1; shift ;;
	*) die "unknown option '$1'" ;;
	esac
done
[ -n "$kustomize$kube_api" ] && [ "$kustomize$kube_api" != 0 ] && [ "$kind" != cmp ] &&
	die "--kustomize and --kube-api are for the cmp image"

# A FROM-scratch image has no loader and no libc: every program must be static.
static() {
	[ -x "$1" ] || die "$1: not an executable file"
	if LC_ALL=C readelf -l "$1" 2>/dev/null | grep -q 'INTERP'; then
		die "$1 is dynamically linked; a scratch image needs a static one${2:+ ($2)}"
	fi
}
if [ "$kube_api" -eq 1 ]; then
	# A static glibc program can dlopen libcurl only alongside a second libc.
	[ -x "$veil" ] || die "$veil: not an executable file"
	LC_ALL=C readelf -l "$veil" 2>/dev/null | grep -q INTERP ||
		die "--kube-api takes the default build's veil (dynamic, links only libc), not $veil"
else
	static "$veil" "scripts/build-static.sh"
fi
version=$("$veil" --version | awk '{ print $2 }')
[ -n "$tag" ] || tag=localhost/veil-$kind:$version

# shared_libs: the loader, libc and every library veil, libcurl and cJSON
# link, at the paths ldd resolves them to (Debian's multiarch directory is
# on the loader's built-in search path, so no ld.so.cache is needed).
shared_libs() {
	local so path libs=()
	for so in libcurl.so.4 libcjson.so.1; do
		# awk reads to the end: exiting early would kill ldconfig with SIGPIPE,
		# and pipefail would then end this script with no message
		path=$(ldconfig -p | awk -v so="$so" '$1 == so && /x86-64/ && !p { p = $NF } END { print p }')
		[ -n "$path" ] || die "$so is not installed (Debian: libcurl4 libcjson1)"
		libs+=("$path")
	done
	for path in "$veil" "${libs[@]}"; do
		ldd "$path" || die "ldd $path failed"
	done >"$ctx/ldd.txt"
	{
		printf '%s\n' "${libs[@]}"
		awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*[^:]$/ { print $1 }' "$ctx/ldd.txt"
	} | sort -u >"$ctx/libs.txt"
	while read -r path; do
		mkdir -p "$root$(dirname "$path")"
		cp -L "$path" "$root$path"
	done <"$ctx/libs.txt"
	rm "$ctx/ldd.txt" "$ctx/libs.txt"
}

if [ -n "$stage" ]; then
	mkdir -p "$stage"
	ctx=$(cd "$stage" && pwd)
else
	ctx=$(mktemp -d "${TMPDIR:-/tmp}/veil-image.XXXXXX")
	trap 'rm -rf "$ctx"' EXIT
fi
root=$ctx/rootfs
rm -rf "$root"
mkdir -p "$root/usr/local/bin" "$root/etc" "$root/tmp"
chmod 1777 "$root/tmp"
strip -o "$root/usr/local/bin/veil" "$veil"
chmod 0755 "$root/usr/local/bin/veil"

if [ "$kind" = cmp ]; then
	# argocd-cmp-server runs as uid 999; it comes from Argo CD's var-files
	# volume at run time, so nothing of Argo CD is in the image.
	printf 'argocd:x:999:999:Argo CD:/home/argocd:/usr/sbin/nologin\n' >"$root/etc/passwd"
	printf 'argocd:x:999:\n' >"$root/etc/group"
	install -D -m 0644 "$src/deploy/argocd/plugin.yaml" "$root/home/argocd/cmp-server/config/plugin.yaml"
	mkdir -p "$root/home/argocd/cmp-server/plugins"
	[ "$kube_api" -eq 1 ] && shared_libs
	if [ -n "$kustomize" ]; then
		static "$kustomize"
		cp "$kustomize" "$root/usr/local/bin/kustomize"
		chmod 0755 "$root/usr/local/bin/kustomize"
	fi
else
	# kustomize runs containerized functions with --user nobody.
	printf 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$root/etc/passwd"
	printf 'nogroup:x:65534:\n' >"$root/etc/group"
	mkdir -p "$root/work"
fi
cp "$dockerfile" "$ctx/Dockerfile"
[ -n "$stage" ] && exit 0

read -r -a tool <<<"${VEIL_CONTAINER_TOOL:-$(command -v podman >/dev/null && echo podman || echo docker)}"
"${tool[@]}" build -q -t "$tag" -f "$ctx/Dockerfile" "$ctx" >/dev/null
size=$("${tool[@]}" image inspect --format '{{.Size}}' "$tag")
echo "built $tag: $size bytes"
if [ "$list" -eq 1 ]; then
	# the files of a container made from it (never started)
	id=$("${tool[@]}" create "$tag")
	"${tool[@]}" export "$id" | tar -tvf - | awk '{ name = $6
		for (i = 7; i <= NF; i++) name = name " " $i
		printf "%s %s %9s %s\n", $1, $2, $3, name }' | sort -k4
	"${tool[@]}" rm "$id" >/dev/null
fi
