# METADATA
# title: Environment variables from missing ConfigMap or Secret keys
# description: |
#   A container's `env[].valueFrom.configMapKeyRef` or `secretKeyRef` reads one key of a ConfigMap
#   or Secret. Unless the reference is `optional: true`, a missing key keeps the container from
#   starting (`CreateContainerConfigError`), and the pod never runs. Reported when the ConfigMap or
#   Secret is among the files, in the pod's namespace, holds data, and lacks the key (a ConfigMap's
#   `data` and `binaryData`, a Secret's `data` and `stringData`; Secrets of type
#   `kubernetes.io/service-account-token` are filled in by the cluster and not checked). A reference
#   to a ConfigMap or Secret that is not among the files is reported only when the input is
#   declared complete (`--complete-input`): on partial input it may come from elsewhere (another
#   folder, a secrets operator).
# related_resources:
#   - https://kubernetes.io/docs/tasks/configure-pod-container/configure-pod-configmap/#define-container-environment-variables-using-configmap-data
#   - https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables
# custom:
#   id: references/config-key
#   severity: error
#   default: true
#   scope: pod-spec
#   inventory: [ConfigMap, Secret]
#   complete_input: partly
#   requires_fields: [configMapKeyRef, secretKeyRef]
#   remediation: |
#     Add the key to the ConfigMap or Secret, fix the key or object name, or mark the reference
#     `optional: true` if the container copes without it.
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         containers:
#           - name: web
#             image: registry.example.com/shop/web:2.4.1
#             env:
#               - name: MODE
#                 valueFrom:
#                   configMapKeyRef: {name: web-settings, key: mode}
#       ---
#       apiVersion: v1
#       kind: ConfigMap
#       metadata:
#         name: web-settings
#       data:
#         log-level: info
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         containers:
#           - name: web
#             image: registry.example.com/shop/web:2.4.1
#             env:
#               - name: MODE
#                 valueFrom:
#                   configMapKeyRef: {name: web-settings, key: mode}
#       ---
#       apiVersion: v1
#       kind: ConfigMap
#       metadata:
#         name: web-settings
#       data:
#         mode: fast
package plimsoll.rules.references.config_key

import data.plimsoll.lib.inventory.complete
import data.plimsoll.lib.inventory.named
import data.plimsoll.lib.kubernetes.containers
import rego.v1

ref_kinds := {"configMapKeyRef": "ConfigMap", "secretKeyRef": "Secret"}

# Every non-optional key reference: {"ref", "kind", "field", "path", "description"}.
references contains {"ref": ref, "kind": kind, "field": field, "path": path, "env": var.name, "description": entry.description} if {
	some entry in containers
	some i, var in entry.container.env
	# The fields valueFrom sets (one, usually), rather than every kind of reference per variable.
	some field, ref in var.valueFrom
	kind := ref_kinds[field]
	is_object(ref)
	not ref.optional == true
	is_string(ref.name)
	path := array.concat(entry.path, ["env", i, "valueFrom", field])
}

# The object is among the files, holds data, and lacks the key.
violation contains {"msg": msg, "path": path, "related": related} if {
	some reference in references
	key := reference.ref.key
	is_string(key)
	candidates := [o | some o in named(reference.kind, reference.ref.name); checked(o)]
	count(candidates) > 0
	count([o | some o in candidates; o.keys[key]]) == 0
	target := candidates[0]
	msg := sprintf(
		"%s: env %v reads key %q of %s %q, which has no such key (its keys: %s)",
		[reference.description, reference.env, key, reference.kind, reference.ref.name, concat(", ", sort(object.keys(target.keys)))],
	)
	path := array.concat(reference.path, ["key"])
	related := {"ref": target.ref, "path": data_field(reference.kind), "message": sprintf("%s %q's keys", [reference.kind, reference.ref.name])}
}

# The object is not among the files: only when the input is declared complete.
violation contains {"msg": msg, "path": path} if {
	complete
	some reference in references
	count(named(reference.kind, reference.ref.name)) == 0
	msg := sprintf(
		"%s: env %v reads %s %q, which is not among the files (declared complete)",
		[reference.description, reference.env, reference.kind, reference.ref.name],
	)
	path := array.concat(reference.path, ["name"])
}

# Objects whose keys can be judged: with data, and not filled in by the cluster.
checked(o) if {
	o.has_data
	not o.type == "kubernetes.io/service-account-token"
}

data_field("ConfigMap") := "data"

data_field("Secret") := "data"
