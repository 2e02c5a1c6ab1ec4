# METADATA
# title: Capabilities beyond the default set
# description: |
#   Linux capabilities split root's powers; container runtimes grant a small default set.
#   Adding others (`SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE`, `NET_RAW`, ...) hands the container
#   powers that lead to the node: mounting file systems, reconfiguring the network, tracing other
#   processes. Pod Security Standards allow only the default set in `capabilities.add` from the
#   baseline level up (check "capabilities_baseline"): AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER,
#   FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID and SYS_CHROOT.
#   At the restricted level the stricter "capabilities_restricted" check takes over from v1.22
#   (see security-context/capabilities-restricted); this rule still reports the capabilities
#   baseline forbids, except in Windows pods, which that check exempts from v1.25.
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   - https://man7.org/linux/man-pages/man7/capabilities.7.html
# custom:
#   id: security-context/capabilities-baseline
#   severity: error
#   default: true
#   scope: pod-spec
#   requires_fields: [add]
#   pss_check: capabilities_baseline
#   level: baseline
#   since: v1.0
#   remediation: |
#     Remove the capability from `securityContext.capabilities.add`. If the workload really
#     needs it, find a narrower mechanism (a device plugin, a CSI driver, a node agent) or run it
#     in a namespace whose Pod Security level is privileged on purpose.
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
#             securityContext:
#               capabilities:
#                 add: [SYS_ADMIN]
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         containers:
#           - name: web
#             image: registry.example.com/shop/web:2.4.1
#             securityContext:
#               capabilities:
#                 add: [NET_BIND_SERVICE]
package plimsoll.rules.security_context.capabilities_baseline

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.pss
import data.plimsoll.lib.pss.baseline
import data.plimsoll.lib.pss.default_capabilities
import data.plimsoll.lib.pss.overridden_by_windows_exemption
import rego.v1

violation contains {"msg": msg, "path": path} if {
	baseline
	not overridden_by_windows_exemption
	some entry in containers
	some i, capability in entry.security_context.capabilities.add
	not capability in default_capabilities
	msg := sprintf("%s adds capability %s, which is not in the default set", [entry.description, pss.quote(capability)])
	path := array.concat(entry.security_context_path, ["capabilities", "add", i])
}
