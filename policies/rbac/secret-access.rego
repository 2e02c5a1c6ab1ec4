# METADATA
# title: Roles that read Secrets
# description: |
#   `get`, `list` or `watch` on `secrets` returns the Secrets' contents: passwords, API keys, TLS
#   keys and the tokens of every service account in the namespace (or, through a
#   ClusterRoleBinding, in every namespace), so reading Secrets is often a step to more access.
#   `list` and `watch` return every Secret at once. A Role or ClusterRole rule in the core API
#   group (`""` or `*`) that names `secrets` is reported at each such verb (or `*`).
#   `resources: ["*"]` is reported by `rbac/wildcard`. Kubernetes' own roles (`system:…`, and the
#   default ClusterRoles `cluster-admin`, `admin`, `edit` and `view`) are not reported.
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets
#   - https://kubernetes.io/docs/concepts/configuration/secret/#least-privilege-secrets
# custom:
#   id: rbac/secret-access
#   severity: warning
#   default: false
#   scope: kinds
#   kinds: [Role, ClusterRole]
#   remediation: |
#     Mount the Secrets the workload needs as volumes or environment variables instead of reading
#     them through the API; if it must read them, limit the rule to the named Secrets
#     (`resourceNames`) and to `get`.
#   examples:
#     fail: |
#       apiVersion: rbac.authorization.k8s.io/v1
#       kind: Role
#       metadata:
#         name: cert-reader
#         namespace: shop
#       rules:
#         - apiGroups: [""]
#           resources: ["secrets"]
#           verbs: ["list"]
#     pass: |
#       apiVersion: rbac.authorization.k8s.io/v1
#       kind: Role
#       metadata:
#         name: cert-reader
#         namespace: shop
#       rules:
#         - apiGroups: [""]
#           resources: ["configmaps"]
#           verbs: ["list"]
package plimsoll.rules.rbac.secret_access

import data.plimsoll.lib.rbac.in_group
import data.plimsoll.lib.rbac.role_description
import data.plimsoll.lib.rbac.role_rules
import rego.v1

violation contains {"msg": msg, "path": ["rules", entry.index, "verbs", j]} if {
	some entry in role_rules
	in_group(entry.rule, "")
	"secrets" in entry.rule.resources
	some j, verb in entry.rule.verbs
	verb in {"get", "list", "watch", "*"}
	msg := sprintf("%s grants %s on secrets: its holders can read Secrets' contents", [role_description, verb])
}
