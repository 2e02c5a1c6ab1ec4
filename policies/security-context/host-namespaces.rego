# METADATA
# title: Pods sharing the host's namespaces
# description: |
#   A pod that shares the node's network namespace (`hostNetwork`) can listen on the node's
#   addresses and reach services bound to localhost; one that shares the process namespace
#   (`hostPID`) can see and signal every process of the node; one that shares the IPC namespace
#   (`hostIPC`) can read other processes' shared memory. Pod Security Standards forbid all three
#   from the baseline level up (check "hostNamespaces").
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
# custom:
#   id: security-context/host-namespaces
#   severity: error
#   default: true
#   scope: pod-spec
#   requires_fields: [hostNetwork, hostPID, hostIPC]
#   pss_check: hostNamespaces
#   level: baseline
#   since: v1.0
#   remediation: |
#     Remove `hostNetwork`, `hostPID` and `hostIPC` from the pod spec (or set them to false).
#     Expose network services through a Service instead of the node's network.
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: node-agent
#       spec:
#         hostNetwork: true
#         hostPID: true
#         containers:
#           - name: agent
#             image: ghcr.io/example/node-agent:1.8.0
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: node-agent
#       spec:
#         containers:
#           - name: agent
#             image: ghcr.io/example/node-agent:1.8.0
package plimsoll.rules.security_context.host_namespaces

import data.plimsoll.lib.pss.baseline
import data.plimsoll.lib.pss.spec
import data.plimsoll.lib.pss.spec_path
import rego.v1

# The namespaces and how a message names them.
namespaces := {
	"hostNetwork": "network",
	"hostPID": "process (PID)",
	"hostIPC": "IPC",
}

violation contains {"msg": msg, "path": path} if {
	baseline
	some field, namespace in namespaces
	spec[field] == true
	msg := sprintf("pod shares the host's %s namespace (%s: true)", [namespace, field])
	path := array.concat(spec_path, [field])
}
