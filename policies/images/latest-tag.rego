# METADATA
# title: Images pinned to the latest tag
# description: |
#   An image with the `latest` tag, or with no tag at all (which means `latest`), changes under
#   the workload whenever someone pushes: two nodes can run different code for the same pod spec,
#   and a rollback does not roll the code back. An image pinned by digest is exempt, whatever its
#   tag. A registry port (`registry:5000/app`) is not a tag.
# related_resources:
#   - https://kubernetes.io/docs/concepts/containers/images/#image-names
# custom:
#   id: images/latest-tag
#   severity: warning
#   default: true
#   scope: pod-spec
#   remediation: |
#     Pin the image to a version tag (`nginx:1.27.2`) or, better, to a digest
#     (`nginx@sha256:…`).
package plimsoll.rules.images.latest_tag

import data.plimsoll.lib.kubernetes as k8s
import rego.v1

violation contains {"msg": msg, "path": path} if {
	some entry in k8s.containers
	image := entry.container.image
	is_string(image)
	image != ""
	not contains(image, "@")
	problem := tag_problem(image)
	msg := sprintf("%s uses image %q %s", [k8s.describe(entry), image, problem])
	path := array.concat(entry.path, ["image"])
}

# The tag is whatever follows ":" in the last path component (a ":" before a "/" is a port).
tag_problem(image) := "without a tag (it means :latest)" if {
	not contains(last_component(image), ":")
}

tag_problem(image) := "with the :latest tag" if {
	parts := split(last_component(image), ":")
	parts[count(parts) - 1] == "latest"
}

last_component(image) := parts[count(parts) - 1] if parts := split(image, "/")
