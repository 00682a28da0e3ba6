#!/usr/bin/env bash
# --key-from-secret against a STAND-IN for the Kubernetes API server (no
# kube-apiserver can run here): tests/cli/kube_standin.js, a loopback HTTPS
# server with a CA made by openssl, answering GET .../secrets/NAME and the
# API's Status shapes. Proves: a key read from a Secret decrypts; the token
# file is re-read for every request; 401, 403, 404, a wrong CA, a server
# that never answers (the timeout fires quickly) and an oversized answer fail
# with messages that say what to fix and never echo the body or the key.
SRC=${VEIL_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

for tool in node openssl; do
	if ! command -v "$tool" >/dev/null; then
		echo "skip: $tool is not installed (scripts/install-deps.sh --test)"
		exit 77
	fi
done

S=$T/standin
mkdir -p "$S/secrets/veil" "$S/secrets/argocd" wrongca
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days 2 -subj /CN=veil-test-ca \
	2>/dev/null &&
	openssl req "${ec[@]}" -keyout "$S/server.key" -out server.csr -subj /CN=127.0.0.1 \
		2>/dev/null &&
	printf 'subjectAltName=IP:127.0.0.1\n' >san.ext &&
	openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
		-out "$S/server.crt" -days 2 -extfile san.ext 2>/dev/null &&
	openssl req -x509 "${ec[@]}" -keyout wrongca/ca.key -out wrongca/ca.crt -days 2 \
		-subj /CN=other-ca 2>/dev/null || {
	echo "FAIL: openssl could not make the test CA"
	exit 1
}

"$VEIL" keygen -o old.agekey 2>/dev/null
"$VEIL" keygen -o new.agekey 2>/dev/null
OLD=$("$VEIL" keygen -y old.agekey)
NEW=$("$VEIL" keygen -y new.agekey)
b64() { base64 -w0 <"$1"; }
printf '{"kind":"Secret","apiVersion":"v1","metadata":{"name":"veil-age-key","namespace":"veil"},"type":"Opaque","data":{"identity.agekey":"%s"}}' \
	"$(b64 new.agekey)" >"$S/secrets/veil/veil-age-key.json"
printf '{"kind":"Secret","apiVersion":"v1","metadata":{"name":"rotating"},"data":{"old.agekey":"%s","new.agekey":"%s","README":"%s"}}' \
	"$(b64 old.agekey)" "$(b64 new.agekey)" "$(printf 'notes' | base64)" >"$S/secrets/veil/rotating.json"
printf '{"kind":"Secret","apiVersion":"v1","metadata":{"name":"rotate"},"data":{"keys.txt":"%s"}}' \
	"$(b64 old.agekey)" >"$S/secrets/veil/rotate.json"
printf '{"kind":"Secret","apiVersion":"v1","metadata":{"name":"wrong-name"},"data":{"age.key":"%s"}}' \
	"$(b64 new.agekey)" >"$S/secrets/veil/wrong-name.json"
printf 'token-1\n' >"$S/token"

node "$SRC/tests/cli/kube_standin.js" "$S" 2>"$T/standin.err" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 100); do
	[ -s "$S/port" ] && break
	sleep 0.1
done
if [ ! -s "$S/port" ]; then
	echo "FAIL: the stand-in API server did not start"
	cat "$T/standin.err"
	exit 1
fi
export VEIL_KUBE_API="https://127.0.0.1:$(cat "$S/port")"
export VEIL_KUBE_TOKEN_FILE="$S/token" VEIL_KUBE_CA_FILE="$T/ca.crt"
unset KUBERNETES_SERVICE_HOST KUBERNETES_SERVICE_PORT https_proxy HTTPS_PROXY all_proxy ALL_PROXY
SECRET_B64=$(b64 new.agekey)

