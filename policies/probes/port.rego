# METADATA
# title: Probes on undeclared named ports
# description: |
#   A probe may name its port (`port: http`) instead of giving the number; the kubelet then looks
#   the name up in the container's `ports`. A name the container does not declare makes every
#   probe fail: the pod never becomes ready, or is restarted over and over, and the manifest
#   looks fine. Checked for httpGet, tcpSocket and grpc handlers of liveness, readiness and
#   startup probes, in long-running workloads and regular containers.
# related_resources:
#   - https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#use-a-named-port
# custom:
#   id: probes/port
#   severity: error
#   default: true
#   scope: pod-spec
#   remediation: |
#     Declare the port under the container's `ports` with that `name`, fix the name's spelling,
#     or give the port number.
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
#                   - {name: web, containerPort: 8080}
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
package plimsoll.rules.probes.port

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.kubernetes.long_running
import rego.v1

violation contains {"msg": msg, "path": path} if {
	long_running
	some entry in containers
	entry.field == "containers"
	some probe in ["livenessProbe", "readinessProbe", "startupProbe"]
	some handler in ["httpGet", "tcpSocket", "grpc"]
	port := entry.container[probe][handler].port
	is_string(port)
	names := declared_names(entry.container)
	not port in names
	msg := sprintf("%s: %s.%s.port %q is not the name of one of its ports (%s)", [entry.description, probe, handler, port, declared(names)])
	path := array.concat(entry.path, [probe, handler, "port"])
}

declared_names(container) := {name |
	some port in container.ports
	name := port.name
	is_string(name)
}

declared(names) := "it has no named ports" if count(names) == 0

declared(names) := sprintf("its named ports: %s", [concat(", ", sort(names))]) if count(names) > 0
