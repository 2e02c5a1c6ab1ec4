# METADATA
# title: Images not pinned by digest
# description: |
#   A tag is a name the registry can point at other bytes at any time, `1.27.2` as much as
#   `latest`; only a digest names exactly one image. Pinning every image by its sha256 digest
#   (`@sha256:` and 64 hex digits) makes a rollout reproducible and stops a compromised or
#   re-pushed tag from reaching the cluster. Off by default: it suits supply-chain-conscious
#   setups where a tool (Renovate, Flux, kustomize `images:`) keeps the digests current.
# related_resources:
#   - https://kubernetes.io/docs/concepts/containers/images/#image-names
#   - https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests
# custom:
#   id: images/digest
#   severity: warning
#   default: false
#   scope: pod-spec
#   remediation: |
#     Refer to the image by digest, keeping the tag for readers if you like:
#     `nginx:1.27.2@sha256:…` (`crane digest nginx:1.27.2` or `docker buildx imagetools inspect`
#     prints it).
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         containers:
#           - name: web
#             image: registry.example.com/shop/web:2.4.1
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         containers:
#           - name: web
#             image: registry.example.com/shop/web@sha256:3c5f2a0e9d8b7c6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa9988
package plimsoll.rules.images.digest

import data.plimsoll.facts.images as image_facts
import data.plimsoll.lib.kubernetes.containers
import rego.v1

violation contains {"msg": msg, "path": path} if {
	some entry in containers
	image := entry.container.image
	is_string(image)
	image != ""
	parsed := image_facts[image]
	not parsed.pinned
	msg := sprintf("%s uses image %q %s", [entry.description, image, problem(parsed.digest)])
	path := array.concat(entry.path, ["image"])
}

problem(null) := "without a sha256 digest"

problem(digest) := "whose digest is not a valid sha256 digest (64 lower-case hex digits)" if digest != null
