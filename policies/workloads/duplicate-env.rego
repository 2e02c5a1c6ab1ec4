# METADATA
# title: Environment variable set twice
# description: |
#   When a container's `env` lists the same name twice, the later entry silently wins: the
#   earlier value (often the one someone meant to change) has no effect, and tools that merge
#   patches by name can pick either. Checked for every container of the pod spec; reported at
#   each later entry's name. Variables from `envFrom` are not counted: overriding those with
#   `env` is how they are meant to be adjusted.
# related_resources:
#   - https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/
# custom:
#   id: workloads/duplicate-env
#   severity: warning
#   default: true
#   scope: pod-spec
#   requires_fields: [env]
#   remediation: |
#     Keep one entry per name and delete the other (check which value the container needs:
#     today it gets the last one).
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
#               - {name: LOG_LEVEL, value: debug}
#               - {name: PORT, value: "8080"}
#               - {name: LOG_LEVEL, value: info}
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
#               - {name: LOG_LEVEL, value: info}
#               - {name: PORT, value: "8080"}
package plimsoll.rules.workloads.duplicate_env

import data.plimsoll.lib.kubernetes.containers
import rego.v1

violation contains {"msg": msg, "path": path} if {
	some entry in containers
	env := entry.container.env
	is_array(env)
	names := [name | some item in env; name := object.get(item, "name", null)]
	# Most lists have no duplicate: comparing the counts spares them the pairwise walk.
	count(names) != count({name | some name in names})
	some j, name in names
	name != null
	some i, earlier in names
	i < j
	earlier == name
	not between(names, i, j, name)
	msg := sprintf("%s sets env %v twice (env[%d] and env[%d]); the later value wins", [entry.description, name, i, j])
	path := array.concat(entry.path, ["env", j, "name"])
}

# Another entry of that name sits between i and j: j is reported against that one.
between(names, i, j, name) if {
	some k, other in names
	i < k
	k < j
	other == name
}
