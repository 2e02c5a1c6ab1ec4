# METADATA
# title: SELinux options that escape the container policy
# description: |
#   On SELinux nodes, containers run with a confined type (`container_t`) that keeps them away
#   from the host's files and processes. Choosing another type (`spc_t`, `unconfined_t`) or a
#   custom SELinux user or role lifts that confinement. Pod Security Standards allow from the
#   baseline level up (check "seLinuxOptions") only the container types `container_t`,
#   `container_init_t` and `container_kvm_t` (and, from policy version v1.31,
#   `container_engine_t`), and no user or role, in the `seLinuxOptions` of the pod and of
#   regular, init and ephemeral containers. Setting only `level` (the MCS categories) is allowed.
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#assign-selinux-labels-to-a-container
# custom:
#   id: security-context/selinux-options
#   severity: error
#   default: true
#   scope: pod-spec
#   requires_fields: [seLinuxOptions]
#   pss_check: seLinuxOptions
#   level: baseline
#   since: v1.0
#   remediation: |
#     Remove `seLinuxOptions.user` and `seLinuxOptions.role`, and remove `seLinuxOptions.type`
#     or set it to `container_t` (or `container_init_t`, `container_kvm_t`,
#     `container_engine_t`).
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
#               seLinuxOptions:
#                 type: spc_t
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
#               seLinuxOptions:
#                 level: "s0:c123,c456"
package plimsoll.rules.security_context.selinux_options

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.pss
import data.plimsoll.lib.pss.baseline
import data.plimsoll.lib.pss.pod_security_context
import data.plimsoll.lib.pss.pod_security_context_path
import data.plimsoll.lib.pss.version_minor
import rego.v1

# The SELinux types each policy version allows ("" is an unset type).
allowed_types := {"", "container_t", "container_init_t", "container_kvm_t"} if version_minor < 31

allowed_types := {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"} if version_minor >= 31

# {"who", "options", "path"} for the pod and for each container that writes seLinuxOptions.
setters contains {"who": "pod", "options": options, "path": path} if {
	options := pod_security_context.seLinuxOptions
	is_object(options)
	path := array.concat(pod_security_context_path, ["seLinuxOptions"])
}

setters contains {"who": entry.description, "options": options, "path": path} if {
	some entry in containers
	options := entry.security_context.seLinuxOptions
	is_object(options)
	path := array.concat(entry.security_context_path, ["seLinuxOptions"])
}

violation contains {"msg": msg, "path": path} if {
	baseline
	some setter in setters
	selinux_type := pss.string_field(setter.options, "type")
	not selinux_type in allowed_types
	msg := sprintf("%s sets SELinux type %q", [setter.who, selinux_type])
	path := array.concat(setter.path, ["type"])
}

violation contains {"msg": msg, "path": path} if {
	baseline
	some setter in setters
	some field in ["user", "role"]
	value := pss.string_field(setter.options, field)
	value != ""
	msg := sprintf("%s sets a custom SELinux %s (%q)", [setter.who, field, value])
	path := array.concat(setter.path, [field])
}
