# METADATA
# title: Containers without a memory request
# description: |
#   The scheduler places pods by their requests: a container without a memory request counts
#   as needing none, so it can land on a node that cannot hold it, and under memory pressure it
#   is among the first to be evicted. A request that Kubernetes would copy from the memory limit
#   is still reported: the manifest does not say it, and removing the limit later silently
#   removes the request too. Checked for regular and init containers (ephemeral containers take
#   no resources).
# related_resources:
#   - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
# custom:
#   id: resources/memory-requests
#   severity: warning
#   default: true
#   scope: pod-spec
#   remediation: |
#     Set `resources.requests.memory` to what the container uses in normal operation (for
#     example `256Mi`).
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
#             resources:
#               requests: {cpu: 250m}
#               limits: {memory: 512Mi}
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         containers:
#           - name: web
#             image: registry.example.com/shop/web:2.4.1
#             resources:
#               requests: {cpu: 250m, memory: 256Mi}
#               limits: {memory: 512Mi}
package plimsoll.rules.resources.memory_requests

import data.plimsoll.lib.kubernetes.containers
import rego.v1

violation contains {"msg": msg, "path": path} if {
	some entry in containers
	entry.field in {"containers", "initContainers"}
	object.get(entry.container, ["resources", "requests", "memory"], null) == null
	msg := sprintf("%s has no memory request%s", [entry.description, defaulted(entry.container)])
	path := array.concat(entry.path, ["resources", "requests", "memory"])
}

# Kubernetes fills a missing request in from the limit; say so, since it still is not written.
defaulted(container) := " (Kubernetes copies the limit into it)" if {
	container.resources.limits.memory != null
} else := ""
