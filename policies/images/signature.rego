# METADATA
# title: Images without a valid signature by a trusted key
# description: |
#   A registry serves whatever was pushed under a name; a signature by a key you control says your
#   build produced exactly these bytes. This rule verifies cosign signatures offline, from
#   signature material you download beforehand (`cosign download signature IMAGE`, or a
#   `cosign save` directory), against the public keys you trust. An image passes when it is pinned
#   by a sha256 digest and at least one signature over that digest verifies with a trusted key,
#   with a payload whose `critical.image.docker-manifest-digest` is the image's digest and whose
#   `critical.identity.docker-reference` names the image's repository (`nginx` and
#   `docker.io/library/nginx` are the same repository). The finding says why an image fails:
#   not pinned (there is nothing exact to verify), no signature for the digest, a signature that
#   does not verify (altered, or made by a key that is not trusted), a signature by a key the
#   material names that is not trusted, a keyless signature, or a trusted signature whose payload
#   names another digest or repository (a signature replayed onto another image). Runs when
#   trusted keys are configured (`--trusted-key`, or `images.trusted_keys` in the configuration
#   file). Keys: ECDSA P-256 (cosign's default) or P-384, Ed25519, RSA. Keyless signatures
#   (Fulcio certificates, Rekor bundles) need the Sigstore trust root and are not verified here.
#   Policies can call the same verification as `plimsoll.signature.verify(image)`.
# related_resources:
#   - https://docs.sigstore.dev/cosign/signing/signing_with_containers/
#   - https://github.com/containers/image/blob/main/docs/containers-signature.5.md
# custom:
#   id: images/signature
#   severity: error
#   default: false
#   enabled_by: images.trusted_keys
#   scope: pod-spec
#   remediation: |
#     Pin the image by digest (`name@sha256:…`), sign that digest with a trusted key
#     (`cosign sign --key cosign.key name@sha256:…`), and give plimsoll the signatures
#     (`cosign download signature name@sha256:… > sigs.jsonl`, then `--signatures sigs.jsonl`).
#     A signature that names another digest or repository was made for another image: sign this one.
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: shop
#       spec:
#         containers:
#           - name: storefront
#             image: ghcr.io/acme/storefront:2.4.1
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: shop
#       spec:
#         containers:
#           - name: storefront
#             image: ghcr.io/acme/storefront@sha256:8f2d5e6c1b0a9f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a493827160
package plimsoll.rules.images.signature

import data.plimsoll.facts.signatures as signature_facts
import data.plimsoll.lib.kubernetes.containers
import rego.v1

# The names of the trusted keys: core sets them when keys are configured.
trusted_keys := data.plimsoll.config.images.trusted_keys

violation contains {"msg": msg, "path": path} if {
	count(trusted_keys) > 0
	some entry in containers
	image := entry.container.image
	is_string(image)
	image != ""
	verdict := signature_facts[image]
	not verdict.verified
	msg := sprintf("%s uses image %q: %s", [entry.description, image, verdict.message])
	path := array.concat(entry.path, ["image"])
}
