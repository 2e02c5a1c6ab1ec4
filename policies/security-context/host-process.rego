# METADATA
# title: Windows HostProcess containers
# description: |
#   A Windows HostProcess container runs directly on the node, as a process of the host with
#   the host's network and file system, outside any container isolation: it is the Windows
#   equivalent of a privileged container. Pod Security Standards forbid
#   `windowsOptions.hostProcess: true` from the baseline level up (check "windowsHostProcess"),
#   on the pod and on regular, init and ephemeral containers.
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   - https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/
# custom:
#   id: security-context/host-process
#   severity: error
#   default: true
#   scope: pod-spec
#   requires_fields: [hostProcess]
#   pss_check: windowsHostProcess
#   level: baseline
#   since: v1.0
#   remediation: |
#     Remove `securityContext.windowsOptions.hostProcess: true` (or set it to false). Node
#     administration belongs in a node agent installed outside the cluster's workloads, or in a
#     namespace exempted from Pod Security admission on purpose.
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: win-agent
#       spec:
#         hostNetwork: true
#         containers:
#           - name: agent
#             image: ghcr.io/example/win-agent:1.0.3
#             securityContext:
#               windowsOptions:
#                 hostProcess: true
#                 runAsUserName: "NT AUTHORITY\\SYSTEM"
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: win-agent
#       spec:
#         containers:
#           - name: agent
#             image: ghcr.io/example/win-agent:1.0.3
package plimsoll.rules.security_context.host_process

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.pss
import data.plimsoll.lib.pss.baseline
import data.plimsoll.lib.pss.pod_security_context
import data.plimsoll.lib.pss.pod_security_context_path
import rego.v1

violation contains {"msg": msg, "path": path} if {
	baseline
	pod_security_context.windowsOptions.hostProcess == true
	msg := "pod sets securityContext.windowsOptions.hostProcess to true"
	path := array.concat(pod_security_context_path, ["windowsOptions", "hostProcess"])
}

violation contains {"msg": msg, "path": path} if {
	baseline
	some entry in containers
	entry.security_context.windowsOptions.hostProcess == true
	msg := sprintf("%s runs as a Windows HostProcess container", [entry.description])
	path := array.concat(entry.security_context_path, ["windowsOptions", "hostProcess"])
}
