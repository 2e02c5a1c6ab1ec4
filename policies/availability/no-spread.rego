# METADATA
# title: Replicas that may all land on one node
# description: |
#   Several replicas protect a workload only if they run apart: on one node (or in one zone)
#   they fail together. A Deployment, StatefulSet or Argo Rollout with `replicas` of 2 or more
#   is reported when its pod template has neither a pod anti-affinity term, required or
#   preferred, over `kubernetes.io/hostname`, `topology.kubernetes.io/zone` or
#   `topology.kubernetes.io/region` whose label selector selects its own pods (in its own
#   namespace), nor a topology spread constraint whose label selector selects them. Selectors
#   are evaluated as the scheduler does (matchLabels and matchExpressions). Off by default: the
#   scheduler already spreads a workload's pods softly across nodes and zones when nothing
#   else is said.
# related_resources:
#   - https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
#   - https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity
# custom:
#   id: availability/no-spread
#   severity: info
#   default: false
#   scope: pod-spec
#   requires_fields: [replicas]
#   remediation: |
#     Add a `topologySpreadConstraints` entry over `kubernetes.io/hostname` (and one over
#     `topology.kubernetes.io/zone`) whose `labelSelector` selects the workload's pods, or a
#     preferred pod anti-affinity term that does the same.
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
#             topologySpreadConstraints:
#               - maxSkew: 1
#                 topologyKey: kubernetes.io/hostname
#                 whenUnsatisfiable: ScheduleAnyway
#                 labelSelector:
#                   matchLabels: {app: web}
#             containers:
#               - name: web
#                 image: registry.example.com/shop/web:2.4.1
package plimsoll.rules.availability.no_spread

import data.plimsoll.lib.kubernetes.pod_spec
import data.plimsoll.lib.labels.selects
import rego.v1

spread_keys := {
	"kubernetes.io/hostname",
	"topology.kubernetes.io/zone",
	"topology.kubernetes.io/region",
	"failure-domain.beta.kubernetes.io/zone",
	"failure-domain.beta.kubernetes.io/region",
}

pod_labels := object.get(input, ["spec", "template", "metadata", "labels"], {})

namespace := object.get(input, ["metadata", "namespace"], null)

violation contains {"msg": msg, "path": path} if {
	input.kind in {"Deployment", "StatefulSet", "Rollout"}
	replicas := input.spec.replicas
	is_number(replicas)
	replicas >= 2
	not spread_by_anti_affinity
	not spread_by_constraint
	msg := sprintf("%s %q runs %v replicas with no anti-affinity or topology spread constraint that keeps them apart", [input.kind, object.get(input, ["metadata", "name"], ""), replicas])
	path := location
}

anti_affinity_terms contains term if {
	some term in pod_spec.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution
}

anti_affinity_terms contains weighted.podAffinityTerm if {
	some weighted in pod_spec.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution
}

spread_by_anti_affinity if {
	some term in anti_affinity_terms
	term.topologyKey in spread_keys
	selects(term.labelSelector, pod_labels)
	covers_own_namespace(term)
}

spread_by_constraint if {
	some constraint in pod_spec.spec.topologySpreadConstraints
	selects(constraint.labelSelector, pod_labels)
}

# A term looks in the pod's own namespace unless it lists others; a namespace selector (or an
# object whose namespace is chosen at apply time) cannot be decided here and is given the benefit.
covers_own_namespace(term) if count(object.get(term, "namespaces", [])) == 0

covers_own_namespace(term) if namespace in term.namespaces

covers_own_namespace(term) if namespace == null

covers_own_namespace(term) if object.get(term, "namespaceSelector", null) != null

location := array.concat(pod_spec.path, ["affinity"]) if {
	object.get(pod_spec.spec, "affinity", null) != null
} else := pod_spec.path
