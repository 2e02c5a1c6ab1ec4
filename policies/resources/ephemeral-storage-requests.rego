# METADATA
# title: Containers without an ephemeral-storage request
# description: |
#   Logs, `emptyDir` volumes on disk and the container's writable layer use the node's local
#   storage. Without an `ephemeral-storage` request the scheduler does not count that use:
#   pods that write a lot land on nodes with little free disk, and when the node runs short of
#   it the kubelet ranks pods by their use above their request to choose which to evict.
#   Checked for regular and init containers.
# related_resources:
#   - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#local-ephemeral-storage
# custom:
#   id: resources/ephemeral-storage-requests
#   severity: warning
#   default: false
#   scope: pod-spec
#   remediation: |
#     Set `resources.requests.ephemeral-storage` to what the container writes to local disk
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
#               requests: {cpu: 500m, memory: 512Mi}
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
#               requests: {cpu: 500m, memory: 512Mi, ephemeral-storage: 1Gi}
package plimsoll.rules.resources.ephemeral_storage_requests

import data.plimsoll.lib.kubernetes.containers
import rego.v1

violation contains {"msg": msg, "path": path} if {
	some entry in containers
	entry.field in {"containers", "initContainers"}
	object.get(entry.container, ["resources", "requests", "ephemeral-storage"], null) == null
	msg := sprintf("%s has no ephemeral-storage request", [entry.description])
	path := array.concat(entry.path, ["resources", "requests", "ephemeral-storage"])
}
