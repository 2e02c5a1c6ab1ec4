# METADATA
# title: Containers without a memory limit
# description: |
#   A container without a memory limit can use all the memory of its node, and the node then
#   evicts or kills other pods to recover. A limit also keeps the pod out of the BestEffort QoS
#   class. Checked for regular and init containers (ephemeral containers take no resources).
# related_resources:
#   - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
# custom:
#   id: resources/memory-limits
#   severity: warning
#   default: true
#   scope: pod-spec
#   remediation: |
#     Set `resources.limits.memory` to the most the container should ever use (for example
#     `512Mi`).
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
package plimsoll.rules.resources.memory_limits

import data.plimsoll.lib.kubernetes.containers
import rego.v1

violation contains {"msg": msg, "path": path} if {
	some entry in containers
	entry.field in {"containers", "initContainers"}
	object.get(entry.container, ["resources", "limits", "memory"], null) == null
	msg := sprintf("%s has no memory limit", [entry.description])
	path := array.concat(entry.path, ["resources", "limits", "memory"])
}
