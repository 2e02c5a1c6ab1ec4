#!/usr/bin/env bash
# Makes the signature fixtures of images/signature with openssl alone: an implementation that
# shares no code with plimsoll's verifier (RustCrypto) or with cosign. Run once; the outputs are
# committed so that tests are deterministic (ECDSA signatures are randomised: a re-run changes
# every signature, and the snapshots that quote none of them stay valid).
#
# What it writes (see README.md in this folder for what each case is meant to show):
#   keys/trusted-{p256,p384,ed25519,rsa}.pub   the keys a user trusts
#   keys/untrusted-p256.pub                    a key nobody trusts
#   signatures/*.jsonl                         `cosign download signature` output, one JSON per line
#   layouts/*/                                 OCI image layouts shaped as `cosign save` writes them
#   images.env                                 the image digests the fixtures refer to
# Private keys live in a temporary directory and are thrown away.
#
# Usage: testdata/supply-chain/make-fixtures.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
private=$(mktemp -d)
trap 'rm -rf "$private"' EXIT
rm -rf keys signatures layouts
mkdir -p keys signatures layouts

b64() { base64 -w0; }
sha() { sha256sum | cut -d' ' -f1; }

# --- keys -------------------------------------------------------------------------------------
openssl ecparam -name prime256v1 -genkey -noout -out "$private/p256.key"
openssl ecparam -name secp384r1 -genkey -noout -out "$private/p384.key"
openssl genpkey -algorithm ed25519 -out "$private/ed25519.key"
openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:2048 -out "$private/rsa.key" 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out "$private/untrusted.key"
for k in p256 p384 ed25519 rsa; do openssl pkey -in "$private/$k.key" -pubout -out "keys/trusted-$k.pub"; done
openssl pkey -in "$private/untrusted.key" -pubout -out keys/untrusted-p256.pub

# --- payloads and signatures ------------------------------------------------------------------
# The simple-signing payload cosign signs, byte for byte as cosign writes it.
payload() { printf '{"critical":{"identity":{"docker-reference":"%s"},"image":{"docker-manifest-digest":"%s"},"type":"cosign container image signature"},"optional":%s}' "$1" "$2" "${3:-null}"; }
# sign KEY FILE: base64 signature over FILE's exact bytes (ECDSA: DER over SHA-256, as cosign).
sign() {
  case "$1" in
    ed25519) openssl pkeyutl -sign -rawin -inkey "$private/ed25519.key" -in "$2" | b64 ;;
    *) openssl dgst -sha256 -sign "$private/$1.key" "$2" | b64 ;;
  esac
}
# line SIGNATURE PAYLOAD-FILE [CERT] [BUNDLE]: one `cosign download signature` line.
line() { printf '{"Base64Signature":"%s","Payload":"%s","Cert":%s,"Chain":null,"Bundle":%s,"RFC3161Timestamp":null}\n' "$1" "$(b64 <"$2")" "${3:-null}" "${4:-null}"; }
digest() { printf 'sha256:%s' "$(printf '%s' "$1" | sha)"; }

app=$(digest "ghcr.io/acme/app manifest")
api=$(digest "ghcr.io/acme/api manifest")
worker=$(digest "ghcr.io/acme/worker manifest")
cron=$(digest "ghcr.io/acme/cron manifest")
tampered=$(digest "ghcr.io/acme/tampered manifest")
rogue=$(digest "ghcr.io/acme/rogue manifest")
anonymous=$(digest "ghcr.io/acme/anonymous manifest")
keyless=$(digest "ghcr.io/acme/keyless manifest")
unsigned=$(digest "ghcr.io/acme/unsigned manifest")

# Good signatures, one per key type.
payload ghcr.io/acme/app "$app" >"$private/app"
line "$(sign p256 "$private/app")" "$private/app" >signatures/app.jsonl
payload ghcr.io/acme/worker "$worker" >"$private/worker"
line "$(sign p384 "$private/worker")" "$private/worker" >signatures/worker.jsonl
payload ghcr.io/acme/cron "$cron" >"$private/cron"
line "$(sign rsa "$private/cron")" "$private/cron" >signatures/cron.jsonl

# Tampered: signed, then the payload changed (an annotation added) while still naming the digest.
payload ghcr.io/acme/tampered "$tampered" >"$private/tampered"
signature=$(sign p256 "$private/tampered")
payload ghcr.io/acme/tampered "$tampered" '{"approved":"yes"}' >"$private/tampered"
line "$signature" "$private/tampered" >signatures/tampered.jsonl

# Signed by a key nobody trusts. The first line carries a transparency-log bundle shaped as
# cosign records one (a hashedrekord entry naming the signer's public key; the log's own
# signature in it is a placeholder and is not checked), so the verifier can tell who signed;
# the second carries none, so it cannot.
payload ghcr.io/acme/rogue "$rogue" >"$private/rogue"
signature=$(sign untrusted "$private/rogue")
entry=$(printf '{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"sha256","value":"%s"}},"signature":{"content":"%s","publicKey":{"content":"%s"}}}}' \
  "$(sha <"$private/rogue")" "$signature" "$(b64 <keys/untrusted-p256.pub)")
