# METADATA
# title: HorizontalPodAutoscaler that may scale to one pod
# description: |
#   An autoscaler whose `minReplicas` is below the minimum (2 unless configured) scales the
#   workload down to a single pod when load is low: a node drain, a crash or a rollout then
#   leaves no pod serving. An unset `minReplicas` means 1. Set the minimum in `.plimsoll.yaml`:
#   `settings: {availability/hpa-min-replicas: {min: 3}}`.
# related_resources:
#   - https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
# custom:
#   id: availability/hpa-min-replicas
#   severity: warning
#   default: false
#   scope: kinds
#   kinds: [HorizontalPodAutoscaler]
#   parameters:
#     min:
#       type: integer
#       minimum: 1
#       default: 2
#       description: the fewest pods an autoscaler may scale the workload down to
#   remediation: |
#     Set `spec.minReplicas` to at least the minimum (2, or the configured `min`).
#   examples:
#     fail: |
#       apiVersion: autoscaling/v2
#       kind: HorizontalPodAutoscaler
#       metadata:
#         name: web
#       spec:
#         scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
#         maxReplicas: 10
#     pass: |
#       apiVersion: autoscaling/v2
#       kind: HorizontalPodAutoscaler
#       metadata:
#         name: web
#       spec:
#         scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
#         minReplicas: 2
#         maxReplicas: 10
package plimsoll.rules.availability.hpa_min_replicas

import rego.v1

minimum := object.get(data.plimsoll.config, ["availability/hpa-min-replicas", "min"], 2)

violation contains {"msg": msg, "path": ["spec", "minReplicas"]} if {
	input.kind == "HorizontalPodAutoscaler"
	replicas := input.spec.minReplicas
	is_number(replicas)
	replicas < minimum
	msg := sprintf("HorizontalPodAutoscaler %q has minReplicas %v, below %v", [name, replicas, minimum])
}

violation contains {"msg": msg, "path": ["spec"]} if {
	input.kind == "HorizontalPodAutoscaler"
	is_object(input.spec)
	object.get(input.spec, "minReplicas", null) == null
	1 < minimum
	msg := sprintf("HorizontalPodAutoscaler %q sets no minReplicas, so it may scale down to 1 (below %v)", [name, minimum])
}

name := object.get(input, ["metadata", "name"], "")
