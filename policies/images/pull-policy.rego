# METADATA
# title: Image pull policy other than Always
# description: |
#   With `imagePullPolicy: IfNotPresent` (or `Never`) the kubelet runs whatever image a node
#   already has under that reference: a tag moved to other content, or an image someone loaded
#   onto the node, goes unnoticed, and a pod can use a private image another pod pulled with
#   credentials it does not have. `Always` makes the kubelet resolve the reference with the
#   registry on every start (layers it has are not downloaded again). An unset policy counts
#   when Kubernetes defaults it to `IfNotPresent`: when the image has a tag other than
#   `latest`, or a digest; without a tag, or with `:latest`, it defaults to `Always`. Checked
#   for regular and init containers. Off by default: a digest already pins the content, and the
#   cluster-wide answer is the AlwaysPullImages admission plugin.
# related_resources:
#   - https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy
#   - https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#alwayspullimages
# custom:
#   id: images/pull-policy
#   severity: info
#   default: false
#   scope: pod-spec
#   remediation: |
#     Set `imagePullPolicy: Always` on the container, or enable the AlwaysPullImages admission
#     plugin in the cluster.
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
#             imagePullPolicy: IfNotPresent
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         containers:
#           - name: web
#             image: registry.example.com/shop/web:2.4.1
#             imagePullPolicy: Always
package plimsoll.rules.images.pull_policy

import data.plimsoll.facts.images as image_facts
import data.plimsoll.lib.kubernetes.containers
import rego.v1

violation contains {"msg": msg, "path": path} if {
	some entry in containers
	entry.field in {"containers", "initContainers"}
	policy := object.get(entry.container, "imagePullPolicy", null)
	policy != null
	policy != "Always"
	msg := sprintf("%s has imagePullPolicy %v, not Always", [entry.description, policy])
	path := array.concat(entry.path, ["imagePullPolicy"])
}

violation contains {"msg": msg, "path": entry.path} if {
	some entry in containers
	entry.field in {"containers", "initContainers"}
	object.get(entry.container, "imagePullPolicy", null) == null
	image := entry.container.image
	is_string(image)
	parsed := image_facts[image]
	parsed.valid
	defaults_to_if_not_present(parsed)
	msg := sprintf("%s sets no imagePullPolicy: for image %q it defaults to IfNotPresent", [entry.description, image])
}

defaults_to_if_not_present(parsed) if parsed.digest != null

defaults_to_if_not_present(parsed) if {
	is_string(parsed.tag)
	not parsed.tag in {"", "latest"}
}
