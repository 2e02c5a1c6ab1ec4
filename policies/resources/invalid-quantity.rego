# METADATA
# title: Invalid resource quantities
# description: |
#   Requests and limits are Kubernetes quantities: a number with an optional suffix (`500m`,
#   `1.5`, `256Mi`, `1G`, `1e9`). Anything else (`2 GB`, `1.5.0`, `1gb`) makes the API server
#   reject the object, and so do negative values. A value is read exactly as the API server reads
#   it (surrounding spaces are ignored; a YAML number such as `cpu: 1` is fine). Checked for
#   every resource of regular and init containers.
# related_resources:
#   - https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
#   - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#meaning-of-memory
# custom:
#   id: resources/invalid-quantity
#   severity: error
#   default: true
#   scope: pod-spec
#   remediation: |
#     Write a plain number with an optional suffix and no space: `n u m k M G T P E` (powers of
#     1000), `Ki Mi Gi Ti Pi Ei` (powers of 1024) or an exponent (`e3`); memory is usually `Mi`
#     or `Gi`, CPU a number of cores or millicores (`250m`).
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
#             resources:
#               requests: {cpu: 250m, memory: 2 GB}
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         containers:
#           - name: web
#             image: registry.example.com/shop/web:2.4.1
#             resources:
#               requests: {cpu: 250m, memory: 2Gi}
package plimsoll.rules.resources.invalid_quantity

import data.plimsoll.facts.quantities
import data.plimsoll.lib.kubernetes.containers
import rego.v1

violation contains {"msg": msg, "path": path} if {
	any_problem
	some entry in containers
	entry.field in {"containers", "initContainers"}
	some kind in ["requests", "limits"]
	values := entry.container.resources[kind]
	is_object(values)
	some name, value in values
	value != null
	problem := quantity_problem(quantities[value])
	msg := sprintf("%s: %s.%s %s %s", [entry.description, kind, name, written(value), problem])
	path := array.concat(entry.path, ["resources", kind, name])
}

quantity_problem(quantity) := sprintf("is not a valid quantity (%s)", [quantity.error]) if not quantity.valid

quantity_problem(quantity) := "is negative" if {
	quantity.valid
	quantity.sign < 0
}

written(value) := sprintf("%q", [value]) if is_string(value)

written(value) := sprintf("%v", [value]) if not is_string(value)

# Whether any quantity the object writes is invalid or negative. Nearly every object has none, and
# looking at the parsed values first spares walking every container's resources for them.
any_problem if {
	some quantity in quantities
	quantity_problem(quantity)
}
