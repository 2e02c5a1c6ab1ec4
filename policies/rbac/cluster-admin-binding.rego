# METADATA
# title: Bindings that grant cluster-admin
# description: |
#   The `cluster-admin` ClusterRole allows every verb on every resource. A ClusterRoleBinding to it
#   gives its subjects full control of the whole cluster; a RoleBinding to it gives them full
#   control of the binding's namespace, including its Secrets, Roles and RoleBindings. A workload
#   or CI account bound to it turns any compromise of that account into a compromise of the
#   cluster (or namespace). Kubernetes' own bindings, named `cluster-admin` or `system:…`, are not
#   reported.
# related_resources:
#   - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
#   - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
# custom:
#   id: rbac/cluster-admin-binding
#   severity: error
#   default: true
#   scope: kinds
#   kinds: [ClusterRoleBinding, RoleBinding]
#   remediation: |
#     Bind a Role or ClusterRole that grants only the verbs and resources the subjects need (the
#     default `admin`, `edit` or `view` ClusterRoles, or one of your own), with a RoleBinding in
#     the namespaces where they need it.
#   examples:
#     fail: |
#       apiVersion: rbac.authorization.k8s.io/v1
#       kind: ClusterRoleBinding
#       metadata:
#         name: ci-deployer
#       roleRef:
#         apiGroup: rbac.authorization.k8s.io
#         kind: ClusterRole
#         name: cluster-admin
#       subjects:
#         - kind: ServiceAccount
#           name: deployer
#           namespace: ci
#     pass: |
#       apiVersion: rbac.authorization.k8s.io/v1
#       kind: RoleBinding
#       metadata:
#         name: ci-deployer
#         namespace: shop
#       roleRef:
#         apiGroup: rbac.authorization.k8s.io
#         kind: ClusterRole
#         name: edit
#       subjects:
#         - kind: ServiceAccount
#           name: deployer
#           namespace: ci
package plimsoll.rules.rbac.cluster_admin_binding

import data.plimsoll.lib.kubernetes.api_group
import rego.v1

violation contains {"msg": msg, "path": ["roleRef", "name"]} if {
	input.kind in {"ClusterRoleBinding", "RoleBinding"}
	api_group == "rbac.authorization.k8s.io"
	not kubernetes_binding
	input.roleRef.kind == "ClusterRole"
	input.roleRef.name == "cluster-admin"
	msg := sprintf("%s binds the cluster-admin ClusterRole: full control of %s", [binding, reach])
}

kubernetes_binding if input.metadata.name == "cluster-admin"

kubernetes_binding if startswith(input.metadata.name, "system:")

binding := sprintf("%s %q", [input.kind, input.metadata.name]) if is_string(input.metadata.name)

binding := input.kind if not is_string(input.metadata.name)

reach := "every resource in every namespace" if input.kind == "ClusterRoleBinding"

reach := sprintf("every resource in namespace %q", [input.metadata.namespace]) if {
	input.kind == "RoleBinding"
	is_string(input.metadata.namespace)
}

reach := "every resource in its namespace" if {
	input.kind == "RoleBinding"
	not is_string(input.metadata.namespace)
}
