# METADATA
# title: Replicated workload without a PodDisruptionBudget
# description: |
#   Without a PodDisruptionBudget, a node drain or cluster upgrade may evict every pod of a
#   workload at once. Reported for a Deployment, StatefulSet or Argo Rollout that can run two
#   or more pods (`replicas` of 2 or more, or unset, since an autoscaler may scale it) when no
#   PodDisruptionBudget of its namespace selects its pod template's labels (selectors are
#   evaluated as the API server does: `matchLabels` and `matchExpressions`; a namespace left
#   unset may be any). The budget may be deployed from elsewhere, so the rule reports only when
#   the input is declared complete: `--complete-input`, or `complete_input: true` in
#   `.plimsoll.yaml`. Without that declaration it says nothing.
# related_resources:
#   - https://kubernetes.io/docs/tasks/run-application/configure-pdb/
#   - https://kubernetes.io/docs/concepts/workloads/pods/disruptions/
# custom:
#   id: availability/missing-pdb
#   severity: warning
#   default: false
#   scope: pod-spec
#   complete_input: required
#   remediation: |
#     Add a PodDisruptionBudget in the workload's namespace whose `selector` selects its pod
#     template's labels, with `maxUnavailable: 1` (or a `minAvailable` below the replica count).
#   examples:
#     fail: |
#       apiVersion: apps/v1
#       kind: Deployment
#       metadata:
#         name: web
#       spec:
#         replicas: 3
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
#         replicas: 3
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
#       apiVersion: policy/v1
#       kind: PodDisruptionBudget
#       metadata:
#         name: web
#       spec:
#         maxUnavailable: 1
#         selector:
#           matchLabels: {app: web}
package plimsoll.rules.availability.missing_pdb

import data.plimsoll.lib.inventory.complete
import data.plimsoll.lib.inventory.selected_by
import data.plimsoll.lib.kubernetes.api_group
import data.plimsoll.lib.kubernetes.pod_spec
import rego.v1

scaled_kinds := {"apps": {"Deployment", "StatefulSet"}, "argoproj.io": {"Rollout"}}

name := object.get(input, ["metadata", "name"], "")

violation contains {"msg": msg, "path": labels_path} if {
	complete
	input.kind in scaled_kinds[api_group]
	several_pods(object.get(input, ["spec", "replicas"], null))
	count(selected_by("PodDisruptionBudget")) == 0
	msg := sprintf("no PodDisruptionBudget in the run selects the pods of %s %q: a node drain may evict them all at once", [input.kind, name])
}

# Unset replicas count: an autoscaler may run several pods.
several_pods(replicas) if replicas == null

several_pods(replicas) if {
	is_number(replicas)
	replicas >= 2
}

# The pod template's labels, beside its spec.
labels_path := array.concat(array.slice(pod_spec.path, 0, count(pod_spec.path) - 1), ["metadata", "labels"])
