# METADATA
# title: Unmasked /proc in a user-namespaced pod
# description: |
#   Container runtimes mask and mount read-only the parts of /proc that expose or control the
#   host kernel; `procMount: Unmasked` turns that off. From policy version v1.35 the baseline
#   level allows it in pods that run in their own user namespace (`hostUsers: false`); the
#   restricted level still allows only `Default` there (check "procMount_restricted", which
#   replaces "procMount" at restricted). Unmasked /proc in other pods is reported by
#   security-context/proc-mount, so that each value is reported once.
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
#   - https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/
# custom:
#   id: security-context/proc-mount-restricted
#   severity: warning
#   default: true
#   scope: pod-spec
#   requires_fields: [procMount]
#   pss_check: procMount_restricted
#   level: restricted
#   since: v1.35
#   remediation: |
#     Remove `securityContext.procMount` or set it to `Default`.
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: builder
#       spec:
#         hostUsers: false
#         containers:
#           - name: buildkit
#             image: ghcr.io/example/buildkit:0.16.0
#             securityContext:
#               procMount: Unmasked
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: builder
#       spec:
#         hostUsers: false
#         containers:
#           - name: buildkit
#             image: ghcr.io/example/buildkit:0.16.0
#             securityContext:
#               procMount: Default
package plimsoll.rules.security_context.proc_mount_restricted

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.pss
import data.plimsoll.lib.pss.restricted
import data.plimsoll.lib.pss.user_namespace_relaxed
import data.plimsoll.lib.pss.version_minor
import rego.v1

violation contains {"msg": msg, "path": path} if {
	restricted
	version_minor >= 35
	user_namespace_relaxed
	some entry in containers
	proc_mount := object.get(entry.security_context, "procMount", null)
	pss.set(proc_mount)
	proc_mount != "Default"
	msg := sprintf("%s sets procMount to %s in a pod with hostUsers: false", [entry.description, pss.quote(proc_mount)])
	path := array.concat(entry.security_context_path, ["procMount"])
}
