# METADATA
# title: Containers without a seccomp profile
# description: |
#   Without a seccomp profile (until the kubelet's SeccompDefault setting, which not every
#   cluster enables) a container may make every system call the kernel offers, including the
#   rarely needed ones most kernel exploits go through. Pod Security Standards at the restricted
#   level require a `RuntimeDefault` or `Localhost` profile from policy version v1.19 (check
#   "seccompProfile_restricted"): in the pod's `securityContext.seccompProfile`, or in that of
#   every regular, init and ephemeral container. From v1.25 pods with `spec.os.name: windows`
#   are exempt. A profile of a forbidden type is reported by security-context/seccomp-baseline,
#   so that each value is reported once.
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
#   - https://kubernetes.io/docs/tutorials/security/seccomp/
# custom:
#   id: security-context/seccomp-restricted
#   severity: warning
#   default: true
#   scope: pod-spec
#   pss_check: seccompProfile_restricted
#   level: restricted
#   since: v1.19
#   remediation: |
#     Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod (it applies to every
#     container), or on each container.
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
#               allowPrivilegeEscalation: false
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         securityContext:
#           seccompProfile:
#             type: RuntimeDefault
#         containers:
#           - name: web
#             image: registry.example.com/shop/web:2.4.1
package plimsoll.rules.security_context.seccomp_restricted

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.pss
import data.plimsoll.lib.pss.restricted
import data.plimsoll.lib.pss.spec
import data.plimsoll.lib.pss.version_minor
import data.plimsoll.lib.pss.windows_exempt
import rego.v1

# Neither the container nor the pod sets a profile. (A pod profile of a forbidden type is
# reported by seccomp-baseline, once for all the containers that inherit it.)
violation contains {"msg": msg, "path": path} if {
	restricted
	version_minor >= 19
	not windows_exempt
	object.get(spec, ["securityContext", "seccompProfile"], null) == null
	some entry in containers
	object.get(entry.security_context, "seccompProfile", null) == null
	msg := sprintf("%s sets no seccomp profile, and neither does the pod", [entry.description])
	path := array.concat(entry.security_context_path, ["seccompProfile", "type"])
}
