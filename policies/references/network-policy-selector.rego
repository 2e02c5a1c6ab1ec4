# METADATA
# title: NetworkPolicies whose pod selector matches no pods
# description: |
#   A NetworkPolicy applies to the pods its `spec.podSelector` selects in its namespace. A selector
#   that matches the pod template of no workload among the files makes the policy protect nothing,
#   usually because a label was renamed on one side only: the pods it was written for stay open.
#   This is about a missing object, so it is reported only when the input is declared complete
#   (`--complete-input`). An empty `podSelector` (`{}`, every pod of the namespace) is never
#   reported.
# related_resources:
#   - https://kubernetes.io/docs/concepts/services-networking/network-policies/
# custom:
#   id: references/network-policy-selector
#   severity: warning
#   default: true
#   scope: kinds
#   kinds: [NetworkPolicy]
#   inventory: true
#   complete_input: required
#   requires_fields: [podSelector]
#   remediation: |
#     Make the pod selector match the labels of the pod template it should protect, or remove the
#     policy.
#   examples:
#     fail: |
#       apiVersion: networking.k8s.io/v1
#       kind: NetworkPolicy
#       metadata:
#         name: web
#       spec:
#         podSelector:
#           matchLabels: {app: web-frontend}
#         policyTypes: [Ingress]
#       ---
#       apiVersion: apps/v1
#       kind: Deployment
#       metadata:
#         name: web
#       spec:
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
#       apiVersion: networking.k8s.io/v1
#       kind: NetworkPolicy
#       metadata:
#         name: web
#       spec:
#         podSelector:
#           matchLabels: {app: web}
#         policyTypes: [Ingress]
#       ---
#       apiVersion: apps/v1
#       kind: Deployment
#       metadata:
#         name: web
#       spec:
#         selector:
#           matchLabels: {app: web}
#         template:
#           metadata:
#             labels: {app: web}
#           spec:
#             containers:
#               - name: web
#                 image: registry.example.com/shop/web:2.4.1
package plimsoll.rules.references.network_policy_selector

import data.plimsoll.lib.inventory.complete
import rego.v1

violation contains {"msg": msg, "path": ["spec", "podSelector"]} if {
	complete
	input.kind == "NetworkPolicy"
	startswith(input.apiVersion, "networking.k8s.io/")
	selector := input.spec.podSelector
	is_object(selector)
	not empty(selector)
	count(data.plimsoll.facts.relations.selects["spec.podSelector"]) == 0
	msg := "the pod selector matches the pod template of no workload in the namespace, so the policy applies to no pod"
}

# A selector without requirements: it selects every pod.
empty(selector) if {
	count(object.get(selector, "matchLabels", {})) == 0
	count(object.get(selector, "matchExpressions", [])) == 0
}
