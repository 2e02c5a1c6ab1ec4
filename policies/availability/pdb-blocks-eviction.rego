# METADATA
# title: PodDisruptionBudget that allows no eviction
# description: |
#   A PodDisruptionBudget that can never allow a voluntary eviction blocks every node drain,
#   cluster upgrade and autoscaler scale-down that would move one of its pods: the drain waits
#   until someone edits the budget. Reported on its own: `maxUnavailable` of `0` or `0%`, and
#   `minAvailable` of `100%`. Reported against a workload in the same run whose pod template
#   the budget's selector selects (same namespace, or a namespace left unset): `minAvailable`
#   (a number, or a percentage rounded up as the disruption controller does) at least as large
#   as the workload's smallest pod count, which is the `minReplicas` of a
#   HorizontalPodAutoscaler in the run that scales it, else its `replicas` (1 when unset).
#   Workloads scaled to 0 are left out, and a budget whose pods are not in the run is judged
#   only on its own values.
# related_resources:
#   - https://kubernetes.io/docs/tasks/run-application/configure-pdb/
#   - https://kubernetes.io/docs/concepts/workloads/pods/disruptions/
# custom:
#   id: availability/pdb-blocks-eviction
#   severity: warning
#   default: true
#   scope: kinds
#   kinds: [PodDisruptionBudget]
#   requires_fields: [minAvailable, maxUnavailable]
#   inventory: [HorizontalPodAutoscaler]
#   inventory_referenced: [Deployment, StatefulSet, ReplicaSet, ReplicationController, Rollout]
#   inventory_referenced_when: spec.minAvailable
#   remediation: |
#     Leave room for at least one eviction: `maxUnavailable: 1` (or a percentage above 0), or a
#     `minAvailable` below the workload's smallest replica count. Raise the replicas or the
#     autoscaler's `minReplicas` if the service needs that many pods up.
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
#       ---
#       apiVersion: policy/v1
#       kind: PodDisruptionBudget
#       metadata:
#         name: web
#       spec:
#         minAvailable: 2
#         selector:
#           matchLabels: {app: web}
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
#       apiVersion: policy/v1
#       kind: PodDisruptionBudget
#       metadata:
#         name: web
#       spec:
#         maxUnavailable: 1
#         selector:
#           matchLabels: {app: web}
package plimsoll.rules.availability.pdb_blocks_eviction

import data.plimsoll.lib.inventory.selected
import data.plimsoll.lib.workload_scaling.autoscalers_of
import data.plimsoll.lib.workload_scaling.fewest_pods
import data.plimsoll.lib.workload_scaling.number_or_one
import rego.v1

# PodDisruptionBudgets are served by the policy group only.
budget if {
	input.kind == "PodDisruptionBudget"
	startswith(input.apiVersion, "policy/")
	is_object(input.spec)
}

name := object.get(input, ["metadata", "name"], "")

violation contains {"msg": msg, "path": ["spec", "maxUnavailable"]} if {
	budget
	value := input.spec.maxUnavailable
	value in {0, "0%"}
	msg := sprintf("PodDisruptionBudget %q sets maxUnavailable %v: it never allows an eviction", [name, value])
}

violation contains {"msg": msg, "path": ["spec", "minAvailable"]} if {
	budget
	percent(input.spec.minAvailable) >= 100
	msg := sprintf("PodDisruptionBudget %q sets minAvailable %v: it never allows an eviction", [name, input.spec.minAvailable])
}

# A percentage of an IntOrString field ("75%"), as a number.
percent(value) := to_number(trim_suffix(value, "%")) if {
	is_string(value)
	regex.match(`^[0-9]+%$`, value)
}

# minAvailable, and its percentage when it is one: read once per budget, not per workload.
min_available := input.spec.minAvailable

min_available_percent := percent(min_available)

# How many pods minAvailable keeps out of `total`: a number as written, a percentage of the
# total rounded up (as the disruption controller scales it).
kept(_) := min_available if is_number(min_available)

kept(total) := ceil((min_available_percent * total) / 100) if min_available_percent < 100

# minAvailable as large as the fewest pods of a workload the budget selects (related: the
# workload). A percentage of 100 or more is reported above, whatever the pods.
violation contains {"msg": msg, "path": ["spec", "minAvailable"], "related": related} if {
	budget
	not min_available_percent >= 100
	some workload in selected_workloads
	scalers := autoscalers_of(workload)
	pods := fewest_pods(workload, scalers)
	pods > 0
	kept(pods) >= pods
	msg := sprintf(
		"PodDisruptionBudget %q keeps %v pod(s) available (minAvailable %v) while %s %q may run only %v: it never allows an eviction",
		[name, kept(pods), min_available, workload.kind, workload.name, pods],
	)
	related := count_source(workload, scalers, pods)
}

# Where the fewest pods come from: the autoscaler's minReplicas (the first of several with the
# same minimum), else the workload's replicas (its name when they are unset).
count_source(workload, scalers, pods) := {"ref": refs[0], "path": "spec.minReplicas", "message": message} if {
	refs := sort([hpa.ref | some hpa in scalers; number_or_one(hpa.minReplicas) == pods])
	count(refs) > 0
	message := sprintf("the autoscaler that may scale %s %q down to %v pod(s)", [workload.kind, workload.name, pods])
}

count_source(workload, scalers, _) := {"ref": workload.ref, "path": "spec.replicas", "message": message} if {
	count(scalers) == 0
	message := sprintf("the %s whose pods it selects", [workload.kind])
}

# The scalable workloads of the run whose pod template the budget's selector selects (an array:
# a set would compare whole summaries to keep them apart).
selected_workloads := [workload | some workload in selected("spec.selector"); workload.scalable == true]
