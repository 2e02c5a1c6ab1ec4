# METADATA
# title: Requests greater than limits
# description: |
#   A container cannot be guaranteed more of a resource than it may use: the API server rejects
#   a pod whose request is greater than its limit, so the workload never starts (a Deployment
#   shows no error until its ReplicaSet fails to create pods). Values compare as Kubernetes
#   compares quantities, exactly: `1G` is less than `1Gi`, `0.5` equals `500m`. Checked for
#   every resource of regular and init containers; a value that is not a valid quantity is left
#   to resources/invalid-quantity.
# related_resources:
#   - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#requests-and-limits
# custom:
#   id: resources/requests-exceed-limits
#   severity: error
#   default: true
#   scope: pod-spec
#   remediation: |
#     Lower the request or raise the limit so that the request is at most the limit (mind the
#     units: `G` is 1000³ bytes, `Gi` is 1024³).
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
#               requests: {cpu: "2", memory: 1Gi}
#               limits: {cpu: "1", memory: 1Gi}
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
#               requests: {cpu: 500m, memory: 1Gi}
#               limits: {cpu: "1", memory: 1Gi}
package plimsoll.rules.resources.requests_exceed_limits

import data.plimsoll.facts.quantities
import data.plimsoll.lib.kubernetes.containers
import rego.v1

violation contains {"msg": msg, "path": path} if {
	some entry in containers
	entry.field in {"containers", "initContainers"}
	some name, request in entry.container.resources.requests
	limit := entry.container.resources.limits[name]
	exceeds(quantities[request], quantities[limit])
	msg := sprintf("%s: %s request %v is more than its limit %v", [entry.description, name, request, limit])
	path := array.concat(entry.path, ["resources", "requests", name])
}

# Both valid and not negative (else resources/invalid-quantity speaks), and the request larger.
exceeds(request, limit) if {
	request.valid
	limit.valid
	request.sign >= 0
	limit.sign >= 0
	request.key > limit.key
}
