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

# Both bodies walk every container's non-optional `configMapKeyRef` and `secretKeyRef` themselves
# rather than read a set of references built first: a set of objects is sorted and compared as it
# is built, which cost more than the walk.
violation contains {"msg": msg, "path": path, "related": related} if {
	some entry in containers
	some i, var in entry.container.env
	some field, ref in var.valueFrom
	kind := ref_kinds[field]
	is_object(ref)
	not ref.optional == true
	is_string(ref.name)
	key := ref.key
	is_string(key)
	candidates := [o | some o in named(kind, ref.name); checked(o)]
	count(candidates) > 0
	not has_key(candidates, key)
	target := candidates[0]
	msg := sprintf(
		"%s: env %v reads key %q of %s %q, which has no such key (its keys: %s)",
		[entry.description, var.name, key, kind, ref.name, concat(", ", sort(object.keys(target.keys)))],
	)
	path := array.concat(entry.path, ["env", i, "valueFrom", field, "key"])
	related := {"ref": target.ref, "path": data_field(kind), "message": sprintf("%s %q's keys", [kind, ref.name])}
}

violation contains {"msg": msg, "path": path} if {
	complete
	some entry in containers
	some i, var in entry.container.env
	some field, ref in var.valueFrom
	kind := ref_kinds[field]
	is_object(ref)
	not ref.optional == true
	is_string(ref.name)
	count(named(kind, ref.name)) == 0
	msg := sprintf(
		"%s: env %v reads %s %q, which is not among the files (declared complete)",
		[entry.description, var.name, kind, ref.name],
	)
	path := array.concat(entry.path, ["env", i, "valueFrom", field, "name"])
}

has_key(candidates, key) if {
	some o in candidates
	o.keys[key]
}

checked(o) if {
	o.has_data
	not o.type == "kubernetes.io/service-account-token"
}

data_field("ConfigMap") := "data"

data_field("Secret") := "data"