bundle=$(printf '{"SignedEntryTimestamp":"cGxhY2Vob2xkZXI=","Payload":{"body":"%s","integratedTime":1700000000,"logIndex":1,"logID":"%s"}}' \
  "$(printf '%s' "$entry" | b64)" "$(printf 0%.0s {1..64})")
line "$signature" "$private/rogue" null "$bundle" >signatures/rogue.jsonl
payload ghcr.io/acme/anonymous "$anonymous" >"$private/anonymous"
line "$(sign untrusted "$private/anonymous")" "$private/anonymous" >signatures/anonymous.jsonl

# Keyless: a certificate instead of a key (any non-null Cert; verifying it is out of scope).
payload ghcr.io/acme/keyless "$keyless" >"$private/keyless"
line "$(sign untrusted "$private/keyless")" "$private/keyless" '{"Raw":"cGxhY2Vob2xkZXI="}' >signatures/keyless.jsonl

# --- OCI layouts as `cosign save` writes them ---------------------------------------------------
# blob FILE LAYOUT: stores FILE under blobs/sha256/<hex>; prints its digest.
blob() { local hex; hex=$(sha <"$1"); mkdir -p "$2/blobs/sha256"; cp "$1" "$2/blobs/sha256/$hex"; printf 'sha256:%s' "$hex"; }
size() { wc -c <"$1" | tr -d ' '; }
# layout DIR REPOSITORY PAYLOAD-DIGEST KEY [SIG-TAG-DIGEST]: a signed image and its signature image.
# The image's digest is its manifest's digest, as in a registry. With SIG-TAG-DIGEST the
# signature manifest is named by the tag `sha256-<hex>.sig` of that digest instead of by `kind`,
# and the payload names PAYLOAD-DIGEST (another image's) while stored for the tag's digest.
layout() {
  local dir=layouts/$1 repository=$2 claimed=$3 key=$4 tag=${5:-}
  mkdir -p "$dir"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
  printf '{"architecture":"amd64","os":"linux","config":{"Labels":{"repository":"%s"}},"rootfs":{"type":"layers","diff_ids":[]}}' "$repository" >"$private/config"
  local config; config=$(blob "$private/config" "$dir")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":%s,"digest":"%s"},"layers":[]}' \
    "$(size "$private/config")" "$config" >"$private/image"
  local image; image=$(blob "$private/image" "$dir")
  [ "$claimed" = self ] && claimed=$image
  payload "$repository" "$claimed" >"$private/payload"
  local layer; layer=$(blob "$private/payload" "$dir")
  printf '{"architecture":"","os":"","rootfs":{"type":"layers","diff_ids":["%s"]},"config":{}}' "$layer" >"$private/sigconfig"
  local sigconfig; sigconfig=$(blob "$private/sigconfig" "$dir")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":%s,"digest":"%s"},"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","size":%s,"digest":"%s","annotations":{"dev.cosignproject.cosign/signature":"%s"}}]}' \
    "$(size "$private/sigconfig")" "$sigconfig" "$(size "$private/payload")" "$layer" "$(sign "$key" "$private/payload")" >"$private/sigs"
  local sigs; sigs=$(blob "$private/sigs" "$dir")
  local manifest='{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":%s,"digest":"%s","annotations":{%s}}'
  local image_entry sigs_entry
  image_entry=$(printf "$manifest" "$(size "$private/image")" "$image" '"kind":"dev.cosignproject.cosign/image"')
  if [ -n "$tag" ]; then
    sigs_entry=$(printf "$manifest" "$(size "$private/sigs")" "$sigs" "\"org.opencontainers.image.ref.name\":\"sha256-${tag#sha256:}.sig\"")
  else
    sigs_entry=$(printf "$manifest" "$(size "$private/sigs")" "$sigs" '"kind":"dev.cosignproject.cosign/sigs"')
  fi
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s,%s]}' "$image_entry" "$sigs_entry" >"$dir/index.json"
  printf '%s' "$image"
}

api=$(layout api ghcr.io/acme/api self ed25519)
# A replayed signature: a trusted key's signature over the app image's payload, stored as the
# signature of another image (tag sha256-<replay>.sig).
replay=$(digest "ghcr.io/acme/app other build")
layout replay ghcr.io/acme/app "$app" p256 "$replay" >/dev/null
# The replay layout's own image is incidental; only its signature manifest matters.

cat >images.env <<ENV
# Image digests the fixtures refer to (written by make-fixtures.sh).
APP=$app
API=$api
WORKER=$worker
CRON=$cron
TAMPERED=$tampered
ROGUE=$rogue
ANONYMOUS=$anonymous
KEYLESS=$keyless
UNSIGNED=$unsigned
REPLAY=$replay
ENV

# Check every good signature with openssl itself before anyone relies on it.
openssl dgst -sha256 -verify keys/trusted-p256.pub -signature <(head -1 signatures/app.jsonl | sed 's/.*"Base64Signature":"\([^"]*\)".*/\1/' | base64 -d) "$private/app" >/dev/null
echo "fixtures written; digests in images.env"
