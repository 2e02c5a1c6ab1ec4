# METADATA
# title: PodDisruptionBudget without an unhealthy-pod eviction policy
# description: |
#   Under the default `unhealthyPodEvictionPolicy` (`IfHealthyBudget`), a pod that runs but is
#   not ready may be evicted only while the application has as many healthy pods as the budget
#   demands: a workload stuck unready (a bad rollout, a missing dependency) then blocks node
#   drains although evicting its broken pods would harm nothing. `AlwaysAllow` lets them go.
#   Checked for policy/v1 budgets, the version that has the field.
# related_resources:
#   - https://kubernetes.io/docs/tasks/run-application/configure-pdb/#unhealthy-pod-eviction-policy
# custom:
#   id: availability/pdb-unhealthy-eviction
#   severity: info
#   default: false
#   scope: kinds
#   kinds: [PodDisruptionBudget]
#   remediation: |
#     Set `spec.unhealthyPodEvictionPolicy: AlwaysAllow` (or `IfHealthyBudget` to keep the
#     default on purpose, saying so).
#   examples:
#     fail: |
#       apiVersion: policy/v1
#       kind: PodDisruptionBudget
#       metadata:
#         name: web
#       spec:
#         maxUnavailable: 1
#         selector:
#           matchLabels: {app: web}
#     pass: |
#       apiVersion: policy/v1
#       kind: PodDisruptionBudget
#       metadata:
#         name: web
#       spec:
#         maxUnavailable: 1
#         unhealthyPodEvictionPolicy: AlwaysAllow
#         selector:
#           matchLabels: {app: web}
package plimsoll.rules.availability.pdb_unhealthy_eviction

import rego.v1

violation contains {"msg": msg, "path": path} if {
	input.kind == "PodDisruptionBudget"
	input.apiVersion == "policy/v1"
	object.get(input, ["spec", "unhealthyPodEvictionPolicy"], null) == null
	msg := sprintf("PodDisruptionBudget %q sets no unhealthyPodEvictionPolicy: running but unready pods can block drains", [object.get(input, ["metadata", "name"], "")])
	path := spec_path
}

spec_path := ["spec"] if is_object(input.spec)

spec_path := [] if not is_object(input.spec)
