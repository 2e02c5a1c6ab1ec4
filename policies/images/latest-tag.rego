# METADATA
# title: Images pinned to the latest tag
# description: |
#   An image with the `latest` tag, or with no tag at all (which means `latest`), changes under
#   the workload whenever someone pushes: two nodes can run different code for the same pod spec,
#   and a rollback does not roll the code back. An empty tag (`redis:`) counts as no tag. An image
#   pinned by a sha256 digest (`@sha256:` and 64 hex digits) is exempt, whatever its tag; any
#   other digest does not pin it here. A registry port (`registry:5000/app`) is not a tag.
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
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         containers:
#           - name: web
#             image: nginx:latest
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         containers:
#           - name: web
#             image: nginx:1.27.2
package plimsoll.rules.images.latest_tag

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
	problem := tag_problem(parsed.tag)
	msg := sprintf("%s uses image %q %s%s", [entry.description, image, problem, digest_note(parsed)])
	path := array.concat(entry.path, ["image"])
}

tag_problem(null) := "without a tag (it means :latest)"

tag_problem("") := "with an empty tag (it means :latest)"

tag_problem("latest") := "with the :latest tag"

# A digest that is not a well-formed sha256 digest does not exempt the image: say why.
digest_note(parsed) := "" if parsed.digest == null

digest_note(parsed) := ", and its digest is not a valid sha256 digest" if parsed.digest != null
