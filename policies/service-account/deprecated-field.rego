# METADATA
# title: The deprecated serviceAccount field
# description: |
#   `serviceAccount` is a deprecated alias of `serviceAccountName`. When a pod spec sets only the
#   alias, tools and readers that look at `serviceAccountName` (admission policies, this linter's
#   other checks, people) see no ServiceAccount. When it sets both to different names,
#   `serviceAccountName` wins and the alias misleads. Reported when the alias is set without
#   `serviceAccountName`, or with a different value.
# related_resources:
#   - https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
#   - https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
# custom:
#   id: service-account/deprecated-field
#   severity: warning
#   default: true
#   scope: pod-spec
#   requires_fields: [serviceAccount]
#   remediation: |
#     Rename `serviceAccount` to `serviceAccountName` (or remove it when `serviceAccountName` is
#     set).
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: api
#       spec:
#         serviceAccount: api
#         containers:
#           - name: api
#             image: registry.example.com/shop/api:3.1.0
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: api
#       spec:
#         serviceAccountName: api
#         containers:
#           - name: api
#             image: registry.example.com/shop/api:3.1.0
package plimsoll.rules.service_account.deprecated_field

import data.plimsoll.lib.kubernetes.pod_spec
import rego.v1

violation contains {"msg": msg, "path": array.concat(pod_spec.path, ["serviceAccount"])} if {
	alias := pod_spec.spec.serviceAccount
	is_string(alias)
	alias != ""
	msg := problem(alias, object.get(pod_spec.spec, "serviceAccountName", ""))
}

problem(alias, name) := sprintf("the deprecated serviceAccount (%q) is set without serviceAccountName", [alias]) if {
	name in {"", null}
}

problem(alias, name) := sprintf("the deprecated serviceAccount (%q) differs from serviceAccountName (%q), which wins", [alias, name]) if {
	is_string(name)
	not name in {"", alias}
}
