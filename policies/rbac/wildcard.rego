# METADATA
# title: Roles that grant every verb or every resource
# description: |
#   A `*` in a Role or ClusterRole rule's `verbs` or `resources` grants everything of that kind,
#   today's and whatever later Kubernetes versions and installed CRDs add: `verbs: ["*"]` includes
#   `delete`, `escalate`, `bind` and `impersonate`; `resources: ["*"]` includes Secrets and every
#   subresource, `pods/exec` among them. With `*` in `apiGroups` too, the role is as powerful as
#   `cluster-admin`. Each `*` is reported where it is written. Kubernetes' own roles (`system:…`,
#   and the default ClusterRoles `cluster-admin`, `admin`, `edit` and `view`) are not reported.
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
#   - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources
# custom:
#   id: rbac/wildcard
#   severity: warning
#   default: true
#   scope: kinds
#   kinds: [Role, ClusterRole]
#   remediation: |
#     List the verbs (`get`, `list`, `watch`, …) and resources the subjects use instead of `*`.
#   examples:
#     fail: |
#       apiVersion: rbac.authorization.k8s.io/v1
#       kind: Role
#       metadata:
#         name: config-editor
#         namespace: shop
#       rules:
#         - apiGroups: [""]
#           resources: ["configmaps"]
#           verbs: ["*"]
#     pass: |
#       apiVersion: rbac.authorization.k8s.io/v1
#       kind: Role
#       metadata:
#         name: config-editor
#         namespace: shop
#       rules:
#         - apiGroups: [""]
#           resources: ["configmaps"]
#           verbs: ["get", "list", "watch", "update", "patch"]
package plimsoll.rules.rbac.wildcard

import data.plimsoll.lib.rbac.role_description
import data.plimsoll.lib.rbac.role_rules
import rego.v1

what := {"verbs": "every verb", "resources": "every resource"}

violation contains {"msg": msg, "path": ["rules", entry.index, field, j]} if {
	some entry in role_rules
	some field in ["verbs", "resources"]
	some j, item in entry.rule[field]
	item == "*"
	msg := sprintf("%s rule %d grants %s (\"*\")", [role_description, entry.index, what[field]])
}
