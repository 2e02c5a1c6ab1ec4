# METADATA
# title: AppArmor profiles that weaken confinement
# description: |
#   On nodes with AppArmor, the container runtime confines every container with its default
#   profile. Setting the profile to `Unconfined` removes that confinement. Pod Security Standards
#   allow only `RuntimeDefault` and `Localhost` profiles from the baseline level up (check
#   "appArmorProfile"), in `securityContext.appArmorProfile.type` of the pod and of regular, init
#   and ephemeral containers, and in the older beta annotations
#   `container.apparmor.security.beta.kubernetes.io/<container>`, where `runtime/default`,
#   `localhost/<profile>` and an empty value are allowed.
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   - https://kubernetes.io/docs/tutorials/security/apparmor/
# custom:
#   id: security-context/apparmor-profile
#   severity: error
#   default: true
#   scope: pod-spec
#   requires_fields: [appArmorProfile, container.apparmor.security.beta.kubernetes.io/]
#   pss_check: appArmorProfile
#   level: baseline
#   since: v1.0
#   remediation: |
#     Remove the profile setting (the runtime default applies), or set
#     `securityContext.appArmorProfile.type` to `RuntimeDefault`, or to `Localhost` with a
#     `localhostProfile` loaded on the nodes. Replace the beta annotation with the field.
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
#               appArmorProfile:
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
#               appArmorProfile:
#                 type: RuntimeDefault
package plimsoll.rules.security_context.apparmor_profile

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.pss
import data.plimsoll.lib.pss.annotations
import data.plimsoll.lib.pss.baseline
import data.plimsoll.lib.pss.metadata_path
import data.plimsoll.lib.pss.pod_security_context
import data.plimsoll.lib.pss.pod_security_context_path
import rego.v1

allowed_types := {"RuntimeDefault", "Localhost"}

annotation_prefix := "container.apparmor.security.beta.kubernetes.io/"

violation contains {"msg": msg, "path": path} if {
	baseline
	profile := pod_security_context.appArmorProfile
	forbidden_type(profile)
	msg := sprintf("pod sets AppArmor profile type %s", [profile_type(profile)])
	path := array.concat(pod_security_context_path, ["appArmorProfile", "type"])
}

violation contains {"msg": msg, "path": path} if {
	baseline
	some entry in containers
	profile := entry.security_context.appArmorProfile
	forbidden_type(profile)
	msg := sprintf("%s sets AppArmor profile type %s", [entry.description, profile_type(profile)])
	path := array.concat(entry.security_context_path, ["appArmorProfile", "type"])
}

violation contains {"msg": msg, "path": path} if {
	baseline
	some key, value in annotations
	startswith(key, annotation_prefix)
	not allowed_annotation(value)
	msg := sprintf("annotation %s sets AppArmor profile %q", [key, value])
	path := array.concat(metadata_path, ["annotations", key])
}

# A profile that is written (not null) must name an allowed type; a missing type is empty.
forbidden_type(profile) if {
	is_object(profile)
	not pss.string_field(profile, "type") in allowed_types
}

profile_type(profile) := sprintf("%q", [pss.string_field(profile, "type")])

allowed_annotation(value) if value in {"", "runtime/default"}

allowed_annotation(value) if startswith(value, "localhost/")
