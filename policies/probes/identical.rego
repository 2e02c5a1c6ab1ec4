# METADATA
# title: Identical liveness and readiness probes
# description: |
#   Readiness answers "should this pod get traffic now?", liveness "is this process beyond
#   recovery?". When both probes run the same check with the same timings, a pod that is merely
#   busy or waiting for a dependency fails both at once: it is taken out of the load balancer
#   and restarted together, and under load the restarts cascade across replicas. Probes compare
#   after Kubernetes' defaults for the timings (initialDelaySeconds 0, timeoutSeconds 1,
#   periodSeconds 10, successThreshold 1, failureThreshold 3) are filled in. Checked for
#   long-running workloads and regular containers, like the probes themselves.
# related_resources:
#   - https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
#   - https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
# custom:
#   id: probes/identical
#   severity: warning
#   default: true
#   scope: pod-spec
#   requires_fields: [livenessProbe]
#   remediation: |
#     Make the liveness probe check less than readiness (only that the process answers, not its
#     dependencies) or at least fail later than readiness: a larger `failureThreshold` or
#     `periodSeconds`.
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
#                   httpGet: {path: /healthz, port: http}
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
package plimsoll.rules.probes.identical

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.kubernetes.long_running
import rego.v1

violation contains {"msg": msg, "path": path} if {
	long_running
	some entry in containers
	entry.field == "containers"
	liveness := entry.container.livenessProbe
	readiness := entry.container.readinessProbe
	has_handler(liveness)
	is_object(readiness)
	with_defaults(liveness) == with_defaults(readiness)
	msg := sprintf("%s has identical liveness and readiness probes", [entry.description])
	path := array.concat(entry.path, ["livenessProbe"])
}

has_handler(probe) if {
	is_object(probe)
	some handler in ["exec", "httpGet", "tcpSocket", "grpc"]
	probe[handler]
}

# The timings a probe leaves out are Kubernetes' defaults.
timing_defaults := {
	"initialDelaySeconds": 0,
	"timeoutSeconds": 1,
	"periodSeconds": 10,
	"successThreshold": 1,
	"failureThreshold": 3,
}

with_defaults(probe) := object.union(timing_defaults, probe)
