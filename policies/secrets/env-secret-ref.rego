# METADATA
# title: Secrets read into environment variables
# description: |
#   A Secret read into an environment variable (`env[].valueFrom.secretKeyRef`, or every key at
#   once with `envFrom[].secretRef`) is harder to keep secret than a mounted file: child
#   processes inherit the environment, crash reports and debug endpoints print it, and it cannot
#   change while the container runs, where a mounted Secret is updated in place. The CIS
#   Kubernetes Benchmark (5.4.1) prefers Secrets as files.
# related_resources:
#   - https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod
#   - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
# custom:
#   id: secrets/env-secret-ref
#   severity: info
#   default: false
#   scope: pod-spec
#   requires_fields: [secretKeyRef, secretRef]
#   remediation: |
#     Mount the Secret as a volume (`volumes[].secret`) and have the application read the file.
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: api
#       spec:
#         containers:
#           - name: api
#             image: registry.example.com/shop/api:3.1.0
#             env:
#               - name: DB_PASSWORD
#                 valueFrom:
#                   secretKeyRef:
#                     name: api-db
#                     key: password
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: api
#       spec:
#         containers:
#           - name: api
#             image: registry.example.com/shop/api:3.1.0
#             env:
#               - name: DB_PASSWORD_FILE
#                 value: /etc/api/db/password
#             volumeMounts:
#               - name: db
#                 mountPath: /etc/api/db
#                 readOnly: true
#         volumes:
#           - name: db
#             secret:
#               secretName: api-db
package plimsoll.rules.secrets.env_secret_ref

import data.plimsoll.lib.kubernetes.containers
import rego.v1

violation contains {"msg": msg, "path": array.concat(entry.path, ["env", i, "valueFrom", "secretKeyRef"])} if {
	some entry in containers
	some i, variable in entry.container.env
	is_object(variable.valueFrom.secretKeyRef)
	msg := sprintf("%s reads env var %q from Secret %q", [entry.description, variable.name, secret_name(variable.valueFrom.secretKeyRef)])
}

violation contains {"msg": msg, "path": array.concat(entry.path, ["envFrom", i, "secretRef"])} if {
	some entry in containers
	some i, source in entry.container.envFrom
	is_object(source.secretRef)
	msg := sprintf("%s reads every key of Secret %q into env vars", [entry.description, secret_name(source.secretRef)])
}

secret_name(ref) := sprintf("%v", [ref.name]) if ref.name != null

secret_name(ref) := "" if not ref.name
