# METADATA
# title: PodDisruptionBudget without a budget
# description: |
#   A PodDisruptionBudget limits voluntary evictions (node drains, cluster upgrades) through
#   `minAvailable` or `maxUnavailable`. With neither, the disruption controller expects no pod
#   to stay healthy, so every eviction is allowed: the budget exists but protects nothing.
# related_resources:
#   - https://kubernetes.io/docs/tasks/run-application/configure-pdb/#specifying-a-poddisruptionbudget
# custom:
#   id: availability/pdb-no-budget
#   severity: warning
#   default: true
#   scope: kinds
#   kinds: [PodDisruptionBudget]
#   remediation: |
#     Set `spec.minAvailable` (pods that must stay up) or `spec.maxUnavailable` (pods that may
#     be down at once), for example `maxUnavailable: 1`.
#   examples:
#     fail: |
#       apiVersion: policy/v1
#       kind: PodDisruptionBudget
#       metadata:
#         name: web
#       spec:
#         selector:
#           matchLabels: {app: web}
#     pass: |
#       apiVersion: policy/v1
#       kind: PodDisruptionBudget
#       metadata:
#         name: web
#       spec:
#         maxUnavailable: 1
#         selector:
#           matchLabels: {app: web}
package plimsoll.rules.availability.pdb_no_budget

import rego.v1

violation contains {"msg": msg, "path": path} if {
	input.kind == "PodDisruptionBudget"
	startswith(input.apiVersion, "policy/")
	object.get(input, ["spec", "minAvailable"], null) == null
	object.get(input, ["spec", "maxUnavailable"], null) == null
	msg := sprintf("PodDisruptionBudget %q sets neither minAvailable nor maxUnavailable, so it allows every eviction", [object.get(input, ["metadata", "name"], "")])
	path := spec_path
}

spec_path := ["spec"] if is_object(input.spec)

spec_path := [] if not is_object(input.spec)
