# METADATA
# title: Containers without a readiness probe
# description: |
#   Without a readiness probe, a pod receives traffic as soon as its containers start, before the
#   application can answer, and keeps receiving it when the application stops answering. Checked
#   for long-running workloads (not Jobs or CronJobs) and for regular containers only: init and
#   ephemeral containers do not serve traffic.
# related_resources:
#   - https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
# custom:
#   id: probes/readiness
#   severity: warning
#   default: true
#   scope: pod-spec
#   remediation: |
#     Add a `readinessProbe` (httpGet, tcpSocket, grpc or exec) that succeeds only when the
#     container can serve requests.
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
#                 livenessProbe:
#                   httpGet: {path: /healthz, port: http}
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
package plimsoll.rules.probes.readiness

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.kubernetes.long_running
import rego.v1

violation contains {"msg": msg, "path": path} if {
	long_running
	some entry in containers
	entry.field == "containers"
	object.get(entry.container, "readinessProbe", null) == null
	msg := sprintf("%s has no readinessProbe", [entry.description])
	path := array.concat(entry.path, ["readinessProbe"])
}

# `readinessProbe: null` (or an empty `readinessProbe:`) sets no probe.