# secret_leak_check WHAT: the last run's stderr holds no key, body or token.
secret_leak_check() {
	err_lacks "AGE-SECRET-KEY" "$1: no key in the message"
	err_lacks "${SECRET_B64:0:24}" "$1: no base64 of the key in the message"
	err_lacks "BODY-MARKER" "$1: the response body is not echoed"
	err_lacks "token-1" "$1: the token is not in the message"
}

start=$(date +%s%N)
run "$VEIL" k8s-keys --key-from-secret veil/veil-age-key
end=$(date +%s%N)
expect_rc 0 "key from a Secret (stand-in API)"
check "the Secret's identity is loaded" test "$(cat "$T/out")" = "$NEW"
echo "     one --key-from-secret load: $(((end - start) / 1000000)) ms wall (process included)"
check "GET with Accept: application/json and the bearer token" \
	grep -q "^GET /api/v1/namespaces/veil/secrets/veil-age-key accept=application/json token=token-1$" \
	"$S/requests.log"
secret_leak_check "success"

run "$VEIL" k8s-keys --key-from-secret veil/veil-age-key/identity.agekey --identity old.agekey
expect_rc 0 "an explicit KEY plus a mounted file"
check "both identities, in option order" test "$(cat "$T/out")" = "$(printf '%s\n%s' "$OLD" "$NEW")"

run "$VEIL" k8s-keys --key-from-secret veil/rotating
expect_rc 0 "every *.agekey entry of a Secret (key rotation)"
check "old and new key, README ignored" test "$(sort "$T/out")" = "$(printf '%s\n%s\n' "$OLD" "$NEW" | sort)"

# The stand-in rotates the token after answering "rotate": the second
# request of the same process must read the file again.
run "$VEIL" k8s-keys --key-from-secret veil/rotate --key-from-secret veil/veil-age-key
expect_rc 0 "the token file is re-read for each request (rotated between two)"
check "the second request carried the rotated token" \
	grep -q "veil-age-key accept=application/json token=token-1-rotated$" "$S/requests.log"
printf 'token-1\n' >"$S/token"

printf 'token-expired\n' >"$T/expired"
VEIL_KUBE_TOKEN_FILE=$T/expired run "$VEIL" k8s-keys --key-from-secret veil/veil-age-key
expect_fail "an expired token (401)"
err_has "401 Unauthorized.*expired" "401: says the token is expired or invalid"
err_lacks "token-expired" "401: the token is not echoed"
check "401: nothing on stdout" test ! -s "$T/out"

run "$VEIL" k8s-keys --key-from-secret veil/forbidden
expect_fail "RBAC denies the read (403)"
err_has 'verb "get" on resource "secrets".*namespace "veil"' "403: names the verb and resource needed"
secret_leak_check "403"

run "$VEIL" k8s-keys --key-from-secret veil/absent
expect_fail "no such Secret (404)"
err_has 'no Secret "absent" in namespace "veil"' "404: names the Secret"
secret_leak_check "404"

run "$VEIL" k8s-keys --key-from-secret veil/wrong-name
expect_fail "a Secret whose entry is not *.agekey"
err_has "entries: age.key" "no *.agekey entry: lists the entry names"
secret_leak_check "wrong entry name"

VEIL_KUBE_CA_FILE=$T/wrongca/ca.crt run "$VEIL" k8s-keys --key-from-secret veil/veil-age-key
expect_fail "a server certificate from another CA"
err_has "does not verify against the CA in .*wrongca/ca.crt" "wrong CA: says the certificate did not verify"

VEIL_KUBE_CA_FILE=$T/nowhere.crt run "$VEIL" k8s-keys --key-from-secret veil/veil-age-key
expect_fail "a missing CA file"
err_has "nowhere.crt" "missing CA: names the file"

VEIL_KUBE_API="http://127.0.0.1:$(cat "$S/port")" run "$VEIL" k8s-keys \
	--key-from-secret veil/veil-age-key
expect_fail "a plain http:// API URL"
err_has "not https" "http: refused before the token is sent"

