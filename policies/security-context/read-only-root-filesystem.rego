# METADATA
# title: Writable root file systems
# description: |
#   A container whose root file system is writable lets an intruder change the application's
#   own binaries and configuration, and drop tools that survive until the container restarts;
#   it also hides writes an application should make to a volume. `readOnlyRootFilesystem: true`
#   forbids writes outside mounted volumes. This is a hardening best practice, not a Pod
#   Security Standards check: it runs at every level and version. It applies to regular and
#   init containers (ephemeral debug containers are exempt), and not to Windows pods
#   (`spec.os.name: windows`), where the setting is not supported.
# related_resources:
#   - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
# custom:
#   id: security-context/read-only-root-filesystem
#   severity: warning
#   default: true
#   scope: pod-spec
#   remediation: |
#     Set `securityContext.readOnlyRootFilesystem: true` and mount an emptyDir volume where the
#     application writes (for example `/tmp` or a cache directory).
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
#         volumes:
#           - name: tmp
#             emptyDir: {}
#         containers:
#           - name: web
#             image: registry.example.com/shop/web:2.4.1
#             securityContext:
#               readOnlyRootFilesystem: true
#             volumeMounts:
#               - {name: tmp, mountPath: /tmp}
package plimsoll.rules.security_context.read_only_root_filesystem

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.pss
import data.plimsoll.lib.pss.spec
import rego.v1

violation contains {"msg": msg, "path": path} if {
	not spec.os.name == "windows"
	some entry in containers
	entry.field in {"containers", "initContainers"}
	object.get(entry.security_context, "readOnlyRootFilesystem", null) != true
	msg := sprintf("%s does not set readOnlyRootFilesystem to true", [entry.description])
	path := array.concat(entry.security_context_path, ["readOnlyRootFilesystem"])
}
