# METADATA
# title: Containers that keep capabilities
# description: |
#   Even the default capabilities a container runtime grants (CHOWN, DAC_OVERRIDE, SETUID,
#   NET_RAW on older runtimes, ...) are more than most applications need, and each one is a tool
#   for an attacker who gets in. Pod Security Standards at the restricted level require every
#   regular, init and ephemeral container to drop ALL capabilities and to add back at most
#   NET_BIND_SERVICE, from policy version v1.22 (check "capabilities_restricted", which replaces
#   "capabilities_baseline" there). From v1.25 pods with `spec.os.name: windows` are exempt.
#   Added capabilities outside the default set are reported by
#   security-context/capabilities-baseline, so that each value is reported once.
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
#   - https://man7.org/linux/man-pages/man7/capabilities.7.html
# custom:
#   id: security-context/capabilities-restricted
#   severity: warning
#   default: true
#   scope: pod-spec
#   pss_check: capabilities_restricted
#   level: restricted
#   since: v1.22
#   remediation: |
#     Set `securityContext.capabilities.drop: ["ALL"]` on every container and add back only
#     `NET_BIND_SERVICE`, if the container binds a port below 1024.
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
#                 add: [NET_BIND_SERVICE]
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
#                 drop: [ALL]
#                 add: [NET_BIND_SERVICE]
package plimsoll.rules.security_context.capabilities_restricted

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.pss
import data.plimsoll.lib.pss.default_capabilities
import data.plimsoll.lib.pss.restricted
import data.plimsoll.lib.pss.version_minor
import data.plimsoll.lib.pss.windows_exempt
import rego.v1

violation contains {"msg": msg, "path": path} if {
	applies
	some entry in containers
	not "ALL" in object.get(entry.security_context, ["capabilities", "drop"], [])
	msg := sprintf("%s does not drop ALL capabilities", [entry.description])
	path := array.concat(entry.security_context_path, ["capabilities", "drop"])
}

# Capabilities of the default set other than NET_BIND_SERVICE (the others are reported by
# capabilities-baseline).
violation contains {"msg": msg, "path": path} if {
	applies
	some entry in containers
	some i, capability in entry.security_context.capabilities.add
	capability in default_capabilities
	capability != "NET_BIND_SERVICE"
	msg := sprintf("%s adds capability %q (restricted allows only NET_BIND_SERVICE)", [entry.description, capability])
	path := array.concat(entry.security_context_path, ["capabilities", "add", i])
}

applies if {
	restricted
	version_minor >= 22
	not windows_exempt
}
