# METADATA
# title: Containers without a CPU request
# description: |
#   The scheduler places pods by their requests: a container without a CPU request counts as
#   needing nothing, so nodes get overcommitted and the container is the first to be starved
#   under contention (and, with no request at all, the pod is BestEffort). A request that
#   Kubernetes would copy from the CPU limit is still reported: the manifest does not say it,
#   and removing the limit later silently removes the request too. Checked for regular and
#   init containers (ephemeral containers take no resources).
# related_resources:
#   - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
# custom:
#   id: resources/cpu-requests
#   severity: warning
#   default: true
#   scope: pod-spec
#   remediation: |
#     Set `resources.requests.cpu` to what the container uses in normal operation (for example
#     `250m`).
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
#               requests: {memory: 256Mi}
#               limits: {memory: 256Mi}
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
#               limits: {memory: 256Mi}
package plimsoll.rules.resources.cpu_requests

import data.plimsoll.lib.kubernetes.containers
import rego.v1

violation contains {"msg": msg, "path": path} if {
	some entry in containers
	entry.field in {"containers", "initContainers"}
	object.get(entry.container, ["resources", "requests", "cpu"], null) == null
	msg := sprintf("%s has no CPU request%s", [entry.description, defaulted(entry.container)])
	path := array.concat(entry.path, ["resources", "requests", "cpu"])
}

# Kubernetes fills a missing request in from the limit; say so, since it still is not written.
defaulted(container) := " (Kubernetes copies the limit into it)" if {
	container.resources.limits.cpu != null
} else := ""
