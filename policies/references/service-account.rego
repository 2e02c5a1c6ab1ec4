# METADATA
# title: Pods using a ServiceAccount that is not among the files
# description: |
#   A pod runs as the ServiceAccount its `serviceAccountName` (or the deprecated
#   `serviceAccount`) names, in its namespace. If that ServiceAccount does not exist, the API server
#   refuses to create the pods: a Deployment then shows no pods and a `FailedCreate` event. This is
#   about a missing object, so it is reported only when the input is declared complete
#   (`--complete-input`); on partial input the ServiceAccount may be created elsewhere (kube-linter
#   reports it by default, a false positive on partial input). The `default` ServiceAccount, which
#   every namespace has, is never reported.
# related_resources:
#   - https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
# custom:
#   id: references/service-account
#   severity: error
#   default: true
#   scope: pod-spec
#   inventory: true
#   complete_input: required
#   requires_fields: [serviceAccountName, serviceAccount]
#   remediation: |
#     Add the ServiceAccount to the manifests, fix the name, or drop `serviceAccountName` to run
#     as the namespace's `default` ServiceAccount.
#   examples:
#     fail: |
#       apiVersion: apps/v1
#       kind: Deployment
#       metadata:
#         name: web
#       spec:
#         selector:
#           matchLabels: {app: web}
#         template:
#           metadata:
#             labels: {app: web}
#           spec:
#             serviceAccountName: web
#             containers:
#               - name: web
#                 image: registry.example.com/shop/web:2.4.1
#     pass: |
#       apiVersion: apps/v1
#       kind: Deployment
#       metadata:
#         name: web
#       spec:
#         selector:
#           matchLabels: {app: web}
#         template:
#           metadata:
#             labels: {app: web}
#           spec:
#             serviceAccountName: web
#             containers:
#               - name: web
#                 image: registry.example.com/shop/web:2.4.1
#       ---
#       apiVersion: v1
#       kind: ServiceAccount
#       metadata:
#         name: web
package plimsoll.rules.references.service_account

import data.plimsoll.lib.inventory.complete
import data.plimsoll.lib.inventory.named
import data.plimsoll.lib.kubernetes.pod_spec
import rego.v1

# The field that names the ServiceAccount: serviceAccountName, else the deprecated alias.
field := "serviceAccountName" if is_string(pod_spec.spec.serviceAccountName)

field := "serviceAccount" if {
	not is_string(pod_spec.spec.serviceAccountName)
	is_string(pod_spec.spec.serviceAccount)
}

violation contains {"msg": msg, "path": array.concat(pod_spec.path, [field])} if {
	complete
	name := pod_spec.spec[field]
	not name in {"", "default"}
	count(named("ServiceAccount", name)) == 0
	msg := sprintf("ServiceAccount %q is not among the files, which are declared complete: the pods cannot be created", [name])
}
