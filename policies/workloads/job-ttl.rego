# METADATA
# title: Job without a time to live after finishing
# description: |
#   A finished Job and its pods stay in the cluster until someone deletes them: they hold their
#   logs' node storage, clutter `kubectl get pods`, and count against quotas. With
#   `ttlSecondsAfterFinished`, the TTL controller deletes the Job (and its pods) that long
#   after it completes or fails. Checked for standalone Jobs only: a Job created by a CronJob
#   (an owner reference to a CronJob) is cleaned up by the CronJob's history limits, and a Helm
#   hook with a `helm.sh/hook-delete-policy` annotation is deleted by Helm. A CronJob's
#   `jobTemplate` may set a TTL too; it is not required there.
# related_resources:
#   - https://kubernetes.io/docs/concepts/workloads/controllers/ttlafterfinished/
# custom:
#   id: workloads/job-ttl
#   severity: info
#   default: false
#   scope: kinds
#   kinds: [Job]
#   remediation: |
#     Set `spec.ttlSecondsAfterFinished` (for example `86400` to keep a finished Job a day for
#     inspection), or delete finished Jobs by other means.
#   examples:
#     fail: |
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
#     pass: |
#       apiVersion: batch/v1
#       kind: Job
#       metadata:
#         name: migrate
#       spec:
#         ttlSecondsAfterFinished: 86400
#         template:
#           spec:
#             restartPolicy: OnFailure
#             containers:
#               - name: migrate
#                 image: registry.example.com/shop/migrate:2.4.1
package plimsoll.rules.workloads.job_ttl

import rego.v1

violation contains {"msg": msg, "path": path} if {
	input.kind == "Job"
	startswith(input.apiVersion, "batch/")
	object.get(input, ["spec", "ttlSecondsAfterFinished"], null) == null
	not owned_by_cronjob
	not helm_deletes_it
	msg := sprintf("Job %q sets no ttlSecondsAfterFinished: once finished, it and its pods stay until deleted", [object.get(input, ["metadata", "name"], "")])
	path := spec_path
}

owned_by_cronjob if {
	some owner in input.metadata.ownerReferences
	owner.kind == "CronJob"
}

helm_deletes_it if {
	object.get(input, ["metadata", "annotations", "helm.sh/hook-delete-policy"], null) != null
}

spec_path := ["spec"] if is_object(input.spec)

spec_path := [] if not is_object(input.spec)
