# METADATA
# title: Restart policy the API server rejects for the kind
# description: |
#   The pods of a Deployment, ReplicaSet, ReplicationController, StatefulSet, DaemonSet or Argo
#   Rollout must restart forever: their `restartPolicy` may only be `Always` (or unset, which
#   means `Always`). A Job's or CronJob's pods run to completion: they need `OnFailure` or
#   `Never`, and `Never` when the Job sets a `podFailurePolicy`. An unset policy defaults to
#   `Always`, so a Job without one is rejected as well. The API server refuses all of these, so
#   the object never gets created. A Pod may use any of the three values; it is not checked.
# related_resources:
#   - https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy
#   - https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-backoff-failure-policy
# custom:
#   id: workloads/restart-policy
#   severity: error
#   default: true
#   scope: pod-spec
#   remediation: |
#     For a long-running workload remove `restartPolicy` (or set `Always`); for a Job or
#     CronJob set `restartPolicy: OnFailure` or `Never` (`Never` when `podFailurePolicy` is set).
#   examples:
#     fail: |
#       apiVersion: batch/v1
#       kind: Job
#       metadata:
#         name: migrate
#       spec:
#         template:
#           spec:
#             containers:
#               - name: migrate
#                 image: registry.example.com/shop/migrate:2.4.1
#     pass: |
#       apiVersion: batch/v1
#       kind: Job
#       metadata:
#         name: migrate
#       spec:
#         template:
#           spec:
#             restartPolicy: OnFailure
#             containers:
#               - name: migrate
#                 image: registry.example.com/shop/migrate:2.4.1
package plimsoll.rules.workloads.restart_policy

import data.plimsoll.lib.kubernetes.pod_spec
import rego.v1

long_running_kinds := {"Deployment", "ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet", "Rollout"}

policy := object.get(pod_spec.spec, "restartPolicy", null)

policy_path := array.concat(pod_spec.path, ["restartPolicy"])

violation contains {"msg": msg, "path": policy_path} if {
	input.kind in long_running_kinds
	policy != null
	policy != "Always"
	msg := sprintf("%s pods must restart always: restartPolicy %v is rejected (only Always is allowed)", [input.kind, policy])
}

violation contains {"msg": msg, "path": pod_spec.path} if {
	input.kind in {"Job", "CronJob"}
	policy == null
	msg := sprintf("%s pod template sets no restartPolicy: it defaults to Always, which the API server rejects for a %s (use OnFailure or Never)", [input.kind, input.kind])
}

violation contains {"msg": msg, "path": policy_path} if {
	input.kind in {"Job", "CronJob"}
	policy != null
	not policy in {"OnFailure", "Never"}
	msg := sprintf("%s pods run to completion: restartPolicy %v is rejected (use OnFailure or Never)", [input.kind, policy])
}

violation contains {"msg": msg, "path": policy_path} if {
	input.kind in {"Job", "CronJob"}
	policy == "OnFailure"
	job_spec := object.get(input, array.slice(pod_spec.path, 0, count(pod_spec.path) - 2), {})
	object.get(job_spec, "podFailurePolicy", null) != null
	msg := sprintf("%s sets a podFailurePolicy, which requires restartPolicy Never, not OnFailure", [input.kind])
}
