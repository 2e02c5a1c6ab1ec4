# METADATA
# title: Memory request below the memory limit
# description: |
#   The scheduler places pods by their requests, but a container may use memory up to its
#   limit. When the request is lower, the node's memory can be promised several times over:
#   once the containers use more than their requests, the node runs short, and the kernel's OOM
#   killer or the kubelet's eviction ends containers that stayed within their limits. Memory,
#   unlike CPU, cannot be throttled back. Values compare as Kubernetes compares quantities
#   (`1G` is less than `1Gi`); both must be set (missing ones are the other resources/* rules'),
#   and a value that is not a valid quantity is left to resources/invalid-quantity.
# related_resources:
#   - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#requests-and-limits
#   - https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/#guaranteed
# custom:
#   id: resources/memory-overcommit
#   severity: info
#   default: false
#   scope: pod-spec
#   remediation: |
#     Set the memory request equal to the limit (size both for the container's peak use), so
#     that the scheduler reserves what the container may use.
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
#               limits: {memory: 1Gi}
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
#               requests: {memory: 1Gi}
#               limits: {memory: 1Gi}
package plimsoll.rules.resources.memory_overcommit

import data.plimsoll.facts.quantities
import data.plimsoll.lib.kubernetes.containers
import rego.v1

violation contains {"msg": msg, "path": path} if {
	some entry in containers
	entry.field in {"containers", "initContainers"}
	request := entry.container.resources.requests.memory
	limit := entry.container.resources.limits.memory
	below(quantities[request], quantities[limit])
	msg := sprintf("%s: memory request %v is below its limit %v", [entry.description, request, limit])
	path := array.concat(entry.path, ["resources", "requests", "memory"])
}

# Both valid and not negative (else resources/invalid-quantity speaks), and the request smaller.
below(request, limit) if {
	request.valid
	limit.valid
	request.sign >= 0
	limit.sign >= 0
	request.key < limit.key
}
