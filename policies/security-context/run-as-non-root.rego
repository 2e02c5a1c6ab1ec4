# METADATA
# title: Containers that may run as root
# description: |
#   A container image decides which user its process runs as, and many images run as root
#   (user 0). Root in a container is root on the node for everything the isolation misses: a
#   kernel or runtime bug, a mounted host file, a granted capability. `runAsNonRoot: true` makes
#   the kubelet refuse to start a container whose user would be root. Pod Security Standards at
#   the restricted level require it (check "runAsNonRoot"): on the pod, or on every regular,
#   init and ephemeral container that does not inherit it from the pod, and no container may
#   set it to false. From policy version v1.35 a pod that runs in its own user namespace
#   (`hostUsers: false`) is exempt: its root is not root on the node.
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
#   - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
# custom:
#   id: security-context/run-as-non-root
#   severity: warning
#   default: true
#   scope: pod-spec
#   pss_check: runAsNonRoot
#   level: restricted
#   since: v1.0
#   remediation: |
#     Set `securityContext.runAsNonRoot: true` on the pod (it applies to every container), and
#     make sure the image runs as a non-root user (`USER 1000` in the Dockerfile or
#     `securityContext.runAsUser`).
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
#           runAsNonRoot: true
#         containers:
#           - name: web
#             image: registry.example.com/shop/web:2.4.1
package plimsoll.rules.security_context.run_as_non_root

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.pss
import data.plimsoll.lib.pss.pod_security_context_path
import data.plimsoll.lib.pss.restricted
import data.plimsoll.lib.pss.spec
import data.plimsoll.lib.pss.user_namespace_relaxed
import rego.v1

violation contains {"msg": msg, "path": path} if {
	applies
	object.get(spec, ["securityContext", "runAsNonRoot"], null) == false
	msg := "pod sets runAsNonRoot to false"
	path := array.concat(pod_security_context_path, ["runAsNonRoot"])
}

violation contains {"msg": msg, "path": path} if {
	applies
	some entry in containers
	object.get(entry.security_context, "runAsNonRoot", null) == false
	msg := sprintf("%s sets runAsNonRoot to false", [entry.description])
	path := array.concat(entry.security_context_path, ["runAsNonRoot"])
}

# Neither the container nor the pod says: the image decides, and may run as root. (A pod that
# says false is reported above, once for all the containers that inherit it.)
violation contains {"msg": msg, "path": path} if {
	applies
	object.get(spec, ["securityContext", "runAsNonRoot"], null) == null
	some entry in containers
	object.get(entry.security_context, "runAsNonRoot", null) == null
	msg := sprintf("%s does not set runAsNonRoot to true, and neither does the pod", [entry.description])
	path := array.concat(entry.security_context_path, ["runAsNonRoot"])
}

applies if {
	restricted
	not user_namespace_relaxed
}
