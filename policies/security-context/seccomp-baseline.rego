# METADATA
# title: Seccomp profiles that weaken confinement
# description: |
#   Seccomp filters the system calls a container may make; the runtime's default profile blocks
#   the ones containers have no business making (loading kernel modules, changing the clock,
#   ...). `Unconfined` turns filtering off. Pod Security Standards allow only the `RuntimeDefault`
#   and `Localhost` profiles from the baseline level up (check "seccompProfile_baseline"): from
#   policy version v1.19 in `securityContext.seccompProfile.type` of the pod and of regular,
#   init and ephemeral containers; before v1.19 in the alpha annotations
#   `seccomp.security.alpha.kubernetes.io/pod` and
#   `container.seccomp.security.alpha.kubernetes.io/<container>`, which allow `runtime/default`,
#   `docker/default` and `localhost/<profile>`. At the restricted level, v1.19 and later, the
#   check "seccompProfile_restricted" takes over (see security-context/seccomp-restricted); this
#   rule still reports the profiles baseline forbids, except in Windows pods, which that check
#   exempts from v1.25.
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   - https://kubernetes.io/docs/tutorials/security/seccomp/
# custom:
#   id: security-context/seccomp-baseline
#   severity: error
#   default: true
#   scope: pod-spec
#   requires_fields:
#     - seccompProfile
#     - seccomp.security.alpha.kubernetes.io/pod
#     - container.seccomp.security.alpha.kubernetes.io/
#   pss_check: seccompProfile_baseline
#   level: baseline
#   since: v1.0
#   remediation: |
#     Set `securityContext.seccompProfile.type` to `RuntimeDefault` (or to `Localhost` with a
#     `localhostProfile` installed on the nodes) instead of `Unconfined`, and replace the
#     alpha annotations with the field.
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
#               seccompProfile:
#                 type: Unconfined
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
#               seccompProfile:
#                 type: RuntimeDefault
package plimsoll.rules.security_context.seccomp_baseline

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.pss
import data.plimsoll.lib.pss.annotations
import data.plimsoll.lib.pss.baseline
import data.plimsoll.lib.pss.metadata_path
import data.plimsoll.lib.pss.overridden_by_windows_exemption
import data.plimsoll.lib.pss.pod_security_context
import data.plimsoll.lib.pss.pod_security_context_path
import data.plimsoll.lib.pss.version_minor
import rego.v1

allowed_types := {"RuntimeDefault", "Localhost"}

pod_annotation := "seccomp.security.alpha.kubernetes.io/pod"

container_annotation_prefix := "container.seccomp.security.alpha.kubernetes.io/"

# v1.19 and later: the seccompProfile fields.
violation contains {"msg": msg, "path": path} if {
	baseline
	version_minor >= 19
	not overridden_by_windows_exemption
	some setter in setters
	profile_type := pss.string_field(setter.profile, "type")
	not profile_type in allowed_types
	msg := sprintf("%s sets seccomp profile type %q", [setter.who, profile_type])
	path := array.concat(setter.path, ["type"])
}

# Before v1.19: the alpha annotations, for the pod and for each container by name.
violation contains {"msg": msg, "path": path} if {
	baseline
	version_minor < 19
	some key in annotation_keys
	value := annotations[key]
	not allowed_annotation(value)
	msg := sprintf("annotation %s sets seccomp profile %q", [key, value])
	path := array.concat(metadata_path, ["annotations", key])
}

# {"who", "profile", "path"} for the pod and each container that writes a seccompProfile.
setters contains {"who": "pod", "profile": profile, "path": path} if {
	profile := pod_security_context.seccompProfile
	is_object(profile)
	path := array.concat(pod_security_context_path, ["seccompProfile"])
}

setters contains {"who": entry.description, "profile": profile, "path": path} if {
	some entry in containers
	profile := entry.security_context.seccompProfile
	is_object(profile)
	path := array.concat(entry.security_context_path, ["seccompProfile"])
}

annotation_keys contains pod_annotation

annotation_keys contains concat("", [container_annotation_prefix, entry.container.name]) if {
	some entry in containers
	is_string(entry.container.name)
}

allowed_annotation(value) if value in {"runtime/default", "docker/default"}

allowed_annotation(value) if startswith(value, "localhost/")
