# METADATA
# title: Containers that may gain privileges
# description: |
#   Unless `allowPrivilegeEscalation` is false, a process in the container can gain more
#   privileges than its parent, through set-user-ID and set-group-ID programs or file
#   capabilities: a foothold as an unprivileged user becomes root in the container. Pod Security
#   Standards at the restricted level require `securityContext.allowPrivilegeEscalation: false`
#   on regular, init and ephemeral containers from policy version v1.8 (check
#   "allowPrivilegeEscalation"); from v1.25 pods with `spec.os.name: windows` are exempt.
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
#   - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
# custom:
#   id: security-context/allow-privilege-escalation
#   severity: warning
#   default: true
#   scope: pod-spec
#   pss_check: allowPrivilegeEscalation
#   level: restricted
#   since: v1.8
#   remediation: |
#     Set `securityContext.allowPrivilegeEscalation: false` on every container.
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
#               runAsNonRoot: true
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
#               allowPrivilegeEscalation: false
package plimsoll.rules.security_context.allow_privilege_escalation

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.pss
import data.plimsoll.lib.pss.restricted
import data.plimsoll.lib.pss.version_minor
import data.plimsoll.lib.pss.windows_exempt
import rego.v1

violation contains {"msg": msg, "path": path} if {
	restricted
	version_minor >= 8
	not windows_exempt
	some entry in containers
	value := object.get(entry.security_context, "allowPrivilegeEscalation", null)
	value != false
	msg := sprintf("%s %s", [entry.description, problem(value)])
	path := array.concat(entry.security_context_path, ["allowPrivilegeEscalation"])
}

problem(value) := "allows privilege escalation (allowPrivilegeEscalation: true)" if value == true

problem(value) := "does not set allowPrivilegeEscalation to false" if value != true
