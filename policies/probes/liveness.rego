# METADATA
# title: Containers without a liveness probe
# description: |
#   Without a liveness probe, a container that hangs — deadlocked, stuck in a loop, out of file
#   descriptors but still running — keeps its place and its traffic until someone notices;
#   the kubelet restarts only containers whose process exits. Checked for long-running
#   workloads (not Jobs or CronJobs) and for regular containers only: init and ephemeral
#   containers are not probed for liveness.
# related_resources:
#   - https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
# custom:
#   id: probes/liveness
#   severity: warning
#   default: true
#   scope: pod-spec
#   remediation: |
#     Add a `livenessProbe` that fails only when the process cannot recover by itself (not
#     when a dependency is down), with a `failureThreshold` and `periodSeconds` generous enough
#     for slow moments; pair it with a `startupProbe` if start-up is slow.
#   examples:
#     fail: |
#       apiVersion: apps/v1
#       kind: Deployment
#       metadata:
#         name: web
#       spec:
#         selector:
#           matchLabels: {app: web}
#         template:
#           metadata:
#             labels: {app: web}
#           spec:
#             containers:
#               - name: web
#                 image: registry.example.com/shop/web:2.4.1
#                 ports:
#                   - {name: http, containerPort: 8080}
#                 readinessProbe:
#                   httpGet: {path: /ready, port: http}
#     pass: |
#       apiVersion: apps/v1
#       kind: Deployment
#       metadata:
#         name: web
#       spec:
#         selector:
#           matchLabels: {app: web}
#         template:
#           metadata:
#             labels: {app: web}
#           spec:
#             containers:
#               - name: web
#                 image: registry.example.com/shop/web:2.4.1
#                 ports:
#                   - {name: http, containerPort: 8080}
#                 readinessProbe:
#                   httpGet: {path: /ready, port: http}
#                 livenessProbe:
#                   httpGet: {path: /healthz, port: http}
package plimsoll.rules.probes.liveness

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.kubernetes.long_running
import rego.v1

violation contains {"msg": msg, "path": path} if {
	long_running
	some entry in containers
	entry.field == "containers"
	object.get(entry.container, "livenessProbe", null) == null
	msg := sprintf("%s has no livenessProbe", [entry.description])
	path := array.concat(entry.path, ["livenessProbe"])
}

# `livenessProbe: null` (or an empty `livenessProbe:`) sets no probe.