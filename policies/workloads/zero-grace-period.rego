# METADATA
# title: Pods killed without a grace period
# description: |
#   `terminationGracePeriodSeconds: 0` makes the kubelet kill the containers at once when the
#   pod is deleted: no SIGTERM handling, no draining of connections, no flushing of buffers, and
#   preStop hooks get no time. For a StatefulSet it also breaks the at-most-one guarantee when a
#   pod is force-deleted while its node is unreachable. The default is 30 seconds.
# related_resources:
#   - https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
#   - https://kubernetes.io/docs/tasks/run-application/force-delete-stateful-set-pod/
# custom:
#   id: workloads/zero-grace-period
#   severity: warning
#   default: false
#   scope: pod-spec
#   requires_fields: [terminationGracePeriodSeconds]
#   remediation: |
#     Remove `terminationGracePeriodSeconds` (30 seconds) or set it to the time the containers
#     need to shut down cleanly.
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         terminationGracePeriodSeconds: 0
#         containers:
#           - name: web
#             image: registry.example.com/shop/web:2.4.1
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         terminationGracePeriodSeconds: 60
#         containers:
#           - name: web
#             image: registry.example.com/shop/web:2.4.1
package plimsoll.rules.workloads.zero_grace_period

import data.plimsoll.lib.kubernetes.pod_spec
import rego.v1

violation contains {"msg": msg, "path": path} if {
	pod_spec.spec.terminationGracePeriodSeconds == 0
	msg := "terminationGracePeriodSeconds is 0: containers are killed without time to shut down"
	path := array.concat(pod_spec.path, ["terminationGracePeriodSeconds"])
}
