# METADATA
# title: Selector that does not select the pod template
# description: |
#   A workload's `spec.selector` must select the labels of its own pod template: the controller
#   finds its pods by that selector, so the API server rejects a Deployment, ReplicaSet,
#   StatefulSet, DaemonSet or ReplicationController whose template labels it does not match
#   ("selector does not match template labels"), and an empty selector. Argo Rollouts are held
#   to the same rule. The selector is evaluated as the API server evaluates it: every
#   `matchLabels` pair and every `matchExpressions` requirement (In, NotIn, Exists, DoesNotExist)
#   must hold; a requirement it cannot parse (an unknown operator, In without values) is
#   reported too. A missing selector is left to schema/required; a ReplicationController
#   without one takes its template's labels.
# related_resources:
#   - https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#selector
#   - https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#resources-that-support-set-based-requirements
# custom:
#   id: workloads/selector-mismatch
#   severity: error
#   default: true
#   scope: pod-spec
#   requires_fields: [selector]
#   remediation: |
#     Make `spec.selector` select `spec.template.metadata.labels`: usually the selector's
#     `matchLabels` repeat a subset of the template's labels. The selector of an existing
#     Deployment cannot be changed; delete and re-create it if it must change.
#   examples:
#     fail: |
#       apiVersion: apps/v1
#       kind: Deployment
#       metadata:
#         name: web
#       spec:
#         selector:
#           matchLabels: {app: web}
#         template:
#           metadata:
#             labels: {app: frontend}
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
#         selector:
#           matchLabels: {app: web}
#         template:
#           metadata:
#             labels: {app: web, tier: frontend}
#           spec:
#             containers:
#               - name: web
#                 image: registry.example.com/shop/web:2.4.1
package plimsoll.rules.workloads.selector_mismatch

import data.plimsoll.lib.labels.selector_problem
import data.plimsoll.lib.labels.matches
import rego.v1

# Kinds whose selector is a LabelSelector (matchLabels and matchExpressions).
label_selector_kinds := {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Rollout"}

template_labels := object.get(input, ["spec", "template", "metadata", "labels"], {})

violation contains {"msg": msg, "path": ["spec", "selector"]} if {
	input.kind == "ReplicationController"
	has_pod_template
	selector := input.spec.selector
	is_object(selector)
	count(selector) > 0
	some key, value in selector
	object.get(template_labels, key, null) != value
	msg := sprintf("%s %q: spec.selector %s=%v does not match its template labels %s", [input.kind, name, key, value, describe(template_labels)])
}

# The object's own label selector, when it has a pod template of its own to select. Its
# problem and size are rules, each evaluated once per object.
own_selector := input.spec.selector if {
	input.kind in label_selector_kinds
	has_pod_template
	is_object(input.spec.selector)
}

own_problem := selector_problem(own_selector)

own_size := size(object.get(own_selector, "matchLabels", {})) + size(object.get(own_selector, "matchExpressions", []))

violation contains {"msg": msg, "path": ["spec", "selector"]} if {
	msg := sprintf("%s %q: spec.selector is invalid: %s", [input.kind, name, own_problem])
}

violation contains {"msg": msg, "path": ["spec", "selector"]} if {
	own_size == 0
	not own_problem
	msg := sprintf("%s %q: spec.selector is empty; the API server requires a selector that names labels", [input.kind, name])
}

violation contains {"msg": msg, "path": ["spec", "selector"]} if {
	own_size > 0
	not own_problem
	not matches(own_selector, template_labels)
	msg := sprintf("%s %q: spec.selector does not select its template labels %s; the API server rejects it", [input.kind, name, describe(template_labels)])
}

name := object.get(input, ["metadata", "name"], "")

# The selector is checked against a pod template of the object's own: an Argo Rollout that
# takes its template from a workloadRef has none here.
has_pod_template if is_object(input.spec.template.spec)

# The template labels as written in messages.
describe(labels) := json.marshal(labels) if {
	size(labels) > 0
} else := "(none)"

size(value) := count(value) if {
	is_object(value)
} else := count(value) if {
	is_array(value)
} else := 0
