# METADATA
# title: Containers without a CPU limit
# description: |
#   A CPU limit caps how much CPU time a container gets, even when the node is idle; without one
#   a busy container can take spare CPU from its neighbours. Limits also throttle: a limit set
#   too low slows a service down at its busiest, which is why many teams set requests only.
#   Off by default; turn it on where a hard cap matters more than burst capacity (shared or
#   multi-tenant nodes, Guaranteed QoS). Checked for regular and init containers.
# related_resources:
#   - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
#   - https://kubernetes.io/docs/tasks/configure-pod-container/quality-service-pod/
# custom:
#   id: resources/cpu-limits
#   severity: warning
#   default: false
#   scope: pod-spec
#   remediation: |
#     Set `resources.limits.cpu` (for example `1`), high enough above the request that normal
#     peaks are not throttled.
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
#               requests: {cpu: 250m, memory: 256Mi}
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
#               limits: {cpu: "1", memory: 256Mi}
package plimsoll.rules.resources.cpu_limits

import data.plimsoll.lib.kubernetes.containers
import rego.v1

violation contains {"msg": msg, "path": path} if {
	some entry in containers
	entry.field in {"containers", "initContainers"}
	object.get(entry.container, ["resources", "limits", "cpu"], null) == null
	msg := sprintf("%s has no CPU limit", [entry.description])
	path := array.concat(entry.path, ["resources", "limits", "cpu"])
}
