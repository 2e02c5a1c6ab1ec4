# METADATA
# title: Probes and lifecycle hooks aimed at another host
# description: |
#   The kubelet runs httpGet and tcpSocket probes and lifecycle hooks from the node, with the
#   node's network access. A `host` field points those requests somewhere other than the pod:
#   a pod can make the kubelet reach addresses the pod itself cannot, such as the node's
#   localhost or cloud metadata endpoints. Pod Security Standards forbid a non-empty `host` in
#   liveness, readiness and startup probes and in postStart and preStop hooks from the baseline
#   level up, from policy version v1.34 (check "hostProbesAndHostLifecycle").
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   - https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
# custom:
#   id: security-context/host-probes-lifecycle
#   severity: error
#   default: true
#   scope: pod-spec
#   requires_fields: [host]
#   pss_check: hostProbesAndHostLifecycle
#   level: baseline
#   since: v1.34
#   remediation: |
#     Remove the `host` field: probes and hooks then go to the pod's own IP address. To reach
#     another service, probe an endpoint of the container that checks that service itself.
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         containers:
#           - name: web
#             image: registry.example.com/shop/web:2.4.1
#             livenessProbe:
#               httpGet:
#                 host: 169.254.169.254
#                 path: /healthz
#                 port: 8080
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         containers:
#           - name: web
#             image: registry.example.com/shop/web:2.4.1
#             livenessProbe:
#               httpGet:
#                 path: /healthz
#                 port: 8080
package plimsoll.rules.security_context.host_probes_lifecycle

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.pss
import data.plimsoll.lib.pss.baseline
import data.plimsoll.lib.pss.version_minor
import rego.v1

# Where a host can be written: probes and lifecycle handlers, each with httpGet and tcpSocket
# (tcpSocket is deprecated in lifecycle handlers but still read).
handlers := [
	["livenessProbe"],
	["readinessProbe"],
	["startupProbe"],
	["lifecycle", "postStart"],
	["lifecycle", "preStop"],
]

violation contains {"msg": msg, "path": path} if {
	baseline
	version_minor >= 34
	some entry in containers
	some handler in handlers
	some action in ["httpGet", "tcpSocket"]
	field := array.concat(handler, [action, "host"])
	host := object.get(entry.container, field, "")
	is_string(host)
	host != ""
	msg := sprintf("%s sends its %s %s to host %q", [entry.description, concat(".", handler), action, host])
	path := array.concat(entry.path, field)
}
