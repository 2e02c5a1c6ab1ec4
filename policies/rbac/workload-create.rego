# METADATA
# title: Roles that create pods or workloads
# description: |
#   Whoever can create a pod, or a workload that creates pods, chooses what the pod runs, which
#   ServiceAccount it runs as and which Secrets, ConfigMaps and volumes of the namespace it
#   mounts: the permission reaches as far as the most powerful ServiceAccount and Secret there.
#   A Role or ClusterRole rule that names `pods` or `replicationcontrollers` (core group),
#   `deployments`, `replicasets`, `statefulsets` or `daemonsets` (`apps`, `extensions`), or `jobs`
#   or `cronjobs` (`batch`), in its API group or `*`, is reported at the verb `create` (or `*`).
#   `resources: ["*"]` is reported by `rbac/wildcard`. Kubernetes' own roles (`system:…`, and the
#   default ClusterRoles `cluster-admin`, `admin`, `edit` and `view`) are not reported.
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation
# custom:
#   id: rbac/workload-create
#   severity: info
#   default: false
#   scope: kinds
#   kinds: [Role, ClusterRole]
#   remediation: |
#     Grant `create` on workloads only to deployment pipelines and operators that need it, in the
#     namespaces they manage, and keep powerful ServiceAccounts and Secrets out of those
#     namespaces.
#   examples:
#     fail: |
#       apiVersion: rbac.authorization.k8s.io/v1
#       kind: Role
#       metadata:
#         name: job-runner
#         namespace: shop
#       rules:
#         - apiGroups: ["batch"]
#           resources: ["jobs"]
#           verbs: ["get", "list", "create"]
#     pass: |
#       apiVersion: rbac.authorization.k8s.io/v1
#       kind: Role
#       metadata:
#         name: job-runner
#         namespace: shop
#       rules:
#         - apiGroups: ["batch"]
#           resources: ["jobs"]
#           verbs: ["get", "list"]
package plimsoll.rules.rbac.workload_create

import data.plimsoll.lib.rbac.in_group
import data.plimsoll.lib.rbac.listed
import data.plimsoll.lib.rbac.role_description
import data.plimsoll.lib.rbac.role_rules
import rego.v1

# The API groups that serve each resource that creates pods.
workload_groups := {
	"pods": {""},
	"replicationcontrollers": {""},
	"deployments": {"apps", "extensions"},
	"replicasets": {"apps", "extensions"},
	"statefulsets": {"apps"},
	"daemonsets": {"apps", "extensions"},
	"jobs": {"batch"},
	"cronjobs": {"batch"},
}

violation contains {"msg": msg, "path": ["rules", entry.index, "verbs", j]} if {
	some entry in role_rules
	some j, verb in entry.rule.verbs
	verb in {"create", "*"}
	workloads := {resource |
		some resource in listed(entry.rule, "resources")
		some group in object.get(workload_groups, resource, set())
		in_group(entry.rule, group)
	}
	count(workloads) > 0
	msg := sprintf("%s grants %s on %s: its holders can run pods as any ServiceAccount of the namespace", [role_description, verb, concat(", ", sort(workloads))])
}
