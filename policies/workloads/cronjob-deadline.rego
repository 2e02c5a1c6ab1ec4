# METADATA
# title: CronJob without a starting deadline
# description: |
#   `startingDeadlineSeconds` bounds how late a CronJob's run may still start. Without it there
#   is no bound: a run the controller could not start on time (the controller was down, the
#   previous run was still going under `concurrencyPolicy: Forbid`) may still start long after
#   its schedule, when its result may no longer be wanted. With it, a run that misses its
#   deadline is skipped and counted as missed.
# related_resources:
#   - https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#job-creation
# custom:
#   id: workloads/cronjob-deadline
#   severity: info
#   default: false
#   scope: kinds
#   kinds: [CronJob]
#   remediation: |
#     Set `spec.startingDeadlineSeconds` to how late a run is still useful (for an hourly job,
#     a few minutes), so that missed runs are skipped instead of started late.
#   examples:
#     fail: |
#       apiVersion: batch/v1
#       kind: CronJob
#       metadata:
#         name: report
#       spec:
#         schedule: "0 * * * *"
#         jobTemplate:
#           spec:
#             template:
#               spec:
#                 restartPolicy: OnFailure
#                 containers:
#                   - name: report
#                     image: registry.example.com/shop/report:2.4.1
#     pass: |
#       apiVersion: batch/v1
#       kind: CronJob
#       metadata:
#         name: report
#       spec:
#         schedule: "0 * * * *"
#         startingDeadlineSeconds: 300
#         jobTemplate:
#           spec:
#             template:
#               spec:
#                 restartPolicy: OnFailure
#                 containers:
#                   - name: report
#                     image: registry.example.com/shop/report:2.4.1
package plimsoll.rules.workloads.cronjob_deadline

import rego.v1

violation contains {"msg": msg, "path": path} if {
	input.kind == "CronJob"
	startswith(input.apiVersion, "batch/")
	object.get(input, ["spec", "startingDeadlineSeconds"], null) == null
	msg := sprintf("CronJob %q sets no startingDeadlineSeconds: a missed run may start arbitrarily late", [object.get(input, ["metadata", "name"], "")])
	path := spec_path
}

spec_path := ["spec"] if is_object(input.spec)

spec_path := [] if not is_object(input.spec)
