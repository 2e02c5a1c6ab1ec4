# METADATA
# title: NetworkPolicy peers whose pod selector matches no pods
# description: |
#   An ingress `from` or egress `to` peer with a `podSelector` and no `namespaceSelector` allows
#   traffic from or to the pods it selects in the policy's namespace. A selector that matches the
#   pod template of no workload among the files allows nothing, usually because a label was renamed
#   on one side only, and the traffic meant to be allowed is dropped. This is about a missing object,
#   so it is reported only when the input is declared complete (`--complete-input`). Peers with a
#   `namespaceSelector` select pods of other namespaces and are not checked; an empty `podSelector`
#   is never reported.
# related_resources:
#   - https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors
# custom:
#   id: references/network-policy-peer
#   severity: info
#   default: false
#   scope: kinds
#   kinds: [NetworkPolicy]
#   inventory: true
#   complete_input: required
#   requires_fields: [podSelector]
#   remediation: |
#     Make the peer's pod selector match the labels of the pod template it should allow, or add a
#     `namespaceSelector` if the pods live in another namespace.
#   examples:
#     fail: |
#       apiVersion: networking.k8s.io/v1
#       kind: NetworkPolicy
#       metadata:
#         name: db
#       spec:
#         podSelector: {}
#         ingress:
#           - from:
#               - podSelector:
#                   matchLabels: {app: api-server}
#       ---
#       apiVersion: apps/v1
#       kind: Deployment
#       metadata:
#         name: api
#       spec:
#         selector:
#           matchLabels: {app: api}
#         template:
#           metadata:
#             labels: {app: api}
#           spec:
#             containers:
#               - name: api
#                 image: registry.example.com/shop/api:3.1.0
#     pass: |
#       apiVersion: networking.k8s.io/v1
#       kind: NetworkPolicy
#       metadata:
#         name: db
#       spec:
#         podSelector: {}
#         ingress:
#           - from:
#               - podSelector:
#                   matchLabels: {app: api}
#       ---
#       apiVersion: apps/v1
#       kind: Deployment
#       metadata:
#         name: api
#       spec:
#         selector:
#           matchLabels: {app: api}
#         template:
#           metadata:
#             labels: {app: api}
#           spec:
#             containers:
#               - name: api
#                 image: registry.example.com/shop/api:3.1.0
package plimsoll.rules.references.network_policy_peer

import data.plimsoll.lib.inventory.complete
import rego.v1

directions := {"ingress": "from", "egress": "to"}

violation contains {"msg": msg, "path": ["spec", direction, i, peers, j, "podSelector"]} if {
	complete
	input.kind == "NetworkPolicy"
	startswith(input.apiVersion, "networking.k8s.io/")
	some direction, peers in directions
	some i, rule in input.spec[direction]
	some j, peer in rule[peers]
	is_object(peer.podSelector)
	not peer.namespaceSelector
	not empty(peer.podSelector)
	key := sprintf("spec.%s[%d].%s[%d].podSelector", [direction, i, peers, j])
	count(data.plimsoll.facts.relations.selects[key]) == 0
	msg := sprintf("this %s peer's pod selector matches the pod template of no workload in the namespace, so it allows no traffic", [direction])
}

# A selector without requirements: it selects every pod.
empty(selector) if {
	count(object.get(selector, "matchLabels", {})) == 0
	count(object.get(selector, "matchExpressions", [])) == 0
}
