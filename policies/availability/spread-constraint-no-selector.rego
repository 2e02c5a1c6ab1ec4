# METADATA
# title: Topology spread constraint without a label selector
# description: |
#   A `topologySpreadConstraints` entry counts the pods its `labelSelector` selects in each
#   topology domain and keeps the counts within `maxSkew` of each other. Without a
#   `labelSelector` it counts no pod, so every domain stays at zero and the constraint spreads
#   nothing, whatever `whenUnsatisfiable` says.
# related_resources:
#   - https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
# custom:
#   id: availability/spread-constraint-no-selector
#   severity: warning
#   default: true
#   scope: pod-spec
#   requires_fields: [topologySpreadConstraints]
#   remediation: |
#     Add a `labelSelector` that selects the workload's own pods (usually the same
#     `matchLabels` as the workload's selector).
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
#             topologySpreadConstraints:
#               - maxSkew: 1
#                 topologyKey: topology.kubernetes.io/zone
#                 whenUnsatisfiable: ScheduleAnyway
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
#             topologySpreadConstraints:
#               - maxSkew: 1
#                 topologyKey: topology.kubernetes.io/zone
#                 whenUnsatisfiable: ScheduleAnyway
#                 labelSelector:
#                   matchLabels: {app: web}
#             containers:
#               - name: web
#                 image: registry.example.com/shop/web:2.4.1
package plimsoll.rules.availability.spread_constraint_no_selector

import data.plimsoll.lib.kubernetes.pod_spec
import rego.v1

violation contains {"msg": msg, "path": path} if {
	some i, constraint in pod_spec.spec.topologySpreadConstraints
	is_object(constraint)
	object.get(constraint, "labelSelector", null) == null
	msg := sprintf("topologySpreadConstraints[%d] has no labelSelector: it counts no pods and spreads nothing", [i])
	path := array.concat(pod_spec.path, ["topologySpreadConstraints", i])
}
