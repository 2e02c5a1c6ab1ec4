# METADATA
# title: Workload with a single replica
# description: |
#   With one pod, every node drain, eviction, crash or rollout of a Deployment, StatefulSet or
#   Argo Rollout is an outage. Reported when `spec.replicas` is below the minimum (2 unless
#   configured: `settings: {availability/single-replica: {min: 3}}` in `.plimsoll.yaml`); `0`
#   is left alone, as a workload scaled down on purpose. An unset `replicas` means 1, but an
#   autoscaler deployed from elsewhere may be scaling the workload, so it is reported only when
#   the input is declared complete (`--complete-input`) and no HorizontalPodAutoscaler in the
#   run scales it. A workload that an autoscaler in the run scales is not reported either way:
#   its pod count is the autoscaler's (see availability/hpa-min-replicas and
#   availability/hpa-replicas-conflict).
# related_resources:
#   - https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#replicas
#   - https://kubernetes.io/docs/concepts/workloads/pods/disruptions/
# custom:
#   id: availability/single-replica
#   severity: warning
#   default: false
#   scope: pod-spec
#   complete_input: partly
#   parameters:
#     min:
#       type: integer
#       minimum: 1
#       default: 2
#       description: the fewest replicas a workload may set
#   remediation: |
#     Run at least two replicas (`spec.replicas: 2`, or the configured minimum), spread across
#     nodes, or let a HorizontalPodAutoscaler with `minReplicas` of 2 or more scale the workload.
#   examples:
#     fail: |
#       apiVersion: apps/v1
#       kind: Deployment
#       metadata:
#         name: web
#       spec:
#         replicas: 1
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
package plimsoll.rules.availability.single_replica

import data.plimsoll.lib.inventory.complete
import data.plimsoll.lib.kubernetes.api_group
import data.plimsoll.lib.workload_scaling.autoscalers
import rego.v1

minimum := object.get(data.plimsoll.config, ["availability/single-replica", "min"], 2)

scaled_kinds := {"apps": {"Deployment", "StatefulSet"}, "argoproj.io": {"Rollout"}}

name := object.get(input, ["metadata", "name"], "")

namespace := object.get(input, ["metadata", "namespace"], null)

workload if input.kind in scaled_kinds[api_group]

autoscaled if count(autoscalers(api_group, input.kind, name, namespace)) > 0

violation contains {"msg": msg, "path": ["spec", "replicas"]} if {
	workload
	replicas := input.spec.replicas
	is_number(replicas)
	replicas > 0
	replicas < minimum
	not autoscaled
	msg := sprintf("%s %q sets replicas %v, below the minimum of %v", [input.kind, name, replicas, minimum])
}

# Unset replicas mean one pod, unless an autoscaler the run does not show scales the workload.
violation contains {"msg": msg, "path": ["spec"]} if {
	complete
	workload
	is_object(input.spec)
	object.get(input.spec, "replicas", null) == null
	1 < minimum
	not autoscaled
	msg := sprintf("%s %q sets no replicas, so it runs 1 pod (the minimum is %v), and no autoscaler in the run scales it", [input.kind, name, minimum])
}
