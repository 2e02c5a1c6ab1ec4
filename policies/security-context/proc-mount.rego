# METADATA
# title: Unmasked /proc
# description: |
#   Container runtimes mask and mount read-only the parts of /proc that expose or control the
#   host kernel. `procMount: Unmasked` turns that off. Pod Security Standards allow only the
#   `Default` proc mount from the baseline level up (check "procMount"), for regular, init and
#   ephemeral containers. From policy version v1.35 baseline allows any proc mount in a pod that
#   runs in its own user namespace (`hostUsers: false`), where /proc is the pod's own; restricted
#   does not (see security-context/proc-mount-restricted).
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   - https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/
# custom:
#   id: security-context/proc-mount
#   severity: error
#   default: true
#   scope: pod-spec
#   requires_fields: [procMount]
#   pss_check: procMount
#   level: baseline
#   since: v1.0
#   remediation: |
#     Remove `securityContext.procMount` or set it to `Default`. A workload that needs an
#     unmasked /proc (nested containers) should run with `hostUsers: false`.
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: builder
#       spec:
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
#         containers:
#           - name: buildkit
#             image: ghcr.io/example/buildkit:0.16.0
#             securityContext:
#               procMount: Default
package plimsoll.rules.security_context.proc_mount

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.pss
import data.plimsoll.lib.pss.baseline
import data.plimsoll.lib.pss.user_namespace_relaxed
import rego.v1

violation contains {"msg": msg, "path": path} if {
	baseline
	not user_namespace_relaxed
	some entry in containers
	proc_mount := entry.security_context.procMount
	pss.set(proc_mount)
	proc_mount != "Default"
	msg := sprintf("%s sets procMount to %s", [entry.description, pss.quote(proc_mount)])
	path := array.concat(entry.security_context_path, ["procMount"])
}
