# METADATA
# title: Pods that override name resolution with hostAliases
# description: |
#   `hostAliases` writes entries into the pod's `/etc/hosts`, which the container's resolver
#   consults before DNS: the names resolve to fixed addresses that nothing keeps current when the
#   service behind them moves, and the override is invisible to anyone reading the code or the
#   cluster's DNS. An attacker who can change a pod template can also send a name to their own
#   address this way.
# related_resources:
#   - https://kubernetes.io/docs/tasks/network/customize-hosts-file-for-pods/
# custom:
#   id: networking/host-aliases
#   severity: info
#   default: false
#   scope: pod-spec
#   requires_fields: [hostAliases]
#   remediation: |
#     Resolve the names through DNS: a Service (an `ExternalName` Service, or one with manually
#     managed EndpointSlices for fixed addresses) or a record in your DNS zone.
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: api
#       spec:
#         hostAliases:
#           - ip: 10.1.2.3
#             hostnames: [db.internal]
#         containers:
#           - name: api
#             image: registry.example.com/shop/api:3.1.0
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: api
#       spec:
#         containers:
#           - name: api
#             image: registry.example.com/shop/api:3.1.0
package plimsoll.rules.networking.host_aliases

import data.plimsoll.lib.kubernetes.pod_spec
import rego.v1

violation contains {"msg": msg, "path": array.concat(pod_spec.path, ["hostAliases"])} if {
	aliases := pod_spec.spec.hostAliases
	count(aliases) > 0
	names := [name | some alias in aliases; some name in alias.hostnames; is_string(name)]
	msg := sprintf("the pod spec overrides name resolution in /etc/hosts%s", [for_names(names)])
}

for_names(names) := sprintf(" for %s", [concat(", ", names)]) if count(names) > 0

for_names(names) := "" if count(names) == 0
