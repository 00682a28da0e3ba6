#!/bin/sh
# Helm calls a downloader as: COMMAND CERT-FILE KEY-FILE CA-FILE URL, and
# reads the file's content from its stdout. For secrets://FILE this does
# what helm-secrets 4.x's downloader does with its sops backend (facts from
# helm-secrets' scripts/commands/downloader.sh and scripts/lib/backends/
# sops.sh; none of its code):
# - secrets://?FILE: a missing FILE gives empty values instead of an error;
# - a FILE without a line matching `mac.*,type:str]` is not encrypted and is
#   passed through as it is;
# - otherwise the type is yaml when a line is exactly `sops:` (trailing
#   blanks allowed), binary when it holds `"data": "ENC`, else json, and the
#   command is exactly: sops --decrypt --input-type TYPE --output-type TYPE FILE
# sops is HELM_SECRETS_SOPS_PATH, else HELM_SECRETS_SOPS_BIN, else `sops`
# from PATH, as in helm-secrets. VEIL_HELM_SOPS_LOG, when set, receives each
# sops command line (for the tests).
set -eu
url=${4:-}
case $url in
secrets://*) file=${url#secrets://} ;;
*)
	echo "veil-test-secrets: unknown protocol in '$url'" >&2
	exit 1
	;;
esac
ignore_missing=false
case $file in
\?*)
	file=${file#\?}
	ignore_missing=true
	;;
esac
if [ ! -f "$file" ]; then
	if [ "$ignore_missing" = true ]; then
		exit 0
	fi
	echo "[helm-secrets] File does not exist: $file" >&2
	exit 1
fi
if ! grep -q 'mac.*,type:str]' "$file"; then
	cat "$file"
	exit 0
fi
if grep -xq 'sops:[[:space:]]*' "$file"; then
	type=yaml
elif grep -q '"data": "ENC' "$file"; then
	type=binary
else
	type=json
fi
sops=${HELM_SECRETS_SOPS_PATH:-${HELM_SECRETS_SOPS_BIN:-sops}}
if [ -n "${VEIL_HELM_SOPS_LOG:-}" ]; then
	printf 'sops --decrypt --input-type %s --output-type %s %s\n' "$type" "$type" "$file" >>"$VEIL_HELM_SOPS_LOG"
fi
if ! "$sops" --decrypt --input-type "$type" --output-type "$type" "$file"; then
	echo "[helm-secrets] Error while decrypting file: $file" >&2
	exit 1
fi
