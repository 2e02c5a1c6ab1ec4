# METADATA
# title: Pod runs as the default ServiceAccount
# description: |
#   Every pod of a namespace that names no ServiceAccount runs as the namespace's `default`
#   account and shares whatever permissions anyone grants it: a RoleBinding added for one
#   application reaches all the others. Reported when `serviceAccountName` is unset or
#   `default` (and the deprecated `serviceAccount`, if written, names no other account) while
#   the token is mounted: the pod spec does not set `automountServiceAccountToken: false`, and
#   no `default` ServiceAccount in the run (same namespace, or a namespace left unset) does.
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts
#   - https://kubernetes.io/docs/concepts/security/rbac-good-practices/
# custom:
#   id: service-account/default
#   severity: info
#   default: false
#   scope: pod-spec
#   inventory: [ServiceAccount]
#   remediation: |
#     Create a ServiceAccount for the application and name it in `serviceAccountName`, or set
#     `automountServiceAccountToken: false` if the pod needs no API access.
#   examples:
#     fail: |
#       apiVersion: apps/v1
#       kind: Deployment
#       metadata:
#         name: web
#       spec:
#         replicas: 2
#         selector:
#           matchLabels: {app: web}
#         template:
#           metadata:
#             labels: {app: web}
#           spec:
#             containers:
#               - name: web
#                 image: registry.example.com/shop/web:2.4.1
#     pass: |
#       apiVersion: apps/v1
#       kind: Deployment
#       metadata:
#         name: web
#       spec:
#         replicas: 2
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
package plimsoll.rules.service_account.default

import data.plimsoll.lib.kubernetes.pod_spec
import data.plimsoll.lib.inventory.named
import rego.v1

violation contains {"msg": msg, "path": path} if {
	runs_as_default
	not object.get(pod_spec.spec, "automountServiceAccountToken", null) == false
	not default_account_disables_mounting
	msg := "the pod runs as its namespace's default ServiceAccount, with the token mounted"
	path := array.concat(pod_spec.path, account_field)
}

# serviceAccountName unset, empty or `default`, and the deprecated serviceAccount, when it is the
# one written, names no other account.
runs_as_default if {
	name_field_default("serviceAccountName")
	name_field_default("serviceAccount")
}

runs_as_default if {
	pod_spec.spec.serviceAccountName == "default"
}

name_field_default(field) if object.get(pod_spec.spec, field, "") in {"", null, "default"}

# Where the account is named, if it is: the field that names `default`.
account_field := ["serviceAccountName"] if pod_spec.spec.serviceAccountName == "default"

account_field := ["serviceAccount"] if {
	not pod_spec.spec.serviceAccountName == "default"
	pod_spec.spec.serviceAccount == "default"
}

account_field := [] if {
	not pod_spec.spec.serviceAccountName == "default"
	not pod_spec.spec.serviceAccount == "default"
}

default_account_disables_mounting if {
	some account in named("ServiceAccount", "default")
	account.automountServiceAccountToken == false
}
