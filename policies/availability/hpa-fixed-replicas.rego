# METADATA
# title: HorizontalPodAutoscaler that cannot scale
# description: |
#   An autoscaler whose `maxReplicas` equals its `minReplicas` (unset means 1) keeps the
#   workload at that one size whatever the load: it only adds an object to maintain, and
#   suggests a capacity plan that does not exist.
# related_resources:
#   - https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
# custom:
#   id: availability/hpa-fixed-replicas
#   severity: info
#   default: false
#   scope: kinds
#   kinds: [HorizontalPodAutoscaler]
#   remediation: |
#     Raise `spec.maxReplicas` above `spec.minReplicas`, or drop the autoscaler and set the
#     workload's `replicas`.
#   examples:
#     fail: |
#       apiVersion: autoscaling/v2
#       kind: HorizontalPodAutoscaler
#       metadata:
#         name: web
#       spec:
#         scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
#         minReplicas: 3
#         maxReplicas: 3
#     pass: |
#       apiVersion: autoscaling/v2
#       kind: HorizontalPodAutoscaler
#       metadata:
#         name: web
#       spec:
#         scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
#         minReplicas: 3
#         maxReplicas: 10
package plimsoll.rules.availability.hpa_fixed_replicas

import rego.v1

violation contains {"msg": msg, "path": ["spec", "maxReplicas"]} if {
	input.kind == "HorizontalPodAutoscaler"
	maximum := input.spec.maxReplicas
	is_number(maximum)
	minimum := object.get(input.spec, "minReplicas", 1)
	is_number(minimum)
	maximum == minimum
	msg := sprintf("HorizontalPodAutoscaler %q has maxReplicas equal to minReplicas (%v): it never scales", [object.get(input, ["metadata", "name"], ""), maximum])
}
