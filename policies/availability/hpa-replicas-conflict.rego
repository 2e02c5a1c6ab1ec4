# METADATA
# title: Replicas written for an autoscaled workload
# description: |
#   When a HorizontalPodAutoscaler scales a workload, the workload's `spec.replicas` belongs to
#   the autoscaler. A manifest that writes it anyway resets the count on every apply: a
#   Deployment scaled out to 8 pods under load drops back to the written 3 until the autoscaler
#   reacts again. Reported for a Deployment, StatefulSet, ReplicaSet or Argo Rollout that sets
#   `spec.replicas` while an autoscaler in the same run (same namespace, or a namespace left
#   unset) names it in `scaleTargetRef` (API group, kind and name). Nothing is reported when no
#   such autoscaler is in the run.
# related_resources:
#   - https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling
# custom:
#   id: availability/hpa-replicas-conflict
#   severity: warning
#   default: true
#   scope: pod-spec
#   requires_fields: [replicas]
#   inventory: [HorizontalPodAutoscaler]
#   remediation: |
#     Remove `spec.replicas` from the workload's manifest and let the autoscaler's `minReplicas`
#     and `maxReplicas` decide. (When migrating a live workload, apply the manifest without
#     `replicas` once; with server-side apply, hand the field over as the Kubernetes
#     documentation describes.)
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
#       ---
#       apiVersion: autoscaling/v2
#       kind: HorizontalPodAutoscaler
#       metadata:
#         name: web
#       spec:
#         scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
#         minReplicas: 2
#         maxReplicas: 10
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
#             labels: {app: web}
#           spec:
#             containers:
#               - name: web
#                 image: registry.example.com/shop/web:2.4.1
#       ---
#       apiVersion: autoscaling/v2
#       kind: HorizontalPodAutoscaler
#       metadata:
#         name: web
#       spec:
#         scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
#         minReplicas: 2
#         maxReplicas: 10
package plimsoll.rules.availability.hpa_replicas_conflict

import data.plimsoll.lib.kubernetes.api_group
import data.plimsoll.lib.workload_scaling.autoscalers
import rego.v1

# Kinds with a scale subresource whose replicas an autoscaler sets, by API group.
scaled_kinds := {
	"apps": {"Deployment", "StatefulSet", "ReplicaSet"},
	"extensions": {"Deployment", "ReplicaSet"},
	"argoproj.io": {"Rollout"},
}

name := object.get(input, ["metadata", "name"], "")

namespace := object.get(input, ["metadata", "namespace"], null)

# One finding, however many autoscalers of the run may scale the workload (with its namespace
# unset, those of every namespace may), each a related location.
violation contains {"msg": msg, "path": ["spec", "replicas"], "related": related} if {
	input.kind in scaled_kinds[api_group]
	replicas := input.spec.replicas
	replicas != null
	scalers := autoscalers(api_group, input.kind, name, namespace)
	count(scalers) > 0
	names := sort({hpa.name | some hpa in scalers})
	msg := sprintf(
		"%s %q sets replicas %v while HorizontalPodAutoscaler %s scales it: every apply resets the autoscaled count",
		[input.kind, name, replicas, concat(", ", [sprintf("%q", [n]) | some n in names])],
	)
	related := [place |
		some ref in sort([hpa.ref | some hpa in scalers])
		place := {"ref": ref, "path": "spec.scaleTargetRef", "message": "the autoscaler that scales it"}
	]
}
