# METADATA
# title: Credentials written into environment variables
# description: |
#   A password, token or key written as an env var's `value` sits in plain text in the manifest,
#   in version control, in the object stored by the API server (readable by anyone who can read
#   the workload) and in `kubectl describe` output. An `env` entry of any container is reported
#   when its `value` is a literal credential under a credential name, or holds a PEM private key
#   whatever its name.
#
#   Credential names: the name is split into words at `_`, `-`, `.` and camelCase boundaries; it
#   names a credential when a word is, or ends with, `secret`, `password`, `passwd`,
#   `passphrase`, `token`, `bearer`, `apikey` or `privatekey` (`DB_PASSWORD`, `clientSecret`,
#   `ACCESSTOKEN`), when two neighbouring words are `api key` or `private key`, or for the cloud
#   credential variables `AZURE_…KEY`, `OCI_CLI_KEY_CONTENT` and `GOOGLE_APPLICATION_CREDENTIALS`.
#   A name whose last word says it describes a credential rather than holds one is not reported:
#   `…_NAME`, `_FILE`, `_PATH`, `_DIR`, `_URL`, `_URI`, `_ENDPOINT`, `_HOST`, `_PORT`, `_TTL`,
#   `_SECONDS`, `_TIMEOUT`, `_EXPIRY`, `_LENGTH`, `_TYPE`, `_HEADER`, `_ENABLED`, `_REQUIRED`,
#   `_POLICY`, `_VERSION` and the like (`TOKEN_TTL_SECONDS`, `SECRET_NAME`, `PASSWORD_FILE`).
#
#   Literal values: a non-empty string that is not `true` or `false`, not an absolute file path
#   (which says where the credential is) and not made only of `$(VAR)` or `${VAR}` references.
#   Values from `valueFrom` (a Secret, a ConfigMap, a field) are never reported.
# related_resources:
#   - https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables
#   - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
# custom:
#   id: secrets/env-literal
#   severity: warning
#   default: true
#   scope: pod-spec
#   requires_fields: [env]
#   remediation: |
#     Put the value in a Secret and read it with `valueFrom.secretKeyRef` (or mount the Secret as
#     a file); then rotate the credential, since it has been exposed.
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
#                 value: s3cr3t-hunter2
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
#               - name: DB_PASSWORD
#                 valueFrom:
#                   secretKeyRef:
#                     name: api-db
#                     key: password
package plimsoll.rules.secrets.env_literal

import data.plimsoll.lib.credentials.credential_name
import data.plimsoll.lib.credentials.fragment_pattern
import data.plimsoll.lib.credentials.literal_credential
import data.plimsoll.lib.credentials.private_key
import data.plimsoll.lib.kubernetes.containers
import rego.v1

# Every container's every variable passes through here, so each body first asks one question of
# the container's names (or values) joined together, and looks at single variables only when
# that text holds a credential-name fragment (or a private key header).
violation contains {"msg": msg, "path": array.concat(entry.path, ["env", i, "value"])} if {
	some entry in containers
	env := entry.container.env
	names := lower(concat("\n", [variable.name | some variable in env; is_string(variable.name)]))
	regex.match(fragment_pattern, names)
	some i, variable in env
	credential_name(variable.name)
	literal_credential(variable.value)
	msg := sprintf("%s sets env var %q to a literal credential", [entry.description, variable.name])
}

violation contains {"msg": msg, "path": array.concat(entry.path, ["env", i, "value"])} if {
	some entry in containers
	env := entry.container.env
	values := concat("\n", [variable.value | some variable in env; is_string(variable.value)])
	contains(values, "PRIVATE KEY")
	some i, variable in env
	private_key(variable.value)
	not credential_name(variable.name)
	msg := sprintf("%s sets env var %q to a literal PEM private key", [entry.description, variable.name])
}
