# METADATA
# title: Roles that allow exec or attach into pods
# description: |
#   `pods/exec` and `pods/attach` open a shell or the main process's terminal in a running
#   container: whoever holds them can read the container's mounted Secrets and service account
#   token and act as the workload. A Role or ClusterRole rule in the core API group (`""` or `*`)
#   that names `pods/exec`, `pods/attach`, `*/exec` or `*/attach` with the verb `create`, `get` or
#   `*` is reported at the resource. `create` is the verb exec and attach requests are authorized
#   with; `get` is counted too, as some API server versions authorized them over WebSocket with
#   `get` alone. `resources: ["*"]` is reported by `rbac/wildcard`. Kubernetes' own roles
#   (`system:…`, and the default ClusterRoles `cluster-admin`, `admin`, `edit` and `view`) are not
#   reported.
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#exec-and-attach-to-pods
# custom:
#   id: rbac/pod-exec
#   severity: warning
#   default: true
#   scope: kinds
#   kinds: [Role, ClusterRole]
#   remediation: |
#     Remove `pods/exec` and `pods/attach` from the role; grant them, if at all, to the few people
#     who debug the workloads, in a separate role bound only in the namespaces they need.
#   examples:
#     fail: |
#       apiVersion: rbac.authorization.k8s.io/v1
#       kind: Role
#       metadata:
#         name: support
#         namespace: shop
#       rules:
#         - apiGroups: [""]
#           resources: ["pods", "pods/log", "pods/exec"]
#           verbs: ["get", "list", "create"]
#     pass: |
#       apiVersion: rbac.authorization.k8s.io/v1
#       kind: Role
#       metadata:
#         name: support
#         namespace: shop
#       rules:
#         - apiGroups: [""]
#           resources: ["pods", "pods/log"]
#           verbs: ["get", "list"]
package plimsoll.rules.rbac.pod_exec

import data.plimsoll.lib.rbac.in_group
import data.plimsoll.lib.rbac.listed
import data.plimsoll.lib.rbac.role_description
import data.plimsoll.lib.rbac.role_rules
import rego.v1

subresources := {"pods/exec", "pods/attach", "*/exec", "*/attach"}

violation contains {"msg": msg, "path": ["rules", entry.index, "resources", j]} if {
	some entry in role_rules
	in_group(entry.rule, "")
	some j, resource in entry.rule.resources
	resource in subresources
	verbs := listed(entry.rule, "verbs") & {"create", "get", "*"}
	count(verbs) > 0
	msg := sprintf("%s grants %s on %s: shell access to running containers", [role_description, concat(", ", sort(verbs)), resource])
}
