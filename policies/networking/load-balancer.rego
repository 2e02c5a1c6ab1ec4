# METADATA
# title: LoadBalancer Services
# description: |
#   A Service of `type: LoadBalancer` asks the cloud provider for an external load balancer: the
#   workload is exposed outside the cluster, usually to the internet unless the provider's
#   annotations or `loadBalancerSourceRanges` restrict it. Unless
#   `allocateLoadBalancerNodePorts: false`, it also opens a node port on every node, as a
#   `NodePort` Service does. Reported so that each exposure is a deliberate choice.
# related_resources:
#   - https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer
# custom:
#   id: networking/load-balancer
#   severity: info
#   default: false
#   scope: kinds
#   kinds: [Service]
#   remediation: |
#     Use a `ClusterIP` Service behind an Ingress or Gateway where possible; otherwise restrict
#     the sources (`loadBalancerSourceRanges`) and, if the provider supports it, set
#     `allocateLoadBalancerNodePorts: false`.
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Service
#       metadata:
#         name: web
#       spec:
#         type: LoadBalancer
#         selector:
#           app: web
#         ports:
#           - port: 443
#             targetPort: 8443
#     pass: |
#       apiVersion: v1
#       kind: Service
#       metadata:
#         name: web
#       spec:
#         type: ClusterIP
#         selector:
#           app: web
#         ports:
#           - port: 443
#             targetPort: 8443
package plimsoll.rules.networking.load_balancer

import rego.v1

violation contains {"msg": msg, "path": ["spec", "type"]} if {
	input.kind == "Service"
	input.apiVersion == "v1"
	input.spec.type == "LoadBalancer"
	msg := sprintf("the Service is of type LoadBalancer: it is exposed outside the cluster%s", [node_port_note])
}

node_port_note := "" if input.spec.allocateLoadBalancerNodePorts == false

node_port_note := ", and on a port of every node" if not input.spec.allocateLoadBalancerNodePorts == false
