# METADATA
# title: Containers that run as root (runAsUser 0)
# description: |
#   `runAsUser: 0` runs the container's processes as root, whatever the image says. Root in a
#   container is root on the node for everything the isolation misses. Pod Security Standards at
#   the restricted level forbid user 0 on the pod and on regular, init and ephemeral containers
#   from policy version v1.23 (check "runAsUser"). From v1.35 a pod that runs in its own user
#   namespace (`hostUsers: false`) is exempt: its root is not root on the node.
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
#   - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
# custom:
#   id: security-context/run-as-user
#   severity: warning
#   default: true
#   scope: pod-spec
#   requires_fields: [runAsUser]
#   pss_check: runAsUser
#   level: restricted
#   since: v1.23
#   remediation: |
#     Set `runAsUser` to a non-zero user ID (or remove it and set `runAsNonRoot: true` with an
#     image that runs as a non-root user).
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         securityContext:
#           runAsUser: 0
#         containers:
#           - name: web
#             image: registry.example.com/shop/web:2.4.1
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         securityContext:
#           runAsUser: 10001
#         containers:
#           - name: web
#             image: registry.example.com/shop/web:2.4.1
package plimsoll.rules.security_context.run_as_user

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.pss
import data.plimsoll.lib.pss.pod_security_context_path
import data.plimsoll.lib.pss.restricted
import data.plimsoll.lib.pss.spec
import data.plimsoll.lib.pss.user_namespace_relaxed
import data.plimsoll.lib.pss.version_minor
import rego.v1

violation contains {"msg": msg, "path": path} if {
	applies
	object.get(spec, ["securityContext", "runAsUser"], null) == 0
	msg := "pod runs as root (runAsUser: 0)"
	path := array.concat(pod_security_context_path, ["runAsUser"])
}

violation contains {"msg": msg, "path": path} if {
	applies
	some entry in containers
	object.get(entry.security_context, "runAsUser", null) == 0
	msg := sprintf("%s runs as root (runAsUser: 0)", [entry.description])
	path := array.concat(entry.security_context_path, ["runAsUser"])
}

applies if {
	restricted
	version_minor >= 23
	not user_namespace_relaxed
}
