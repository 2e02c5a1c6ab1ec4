# METADATA
# title: Privileged containers
# description: |
#   A privileged container runs with every Linux capability and direct access to the host's
#   devices: a compromise of the container is a compromise of the node. Pod Security Standards
#   forbid it from the baseline level up (check "privileged"), for regular, init and ephemeral
#   containers alike.
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
# custom:
#   id: security-context/privileged
#   severity: error
#   default: true
#   scope: pod-spec
#   requires_fields: [privileged]
#   pss_check: privileged
#   level: baseline
#   since: v1.0
#   remediation: |
#     Remove `securityContext.privileged: true` (or set it to false). Grant the specific
#     capabilities the workload needs with `securityContext.capabilities.add` instead.
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: vpn
#       spec:
#         containers:
#           - name: openvpn
#             image: ghcr.io/example/openvpn:2.6.11
#             securityContext:
#               privileged: true
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: vpn
#       spec:
#         containers:
#           - name: openvpn
#             image: ghcr.io/example/openvpn:2.6.11
#             securityContext:
#               capabilities:
#                 add: [NET_ADMIN]
package plimsoll.rules.security_context.privileged

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.pss
import data.plimsoll.lib.pss.baseline
import rego.v1

violation contains {"msg": msg, "path": path} if {
	baseline
	some entry in containers
	entry.security_context.privileged == true
	msg := sprintf("%s runs privileged", [entry.description])
	path := array.concat(entry.security_context_path, ["privileged"])
}
