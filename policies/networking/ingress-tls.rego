# METADATA
# title: Ingresses without TLS
# description: |
#   An Ingress without a `spec.tls` entry tells the ingress controller to serve its hosts over
#   plain HTTP: requests, cookies and credentials cross the network unencrypted, unless something
#   else (the controller's annotations or defaults, a load balancer in front of it) terminates
#   TLS. Reported when `spec.tls` is missing or empty. Off by default, because TLS is often
#   terminated outside the Ingress.
# related_resources:
#   - https://kubernetes.io/docs/concepts/services-networking/ingress/#tls
# custom:
#   id: networking/ingress-tls
#   severity: info
#   default: false
#   scope: kinds
#   kinds: [Ingress]
#   remediation: |
#     Add a `spec.tls` entry listing the hosts and the Secret that holds their certificate (or
#     let cert-manager create it).
#   examples:
#     fail: |
#       apiVersion: networking.k8s.io/v1
#       kind: Ingress
#       metadata:
#         name: shop
#       spec:
#         rules:
#           - host: shop.example.com
#             http:
#               paths:
#                 - path: /
#                   pathType: Prefix
#                   backend:
#                     service:
#                       name: web
#                       port:
#                         number: 80
#     pass: |
#       apiVersion: networking.k8s.io/v1
#       kind: Ingress
#       metadata:
#         name: shop
#       spec:
#         tls:
#           - hosts: [shop.example.com]
#             secretName: shop-tls
#         rules:
#           - host: shop.example.com
#             http:
#               paths:
#                 - path: /
#                   pathType: Prefix
#                   backend:
#                     service:
#                       name: web
#                       port:
#                         number: 80
package plimsoll.rules.networking.ingress_tls

import data.plimsoll.lib.kubernetes.api_group
import rego.v1

violation contains {"msg": "the Ingress has no TLS entry: its hosts are served over plain HTTP", "path": path} if {
	input.kind == "Ingress"
	api_group in {"networking.k8s.io", "extensions"}
	not has_tls
	path := location
}

has_tls if count(input.spec.tls) > 0

location := ["spec", "tls"] if "tls" in object.keys(object.get(input, "spec", {}))

location := ["spec"] if {
	is_object(input.spec)
	not "tls" in object.keys(input.spec)
}

location := [] if not is_object(input.spec)
