# METADATA
# title: Containers binding host ports
# description: |
#   A `hostPort` binds a port on the node's own addresses and forwards it to the container: the
#   pod bypasses Services and network policies that select on the pod network, only one such
#   pod fits per node, and the port is reachable wherever the node is. Pod Security Standards
#   forbid host ports other than 0 from the baseline level up (check "hostPorts"), for regular,
#   init and ephemeral containers.
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   - https://kubernetes.io/docs/concepts/configuration/overview/#services
# custom:
#   id: security-context/host-ports
#   severity: error
#   default: true
#   scope: pod-spec
#   requires_fields: [hostPort]
#   pss_check: hostPorts
#   level: baseline
#   since: v1.0
#   remediation: |
#     Remove `hostPort` from the container's ports and expose the port through a Service
#     (ClusterIP, NodePort or LoadBalancer) instead.
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
#             ports:
#               - containerPort: 8080
#                 hostPort: 80
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         containers:
#           - name: web
#             image: registry.example.com/shop/web:2.4.1
#             ports:
#               - containerPort: 8080
package plimsoll.rules.security_context.host_ports

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.pss.baseline
import rego.v1

violation contains {"msg": msg, "path": path} if {
	baseline
	some entry in containers
	some i, port in entry.container.ports
	is_number(port.hostPort)
	port.hostPort != 0
	msg := sprintf("%s binds host port %v", [entry.description, port.hostPort])
	path := array.concat(entry.path, ["ports", i, "hostPort"])
}
