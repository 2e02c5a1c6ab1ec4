#!/usr/bin/env bash
# Signs two image digests the way `cosign sign --key` does, with openssl alone, and writes what
# `cosign download signature` would print for them. For the supply-chain walkthrough in
# docs/supply-chain.md; the outputs (cosign.pub, signatures/shop.jsonl) are committed, so run it only to see
# how signing works: it makes a fresh key pair, and the old signatures stop verifying.
#
# With cosign and a registry the same steps are:
#   cosign generate-key-pair
#   cosign sign --key cosign.key ghcr.io/acme/storefront@sha256:…
#   cosign download signature ghcr.io/acme/storefront@sha256:… >> signatures/shop.jsonl
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
private=$(mktemp -d)
trap 'rm -rf "$private"' EXIT

# 1. A key pair: ECDSA P-256, cosign's default. Keep the private key secret (here it is thrown away).
openssl ecparam -name prime256v1 -genkey -noout -out "$private/cosign.key"
openssl pkey -in "$private/cosign.key" -pubout -out cosign.pub

# 2. For each image: the simple-signing payload naming its repository and digest, signed (DER
#    ECDSA over SHA-256 of the exact bytes), as one JSON line.
mkdir -p signatures
: >signatures/shop.jsonl
sign() {
  local repository=$1 digest=$2
  printf '{"critical":{"identity":{"docker-reference":"%s"},"image":{"docker-manifest-digest":"%s"},"type":"cosign container image signature"},"optional":null}' \
    "$repository" "$digest" >"$private/payload"
  local signature payload
  signature=$(openssl dgst -sha256 -sign "$private/cosign.key" "$private/payload" | base64 -w0)
  payload=$(base64 -w0 <"$private/payload")
  printf '{"Base64Signature":"%s","Payload":"%s","Cert":null,"Chain":null,"Bundle":null,"RFC3161Timestamp":null}\n' \
    "$signature" "$payload" >>signatures/shop.jsonl
}
sign ghcr.io/acme/storefront sha256:8f2d5e6c1b0a9f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a493827160
sign ghcr.io/acme/checkout sha256:1c2b3a4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809
echo "signed: signatures/shop.jsonl (key: cosign.pub)"
