# METADATA
# title: Services whose selector matches no pods
# description: |
#   A Service sends traffic to the pods its `spec.selector` selects in its namespace. A selector
#   that matches the pod template of no workload among the files leaves the Service without
#   endpoints: connections are refused, usually because a label was renamed on one side only.
#   This is about a missing object, so it is reported only when the input is declared complete
#   (`--complete-input`): on partial input the pods may be deployed from elsewhere. Services of
#   type ExternalName and Services without a selector (their endpoints are managed by hand) are not
#   checked. Pods created by operators from custom resources have labels no pod template shows:
#   list such label keys in the rule setting `ignored_selector_labels`, and Services whose selector
#   uses one are not checked.
# related_resources:
#   - https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors
#   - https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
# custom:
#   id: references/service-selector
#   severity: warning
#   default: true
#   scope: kinds
#   kinds: [Service]
#   inventory: true
#   complete_input: required
#   parameters:
#     ignored_selector_labels:
#       type: list
#       items: {type: string}
#       default: []
#       description: label keys that operators put on pods no pod template shows; Services whose selector uses one are not checked
#   requires_fields: [selector]
#   remediation: |
#     Make the selector's labels those of the pod template it should select (or the template's
#     labels those of the selector), or remove the Service.
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Service
#       metadata:
#         name: web
#       spec:
#         selector: {app: web-frontend}
#         ports:
#           - {port: 80, targetPort: 8080}
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
#       apiVersion: v1
#       kind: Service
#       metadata:
#         name: web
#       spec:
#         selector: {app: web}
#         ports:
#           - {port: 80, targetPort: 8080}
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
package plimsoll.rules.references.service_selector

import data.plimsoll.lib.inventory.complete
import rego.v1

ignored := object.get(data.plimsoll.config, ["references/service-selector", "ignored_selector_labels"], [])

violation contains {"msg": msg, "path": ["spec", "selector"]} if {
	complete
	input.kind == "Service"
	input.apiVersion == "v1"
	not input.spec.type == "ExternalName"
	selector := input.spec.selector
	is_object(selector)
	count(selector) > 0
	count([key | some key, _ in selector; key in ignored]) == 0
	count(data.plimsoll.facts.relations.selects["spec.selector"]) == 0
	pairs := [sprintf("%s=%v", [k, v]) | some k, v in selector]
	msg := sprintf("the selector %s matches the pod template of no workload in the namespace", [concat(",", sort(pairs))])
}
