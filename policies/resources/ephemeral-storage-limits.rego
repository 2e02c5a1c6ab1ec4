# METADATA
# title: Containers without an ephemeral-storage limit
# description: |
#   Logs, `emptyDir` volumes on disk and the container's writable layer use the node's local
#   storage. Without an `ephemeral-storage` limit nothing stops one container from filling the
#   node's disk, which makes the kubelet evict other pods under disk pressure; with a limit,
#   the kubelet evicts the pod that exceeds it. Checked for regular and init containers.
# related_resources:
#   - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#local-ephemeral-storage
# custom:
#   id: resources/ephemeral-storage-limits
#   severity: warning
#   default: false
#   scope: pod-spec
#   remediation: |
#     Set `resources.limits.ephemeral-storage` to what the container writes to local disk
#     (logs, scratch files, `emptyDir` volumes), for example `1Gi`.
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
#               limits: {cpu: 500m, memory: 512Mi}
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
#               limits: {cpu: 500m, memory: 512Mi, ephemeral-storage: 1Gi}
package plimsoll.rules.resources.ephemeral_storage_limits

import data.plimsoll.lib.kubernetes.containers
import rego.v1

violation contains {"msg": msg, "path": path} if {
	some entry in containers
	entry.field in {"containers", "initContainers"}
	object.get(entry.container, ["resources", "limits", "ephemeral-storage"], null) == null
	msg := sprintf("%s has no ephemeral-storage limit", [entry.description])
	path := array.concat(entry.path, ["resources", "limits", "ephemeral-storage"])
}