# A server that accepts and never answers: the timeout fires, quickly.
start=$(date +%s%N)
"$VEIL" k8s-keys --kube-timeout 400 --key-from-secret veil/hang >"$T/out" 2>"$T/err" &
VPID=$!
# Once the request is in, the process has hardened itself and holds no key yet.
for _ in $(seq 100); do
	grep -q "secrets/hang" "$S/requests.log" && break
	sleep 0.1
done
if [ -r "/proc/$VPID/limits" ]; then
	check "hardening: core dumps off while waiting for the key" \
		grep -qE '^Max core file size +0 ' "/proc/$VPID/limits"
	# A non-dumpable process's /proc files belong to root.
	if [ "$(id -u)" -ne 0 ]; then
		check "hardening: the process is not dumpable" \
			test "$(stat -c %u "/proc/$VPID/environ")" = 0
	fi
fi
wait "$VPID"
rc=$?
end=$(date +%s%N)
expect_fail "a server that never answers"
err_has "no answer from .* within the timeout" "timeout: says so"
ms=$(((end - start) / 1000000))
# 400 ms plus process start; generous for sanitizer builds on a busy machine.
check "timeout: the whole run took $ms ms (< 5000) with --kube-timeout 400" test "$ms" -lt 5000

VEIL_KUBE_TIMEOUT_MS=300 run "$VEIL" k8s-keys --key-from-secret veil/hang
expect_fail "VEIL_KUBE_TIMEOUT_MS sets the timeout too"

run "$VEIL" k8s-keys --key-from-secret veil/huge
expect_fail "an oversized answer (3 MiB)"
err_has "larger than" "oversized: says the answer is too large"

run "$VEIL" k8s-keys --key-from-secret 'veil/../x'
expect_fail "a reference that is not NAMESPACE/NAME"
check "a bad reference is refused before any request" \
	test "$(grep -c '\.\.' "$S/requests.log")" = 0

# The same source through the manifest filter, end to end.
if "$VEIL" k8s decrypt --help >/dev/null 2>&1; then
	printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: apps\nstringData:\n  greeting: api-sourced-plaintext\n' >secret.yaml
	"$VEIL" encrypt -r "$NEW" --encrypted-regex '^(data|stringData)$' -o secret.enc.yaml secret.yaml
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n' >cm.yaml
	{ cat cm.yaml; echo ---; cat secret.enc.yaml; } >stream.yaml
	run "$VEIL" k8s decrypt --key-from-secret veil/veil-age-key stream.yaml
	expect_rc 0 "k8s decrypt --key-from-secret: a stream decrypts"
	check "k8s decrypt --key-from-secret: the Secret's value is out" \
		grep -q "greeting: api-sourced-plaintext" "$T/out"
	run "$VEIL" k8s decrypt --key-from-secret veil/forbidden stream.yaml
	check "k8s decrypt, 403: fails with nothing on stdout" test "$rc" -ne 0 -a ! -s "$T/out"
	err_has 'verb "get" on resource "secrets"' "k8s decrypt, 403: the RBAC message reaches the user"
	run "$VEIL" k8s decrypt --kube-timeout 300 --key-from-secret veil/hang stream.yaml
	check "k8s decrypt, timeout: fails with nothing on stdout" test "$rc" -ne 0 -a ! -s "$T/out"
	run "$VEIL" k8s decrypt --key-from-secret veil/rotating --key-from-secret veil/rotate stream.yaml
	expect_rc 0 "k8s decrypt: several Secrets at once (rotation), the token rotating between"
	printf 'token-1\n' >"$S/token"
else
	echo "note: this veil has no 'k8s decrypt': the stream cases are not run"
fi

VEIL_KUBE_API= run "$VEIL" k8s-keys --key-from-secret veil/veil-age-key
expect_fail "outside a pod without VEIL_KUBE_API"
err_has "KUBERNETES_SERVICE_HOST" "outside a pod: says what is missing"

finish
