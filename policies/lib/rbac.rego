# Shared helpers for the rbac/* rules: the Roles and ClusterRoles a rule judges, their rules with
# the paths findings point at, and how a rule's lists name API groups, resources and verbs.
#
# Matching follows the RBAC authorizer: `*` in a list stands for every member, and a resource
# `*/exec` names the `exec` subresource of every resource.
package plimsoll.lib.rbac

import data.plimsoll.lib.kubernetes.api_group
import rego.v1

rbac_group := "rbac.authorization.k8s.io"

# Kubernetes' own roles: the `system:` ones and the default user-facing ClusterRoles. A manifest
# that writes them (a dump of a cluster's roles) describes the cluster, not a grant someone chose.
default_cluster_roles := {"cluster-admin", "admin", "edit", "view"}

kubernetes_role if startswith(input.metadata.name, "system:")

kubernetes_role if {
	input.kind == "ClusterRole"
	input.metadata.name in default_cluster_roles
}

# A Role or ClusterRole of the RBAC API, other than Kubernetes' own.
judged_role if {
	input.kind in {"Role", "ClusterRole"}
	api_group == rbac_group
	not kubernetes_role
}

# Every rule of a judged role: {"index", "rule"}.
role_rules contains {"index": i, "rule": rule} if {
	judged_role
	some i, rule in input.rules
	is_object(rule)
}

# "ClusterRole "x"" / "Role "x"", for messages.
role_description := sprintf("%s %q", [input.kind, input.metadata.name]) if is_string(input.metadata.name)

role_description := input.kind if not is_string(input.metadata.name)

# The members of one of a rule's lists (apiGroups, resources, verbs) that are strings.
listed(rule, field) := {item | some item in rule[field]; is_string(item)}

# The rule applies to the API group.
in_group(rule, group) if {
	some item in listed(rule, "apiGroups")
	item in {group, "*"}
}

# The rule applies to a resource: `*` or the resource itself.
names_resource(rule, resource) if {
	some item in listed(rule, "resources")
	item in {resource, "*"}
}

# The rule grants the verb: `*` or the verb itself.
grants_verb(rule, verb) if {
	some item in listed(rule, "verbs")
	item in {verb, "*"}
}
