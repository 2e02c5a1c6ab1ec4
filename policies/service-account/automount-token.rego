# METADATA
# title: ServiceAccount token mounted into the pod
# description: |
#   Unless told otherwise, Kubernetes mounts a token of the pod's ServiceAccount into every
#   container. Most applications never call the Kubernetes API; for them the token only serves
#   whoever breaks into the container, with every permission the account was granted.
#   Reported when the pod spec sets `automountServiceAccountToken: true`, or leaves it unset
#   while its ServiceAccount does not turn mounting off: a ServiceAccount of that name in the
#   run (same namespace, or a namespace left unset) without `automountServiceAccountToken:
#   false`, or the namespace's `default` account, which the cluster creates with mounting on.
#   A named ServiceAccount that is not in the run is not judged: it may turn mounting off.
# related_resources:
#   - https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting
#   - https://kubernetes.io/docs/concepts/security/service-accounts/
# custom:
#   id: service-account/automount-token
#   severity: warning
#   default: false
#   scope: pod-spec
#   inventory: [ServiceAccount]
#   remediation: |
#     Set `automountServiceAccountToken: false` on the pod spec (or on the ServiceAccount) when
#     the application does not call the Kubernetes API; where it does, mount a projected token
#     with a short lifetime and only the audience it needs.
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
#             automountServiceAccountToken: false
#             containers:
#               - name: web
#                 image: registry.example.com/shop/web:2.4.1
package plimsoll.rules.service_account.automount_token

import data.plimsoll.lib.kubernetes.pod_spec
import data.plimsoll.lib.inventory.named
import rego.v1

violation contains {"msg": msg, "path": array.concat(pod_spec.path, ["automountServiceAccountToken"])} if {
	pod_spec.spec.automountServiceAccountToken == true
	msg := sprintf("the pod spec mounts the token of ServiceAccount %q (automountServiceAccountToken: true)", [account])
}

# Unset on the pod: the account's own setting decides, and the cluster's `default` account mounts.
violation contains {"msg": msg, "path": pod_spec.path, "related": related} if {
	object.get(pod_spec.spec, "automountServiceAccountToken", null) == null
	not disabled_by_account
	count(accounts_in_run) > 0
	related := [place | some place in accounts_in_run]
	msg := sprintf("the pod spec leaves automountServiceAccountToken unset and ServiceAccount %q does not turn it off", [account])
}

violation contains {"msg": msg, "path": pod_spec.path} if {
	object.get(pod_spec.spec, "automountServiceAccountToken", null) == null
	account == "default"
	count(accounts_in_run) == 0
	msg := "the pod spec leaves automountServiceAccountToken unset and runs as the namespace's default ServiceAccount, which mounts its token"
}

# The ServiceAccount the pods run as: serviceAccountName, else the deprecated serviceAccount,
# else the namespace's default.
account := spec_text("serviceAccountName")

account := spec_text("serviceAccount") if not spec_text("serviceAccountName")

account := "default" if {
	not spec_text("serviceAccountName")
	not spec_text("serviceAccount")
}

spec_text(field) := value if {
	value := pod_spec.spec[field]
	is_string(value)
	value != ""
}

# The ServiceAccounts of that name in the run that may be the pods' (namespace shared).
same_accounts := named("ServiceAccount", account)

disabled_by_account if {
	some sa in same_accounts
	sa.automountServiceAccountToken == false
}

accounts_in_run contains {"ref": sa.ref, "path": "automountServiceAccountToken", "message": "the ServiceAccount, which leaves mounting on"} if {
	some sa in same_accounts
}
