# METADATA
# title: Credentials stored in ConfigMaps
# description: |
#   ConfigMaps are meant for configuration that is not secret: they are not encrypted at rest
#   where Secrets can be, more roles may read them (the default `view` ClusterRole reads
#   ConfigMaps but not Secrets), and their contents show in `kubectl describe`. A ConfigMap `data`
#   entry is reported when its key is a credential name with a literal value, or when its value
#   holds a PEM private key whatever its key. Credential names and literal values are those of
#   `secrets/env-literal`: `db_password: abc123` is reported, `password_file: /etc/app/pw` and
#   `token_ttl_seconds: "3600"` are not.
# related_resources:
#   - https://kubernetes.io/docs/concepts/configuration/configmap/
#   - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
# custom:
#   id: secrets/configmap-content
#   severity: warning
#   default: true
#   scope: kinds
#   kinds: [ConfigMap]
#   remediation: |
#     Move the entry to a Secret and mount or reference that instead; then rotate the credential,
#     since it has been exposed.
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: ConfigMap
#       metadata:
#         name: api-config
#       data:
#         db_host: postgres.shop.svc
#         db_password: s3cr3t-hunter2
#     pass: |
#       apiVersion: v1
#       kind: ConfigMap
#       metadata:
#         name: api-config
#       data:
#         db_host: postgres.shop.svc
#         db_password_file: /etc/api/db/password
package plimsoll.rules.secrets.configmap_content

import data.plimsoll.lib.credentials.credential_name
import data.plimsoll.lib.credentials.fragment_pattern
import data.plimsoll.lib.credentials.literal_credential
import data.plimsoll.lib.credentials.private_key
import rego.v1

# Each body first asks one question of the keys (or values) joined together, and looks at single
# entries only when that text holds a credential-name fragment (or a private key header).
violation contains {"msg": msg, "path": ["data", key]} if {
	input.kind == "ConfigMap"
	input.apiVersion == "v1"
	keys := lower(concat("\n", [key | some key, _ in input.data; is_string(key)]))
	regex.match(fragment_pattern, keys)
	some key, value in input.data
	credential_name(key)
	literal_credential(value)
	msg := sprintf("ConfigMap key %q holds a literal credential", [key])
}

violation contains {"msg": msg, "path": ["data", key]} if {
	input.kind == "ConfigMap"
	input.apiVersion == "v1"
	values := concat("\n", [value | some value in input.data; is_string(value)])
	contains(values, "PRIVATE KEY")
	some key, value in input.data
	private_key(value)
	not credential_name(key)
	msg := sprintf("ConfigMap key %q holds a PEM private key", [key])
}
