# METADATA
# title: Pods that no NetworkPolicy isolates
# description: |
#   A pod that no NetworkPolicy selects accepts connections from, and opens connections to,
#   anything the cluster network reaches: one compromised pod can then talk to every other.
#   Each direction is judged on its own, as Kubernetes does: a pod is isolated for ingress when
#   a NetworkPolicy of its namespace selects its labels and applies to Ingress, and for egress
#   likewise. A policy applies to the types in its `policyTypes`; without them, to Ingress, and
#   to Egress too when it has `egress` rules. One finding per open direction, for every object
#   that runs pods (pods on the host network are left out: policies do not reach them).
#   Selectors are evaluated as the API server does; a namespace left unset may be any. The
#   policies may be deployed from elsewhere, so the rule reports only when the input is
#   declared complete: `--complete-input`, or `complete_input: true` in `.plimsoll.yaml`.
#   Without that declaration it says nothing.
# related_resources:
#   - https://kubernetes.io/docs/concepts/services-networking/network-policies/
# custom:
#   id: networking/unisolated-pod
#   severity: warning
#   default: false
#   scope: pod-spec
#   complete_input: required
#   remediation: |
#     Add a NetworkPolicy in the namespace that selects the pods and lists both `Ingress` and
#     `Egress` in `policyTypes`, allowing only the traffic they need; a namespace-wide
#     default-deny policy (`podSelector: {}`) is a good start.
#   examples:
#     fail: |
#       apiVersion: apps/v1
#       kind: Deployment
#       metadata:
#         name: web
#       spec:
#         replicas: 2
#         selector:
#           matchLabels: {app: web}
#         template:
#           metadata:
#             labels: {app: web}
#           spec:
#             containers:
#               - name: web
#                 image: registry.example.com/shop/web:2.4.1
#     pass: |
#       apiVersion: apps/v1
#       kind: Deployment
#       metadata:
#         name: web
#       spec:
#         replicas: 2
#         selector:
#           matchLabels: {app: web}
#         template:
#           metadata:
#             labels: {app: web}
#           spec:
#             containers:
#               - name: web
#                 image: registry.example.com/shop/web:2.4.1
#       ---
#       apiVersion: networking.k8s.io/v1
#       kind: NetworkPolicy
#       metadata:
#         name: web
#       spec:
#         podSelector:
#           matchLabels: {app: web}
#         policyTypes: [Ingress, Egress]
#         ingress:
#           - from:
#               - podSelector:
#                   matchLabels: {app: frontend}
package plimsoll.rules.networking.unisolated_pod

import data.plimsoll.lib.inventory.complete
import data.plimsoll.lib.inventory.selected_by
import data.plimsoll.lib.kubernetes.pod_spec
import rego.v1

name := object.get(input, ["metadata", "name"], "")

violation contains {"msg": msg, "path": labels_path} if {
	complete
	not object.get(pod_spec.spec, "hostNetwork", false) == true
	policies := selected_by("NetworkPolicy")
	some direction in ["Ingress", "Egress"]
	not isolated(policies, direction)
	msg := sprintf("no NetworkPolicy in the run selects the pods of %s %q for %s: %s", [input.kind, name, direction, open_traffic[direction]])
}

open_traffic := {
	"Ingress": "any pod or address may connect to them",
	"Egress": "they may connect to any pod or address",
}

# Whether one of the policies that select the pods applies to `direction`.
isolated(policies, direction) if {
	some policy in policies
	direction in policy.policyTypes
}

# The pod template's labels, beside its spec (a Pod's own labels).
labels_path := array.concat(array.slice(pod_spec.path, 0, count(pod_spec.path) - 1), ["metadata", "labels"])
