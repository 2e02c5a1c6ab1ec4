# METADATA
# title: Containers that listen on privileged ports
# description: |
#   Ports below 1024 are privileged on Linux: unless the container runtime lowers
#   `net.ipv4.ip_unprivileged_port_start` (some runtimes set it to 0 by default), binding one needs
#   root or the `NET_BIND_SERVICE` capability, which a hardened container drops. A Service can map
#   any port to a high `targetPort`, so the container itself rarely needs one. Reported for a
#   `containerPort` from 1 to 1023. Off by default, because whether the bind needs privilege
#   depends on the runtime.
# related_resources:
#   - https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service
# custom:
#   id: networking/privileged-port
#   severity: info
#   default: false
#   scope: pod-spec
#   requires_fields: [containerPort]
#   remediation: |
#     Listen on a port of 1024 or above and map the Service's `port` to it with `targetPort`.
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
#               - containerPort: 80
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
package plimsoll.rules.networking.privileged_port

import data.plimsoll.lib.kubernetes.containers
import rego.v1

violation contains {"msg": msg, "path": array.concat(entry.path, ["ports", i, "containerPort"])} if {
	some entry in containers
	some i, port in entry.container.ports
	is_number(port.containerPort)
	port.containerPort >= 1
	port.containerPort < 1024
	msg := sprintf("%s declares the privileged port %v", [entry.description, port.containerPort])
}
