# METADATA
# title: Roles that allow privilege escalation
# description: |
#   RBAC stops a user from granting permissions they do not hold, except through three verbs:
#   `escalate` on roles or clusterroles lets its holder create and change roles with any
#   permission, `bind` on them lets it bind any role to anyone (itself included), and
#   `impersonate` on users, groups, service accounts, UIDs or user extras lets it act as any of
#   them. Each of these verbs is reported where it is written, when the rule names such a resource
#   (or `*`) in the API group that serves it (`rbac.authorization.k8s.io`; `""` or
#   `authentication.k8s.io` for impersonation; or `*`). `verbs: ["*"]` is reported by
#   `rbac/wildcard`. Kubernetes' own roles (`system:…`, and the default ClusterRoles
#   `cluster-admin`, `admin`, `edit` and `view`) are not reported.
# related_resources:
#   - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping
#   - https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation
#   - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb
# custom:
#   id: rbac/escalation-verbs
#   severity: warning
#   default: true
#   scope: kinds
#   kinds: [Role, ClusterRole]
#   remediation: |
#     Remove `escalate`, `bind` and `impersonate`. An operator that must bind roles can be allowed
#     `bind` on the named roles it manages only (`resourceNames`).
#   examples:
#     fail: |
#       apiVersion: rbac.authorization.k8s.io/v1
#       kind: ClusterRole
#       metadata:
#         name: team-onboarding
#       rules:
#         - apiGroups: ["rbac.authorization.k8s.io"]
#           resources: ["rolebindings", "clusterroles"]
#           verbs: ["create", "bind"]
#     pass: |
#       apiVersion: rbac.authorization.k8s.io/v1
#       kind: ClusterRole
#       metadata:
#         name: team-onboarding
#       rules:
#         - apiGroups: ["rbac.authorization.k8s.io"]
#           resources: ["rolebindings"]
#           verbs: ["create"]
package plimsoll.rules.rbac.escalation_verbs

import data.plimsoll.lib.rbac.in_group
import data.plimsoll.lib.rbac.listed
import data.plimsoll.lib.rbac.rbac_group
import data.plimsoll.lib.rbac.role_description
import data.plimsoll.lib.rbac.role_rules
import rego.v1

consequence := {
	"escalate": "its holders can create and change roles that grant any permission",
	"bind": "its holders can bind any role to anyone, themselves included",
	"impersonate": "its holders can act as other users and service accounts",
}

violation contains {"msg": msg, "path": ["rules", entry.index, "verbs", j]} if {
	some entry in role_rules
	some j, verb in entry.rule.verbs
	verb in {"escalate", "bind", "impersonate"}
	targets := targeted(entry.rule, verb)
	count(targets) > 0
	names := [describe(target) | some target in sort(targets)]
	msg := sprintf("%s grants %s on %s: %s", [role_description, verb, concat(", ", names), consequence[verb]])
}

describe("*") := "every resource (\"*\")"

describe(resource) := resource if resource != "*"

targeted(rule, verb) := listed(rule, "resources") & {"roles", "clusterroles", "*"} if {
	verb in {"escalate", "bind"}
	in_group(rule, rbac_group)
}

targeted(rule, "impersonate") := core | auth if {
	core := {r | in_group(rule, ""); some r in listed(rule, "resources") & {"users", "groups", "serviceaccounts", "*"}}
	auth := {r |
		in_group(rule, "authentication.k8s.io")
		some r in listed(rule, "resources")
		impersonation_resource(r)
	}
}

impersonation_resource(r) if r in {"uids", "*"}

impersonation_resource(r) if startswith(r, "userextras")
