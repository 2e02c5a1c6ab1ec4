# METADATA
# title: Images from registries that are not allowed
# description: |
#   Images from anywhere can carry anything: an allow-list of registries (or repositories) keeps
#   workloads on images your organisation builds, scans or mirrors. Runs when an allow-list is
#   configured (`--allowed-registry`, or the `images.allowed_registries` setting). An entry is a
#   registry host (`ghcr.io`, `registry.local:5000`) or a repository or repository prefix written
#   as an image name (`ghcr.io/acme`, `nginx`); entries and images are normalised alike, so
#   `nginx`, `docker.io/nginx` and `docker.io/library/nginx` are the same repository.
# related_resources:
#   - https://kubernetes.io/docs/concepts/containers/images/#image-names
# custom:
#   id: images/registry
#   severity: error
#   default: false
#   enabled_by: images.allowed_registries
#   scope: pod-spec
#   remediation: |
#     Use an image from an allowed registry (mirror the image there if needed), or add its
#     registry or repository to the allow-list.
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         containers:
#           - name: web
#             image: docker.io/library/nginx:1.27.2
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         containers:
#           - name: web
#             image: ghcr.io/acme/nginx:1.27.2
package plimsoll.rules.images.registry

import data.plimsoll.facts.images as image_facts
import data.plimsoll.lib.kubernetes.containers
import rego.v1

# The normalised allow-list: core derives it from the setting (image::allow_list_prefixes).
prefixes := data.plimsoll.config.images.allowed_prefixes

violation contains {"msg": msg, "path": path} if {
	count(prefixes) > 0
	some entry in containers
	image := entry.container.image
	is_string(image)
	image != ""
	parsed := image_facts[image]
	not allowed(parsed.name)
	allowed_list := concat(", ", data.plimsoll.config.images.allowed_registries)
	msg := sprintf("%s uses image %q (%s), which the allow-list does not cover (%s)", [entry.description, image, parsed.name, allowed_list])
	path := array.concat(entry.path, ["image"])
}

allowed(name) if {
	some prefix in prefixes
	name == prefix
}

allowed(name) if {
	some prefix in prefixes
	startswith(name, concat("", [prefix, "/"]))
}
