# METADATA
# title: StatefulSets whose governing Service is not headless or does not select them
# description: |
#   A StatefulSet's `spec.serviceName` names the headless Service that gives its pods their
#   stable DNS names (`web-0.web.shop.svc`). That Service must have `clusterIP: None` and a
#   selector that selects the StatefulSet's pods; otherwise the names do not resolve and peers
#   cannot find each other. Reported when the Service is among the files (in the StatefulSet's
#   namespace) and is not headless or does not select the pods. A `serviceName` that names no
#   Service among the files is reported only when the input is declared complete
#   (`--complete-input`).
# related_resources:
#   - https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id
# custom:
#   id: references/statefulset-service
#   severity: warning
#   default: true
#   scope: kinds
#   kinds: [StatefulSet]
#   inventory: [Service]
#   complete_input: partly
#   requires_fields: [serviceName]
#   remediation: |
#     Give the Service `clusterIP: None` and a selector matching the StatefulSet's pod template
#     labels, or point `serviceName` at the headless Service that has them.
#   examples:
#     fail: |
#       apiVersion: apps/v1
#       kind: StatefulSet
#       metadata:
#         name: db
#       spec:
#         serviceName: db
#         selector:
#           matchLabels: {app: db}
#         template:
#           metadata:
#             labels: {app: db}
#           spec:
#             containers:
#               - name: db
#                 image: registry.example.com/data/db:16.2
#       ---
#       apiVersion: v1
#       kind: Service
#       metadata:
#         name: db
#       spec:
#         selector: {app: db}
#         ports:
#           - {name: sql, port: 5432}
#     pass: |
#       apiVersion: apps/v1
#       kind: StatefulSet
#       metadata:
#         name: db
#       spec:
#         serviceName: db
#         selector:
#           matchLabels: {app: db}
#         template:
#           metadata:
#             labels: {app: db}
#           spec:
#             containers:
#               - name: db
#                 image: registry.example.com/data/db:16.2
#       ---
#       apiVersion: v1
#       kind: Service
#       metadata:
#         name: db
#       spec:
#         clusterIP: None
#         selector: {app: db}
#         ports:
#           - {name: sql, port: 5432}
package plimsoll.rules.references.statefulset_service

import data.plimsoll.lib.inventory.complete
import data.plimsoll.lib.inventory.named
import rego.v1

service_name := input.spec.serviceName if {
	input.kind == "StatefulSet"
	startswith(input.apiVersion, "apps/")
	is_string(input.spec.serviceName)
	input.spec.serviceName != ""
}

services := named("Service", service_name)

# The refs of the Services whose selector selects this StatefulSet's pods.
selecting := {ref | some ref in data.plimsoll.facts.relations.selected_by.Service}

# What is wrong with a Service as this StatefulSet's governing Service.
problems(service) := array.concat(headless_problem(service), selector_problem(service))

headless_problem(service) := ["it is not headless (clusterIP: None)"] if not service.headless

headless_problem(service) := [] if service.headless

selector_problem(service) := ["its selector does not select the StatefulSet's pods"] if not service.ref in selecting

selector_problem(service) := [] if service.ref in selecting

# Where the Service goes wrong first.
wrong_field(service) := "spec.clusterIP" if not service.headless

wrong_field(service) := "spec.selector" if service.headless

# The Service is among the files, and none of that name is a fitting governing Service.
violation contains {"msg": msg, "path": ["spec", "serviceName"], "related": related} if {
	count(services) > 0
	count([s | some s in services; count(problems(s)) == 0]) == 0
	service := services[0]
	msg := sprintf("Service %q cannot govern the StatefulSet: %s", [service_name, concat("; ", problems(service))])
	related := {"ref": service.ref, "path": wrong_field(service), "message": sprintf("Service %q", [service_name])}
}

# No Service of that name among the files: only when the input is declared complete.
violation contains {"msg": msg, "path": ["spec", "serviceName"]} if {
	complete
	count(services) == 0
	msg := sprintf("Service %q is not among the files, which are declared complete", [service_name])
}
