# METADATA
# title: Update strategy that stops every pod, or replaces none
# description: |
#   A Deployment with `strategy.type: Recreate` stops all its pods before starting the new
#   ones: every rollout is an outage. A StatefulSet or DaemonSet with `updateStrategy.type:
#   OnDelete` never replaces its pods by itself: a changed template reaches a pod only when
#   someone deletes it, so old and new versions run side by side indefinitely. Both have their
#   uses (a volume only one pod may mount, a hand-run upgrade); say so with a suppression.
# related_resources:
#   - https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy
#   - https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#update-strategies
# custom:
#   id: availability/recreate-strategy
#   severity: info
#   default: false
#   scope: pod-spec
#   requires_fields: [strategy, updateStrategy]
#   remediation: |
#     Use `RollingUpdate` (the default: remove the `type`), with `maxUnavailable` and
#     `maxSurge` sized for the workload.
#   examples:
#     fail: |
#       apiVersion: apps/v1
#       kind: Deployment
#       metadata:
#         name: web
#       spec:
#         strategy:
#           type: Recreate
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
#         strategy:
#           type: RollingUpdate
#           rollingUpdate: {maxUnavailable: 0, maxSurge: 1}
#         selector:
#           matchLabels: {app: web}
#         template:
#           metadata:
#             labels: {app: web}
#           spec:
#             containers:
#               - name: web
#                 image: registry.example.com/shop/web:2.4.1
package plimsoll.rules.availability.recreate_strategy

import rego.v1

violation contains {"msg": msg, "path": ["spec", "strategy", "type"]} if {
	input.kind == "Deployment"
	input.spec.strategy.type == "Recreate"
	msg := sprintf("Deployment %q uses the Recreate strategy: every rollout stops all pods first", [name])
}

violation contains {"msg": msg, "path": ["spec", "updateStrategy", "type"]} if {
	input.kind in {"StatefulSet", "DaemonSet"}
	input.spec.updateStrategy.type == "OnDelete"
	msg := sprintf("%s %q uses the OnDelete update strategy: pods get a new template only when deleted", [input.kind, name])
}

name := object.get(input, ["metadata", "name"], "")
