#!/usr/bin/env bash
# veil check on the labelled fixture set tests/data/check (made by its gen.py):
# every pos/RULE--NAME file must be reported with RULE (recall), no neg/ file
# may give any finding (false positives). Scanned with --no-ignore, since the
# fixtures are allowlisted in the project's .veilignore.
# Thresholds: recall >= 95% and 0 false positives.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

SRC=${VEIL_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
D=$SRC/tests/data/check
[ -d "$D/pos" ] && [ -d "$D/neg" ] || { echo "skip: no fixtures in $D"; exit 77; }

tp=0 fn=0 fp=0 tn=0 npos=0
for f in "$D"/pos/*; do
	name=$(basename "$f")
	want=${name%%--*}
	npos=$((npos + 1))
	run "$VEIL" check --no-ignore --root "$D/pos" --format json "$f"
	if [ "$rc" = 1 ] && grep -q "\"rule\":\"$want\"" "$T/out"; then
		tp=$((tp + 1))
	else
		fn=$((fn + 1))
		echo "miss: $name (exit $rc): $(head -c 300 "$T/out")"
	fi
done
for f in "$D"/neg/* "$D"/neg/.[!.]*; do
	[ -f "$f" ] || continue
	run "$VEIL" check --no-ignore --root "$D/neg" --format json "$f"
	if [ "$rc" = 0 ] && grep -q '"findings":\[\]' "$T/out"; then
		tn=$((tn + 1))
	else
		fp=$((fp + 1))
		echo "false positive: $(basename "$f") (exit $rc): $(head -c 300 "$T/out")"
	fi
done
recall=$((tp * 1000 / npos))
echo "recall: $tp/$npos true secrets reported ($((recall / 10)).$((recall % 10))%)"
echo "false positives: $fp of $((fp + tn)) look-alike files"
[ "$recall" -ge 950 ] && ok "recall >= 95%" || fail "recall below 95%"
[ "$fp" = 0 ] && ok "no false positives" || fail "$fp false positives"
finish
