#!/usr/bin/env bash
# The key options of the k8s commands, through `veil k8s-keys` (which loads
# exactly what they load and prints only recipients): --identity as a file
# and as a mounted Secret directory (*.agekey, ..data links skipped),
# several sources at once (key rotation), --project-keys picking the Argo CD
# project's key from ARGOCD_APP_PROJECT_NAME only (never ARGOCD_ENV_*), and
# the default lookup when no option is given.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

"$VEIL" keygen -o a.key 2>/dev/null
"$VEIL" keygen -o b.key 2>/dev/null
"$VEIL" keygen -o team.key 2>/dev/null
A=$("$VEIL" keygen -y a.key)
B=$("$VEIL" keygen -y b.key)
TEAM=$("$VEIL" keygen -y team.key)

# A directory laid out as the kubelet mounts a Secret volume: the entries are
# symlinks through ..data into a timestamped directory.
mkdir -p mnt/..2026_11_23_00_00_00.1 && cp a.key mnt/..2026_11_23_00_00_00.1/new.agekey &&
	cp b.key mnt/..2026_11_23_00_00_00.1/old.agekey &&
	printf 'not a key\n' >mnt/..2026_11_23_00_00_00.1/README &&
	ln -s ..2026_11_23_00_00_00.1 mnt/..data &&
	ln -s ..data/new.agekey mnt/new.agekey && ln -s ..data/old.agekey mnt/old.agekey &&
	ln -s ..data/README mnt/README

run "$VEIL" k8s-keys --identity a.key
expect_rc 0 "--identity FILE"
check "its recipient, and nothing secret on stdout" test "$(cat "$T/out")" = "$A"

run "$VEIL" k8s-keys --identity mnt
expect_rc 0 "--identity DIR (a mounted Secret)"
check "every *.agekey entry in name order, README and ..data skipped" \
	test "$(cat "$T/out")" = "$(printf '%s\n%s' "$A" "$B")"

run "$VEIL" k8s-keys --identity team.key --identity mnt
expect_rc 0 "several sources at once"
check "all three identities" test "$(wc -l <"$T/out")" = 3

mkdir empty
run "$VEIL" k8s-keys --identity empty
expect_fail "a directory without *.agekey"
err_has "no \*\.agekey" "says what it looked for"

run "$VEIL" k8s-keys --identity missing.key
expect_fail "a missing identity file"
err_has "missing.key" "names the file"

printf 'AGE-SECRET-KEY-1NOTAKEY\n' >bad.agekey
run "$VEIL" k8s-keys --identity bad.agekey
expect_fail "a malformed identity file"
err_lacks "NOTAKEY" "the malformed line is not echoed"

# Argo CD per-project keys.
mkdir keys && cp team.key keys/team-a.agekey && cp a.key keys/team-b.agekey
ARGOCD_APP_PROJECT_NAME=team-a run "$VEIL" k8s-keys --project-keys keys
expect_rc 0 "--project-keys picks the project's key"
check "only team-a's key" test "$(cat "$T/out")" = "$TEAM"

ARGOCD_APP_PROJECT_NAME=team-c run "$VEIL" k8s-keys --project-keys keys
expect_fail "a project without a key"
err_has 'no key for Argo CD project "team-c"' "names the project"

for bad in ../keys/team-a team-a/../team-b .hidden 'Team-A' 'a b'; do
	ARGOCD_APP_PROJECT_NAME=$bad run "$VEIL" k8s-keys --project-keys keys
	expect_fail "project name '$bad' is refused"
	check "project name '$bad': no key printed" test ! -s "$T/out"
done

# ARGOCD_ENV_* is what an Application's author sets: it never selects a key.
ARGOCD_ENV_ARGOCD_APP_PROJECT_NAME=team-a ARGOCD_ENV_VEIL_AGE_KEY_FILE=$T/team.key \
	ARGOCD_ENV_VEIL_AGE_KEY="$(grep AGE- team.key)" PARAM_PROJECT=team-a \
	run env -u ARGOCD_APP_PROJECT_NAME "$VEIL" k8s-keys --project-keys keys
expect_fail "ARGOCD_ENV_* cannot stand in for ARGOCD_APP_PROJECT_NAME"
check "nothing loaded from ARGOCD_ENV_*" test ! -s "$T/out"
ARGOCD_APP_PROJECT_NAME=team-b ARGOCD_ENV_VEIL_AGE_KEY_FILE=$T/team.key \
	run "$VEIL" k8s-keys --project-keys keys
check "with a project, ARGOCD_ENV_VEIL_AGE_KEY_FILE is ignored" test "$(cat "$T/out")" = "$A"
# --project-keys is exclusive: the operator's VEIL_AGE_KEY does not widen it.
ARGOCD_APP_PROJECT_NAME=team-b VEIL_AGE_KEY="$(grep AGE- team.key)" \
	run "$VEIL" k8s-keys --project-keys keys
check "with --project-keys, VEIL_AGE_KEY is not added" test "$(cat "$T/out")" = "$A"

# The default lookup.
VEIL_AGE_KEY_FILE=$T/b.key run "$VEIL" k8s-keys
check "no option: VEIL_AGE_KEY_FILE" test "$(cat "$T/out")" = "$B"
VEIL_AGE_KEY="$(grep AGE- a.key)" run "$VEIL" k8s-keys
check "no option: VEIL_AGE_KEY" test "$(cat "$T/out")" = "$A"
run "$VEIL" k8s-keys
expect_fail "no identity anywhere"
err_has "no identity" "says no identity was found"

run "$VEIL" k8s-keys --kube-timeout soon
expect_rc 2 "a bad --kube-timeout is a usage error"
run "$VEIL" k8s-keys --help
check "--help lists the key options" grep -q -- "--key-from-secret" "$T/out"

finish
