# METADATA
# title: NodePort Services
# description: |
#   A Service of `type: NodePort` opens its port (30000–32767 by default) on every node of the
#   cluster, on every node address: the workload becomes reachable from wherever the nodes are,
#   around any load balancer, ingress controller or firewall in front of them, and network
#   policies must be written with that in mind.
# related_resources:
#   - https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport
# custom:
#   id: networking/node-port
#   severity: warning
#   default: false
#   scope: kinds
#   kinds: [Service]
#   remediation: |
#     Use a `ClusterIP` Service, reached through an Ingress or Gateway, or a `LoadBalancer`
#     Service when the port must be exposed outside the cluster.
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Service
#       metadata:
#         name: web
#       spec:
#         type: NodePort
#         selector:
#           app: web
#         ports:
#           - port: 80
#             targetPort: 8080
#     pass: |
#       apiVersion: v1
#       kind: Service
#       metadata:
#         name: web
#       spec:
#         selector:
#           app: web
#         ports:
#           - port: 80
#             targetPort: 8080
package plimsoll.rules.networking.node_port

import rego.v1

violation contains {"msg": msg, "path": ["spec", "type"]} if {
	input.kind == "Service"
	input.apiVersion == "v1"
	input.spec.type == "NodePort"
	msg := "the Service is of type NodePort: its port is open on every node"
}
