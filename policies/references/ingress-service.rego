# METADATA
# title: Ingress backends to missing Services or ports
# description: |
#   An Ingress routes each rule path (and its default backend) to a Service port, by number or
#   by name. A port the Service does not have leaves the route without endpoints: the controller
#   answers 503 or drops the route, and nothing in the manifests looks wrong. Reported when the
#   Service is among the files and has no such port. A backend naming a Service that is not among
#   the files is reported only when the input is declared complete (`--complete-input`): on partial
#   input the Service may well live elsewhere. Backends to a `resource` are not checked.
# related_resources:
#   - https://kubernetes.io/docs/concepts/services-networking/ingress/#the-ingress-resource
# custom:
#   id: references/ingress-service
#   severity: error
#   default: true
#   scope: kinds
#   kinds: [Ingress]
#   inventory: [Service]
#   complete_input: partly
#   requires_fields: [defaultBackend, paths]
#   remediation: |
#     Point the backend at a port the Service declares (its `port` number, or its port's `name`),
#     add the port to the Service, or fix the Service name.
#   examples:
#     fail: |
#       apiVersion: networking.k8s.io/v1
#       kind: Ingress
#       metadata:
#         name: shop
#       spec:
#         rules:
#           - http:
#               paths:
#                 - path: /
#                   pathType: Prefix
#                   backend:
#                     service: {name: web, port: {number: 8080}}
#       ---
#       apiVersion: v1
#       kind: Service
#       metadata:
#         name: web
#       spec:
#         selector: {app: web}
#         ports:
#           - {name: http, port: 80, targetPort: 8080}
#     pass: |
#       apiVersion: networking.k8s.io/v1
#       kind: Ingress
#       metadata:
#         name: shop
#       spec:
#         rules:
#           - http:
#               paths:
#                 - path: /
#                   pathType: Prefix
#                   backend:
#                     service: {name: web, port: {name: http}}
#       ---
#       apiVersion: v1
#       kind: Service
#       metadata:
#         name: web
#       spec:
#         selector: {app: web}
#         ports:
#           - {name: http, port: 80, targetPort: 8080}
package plimsoll.rules.references.ingress_service

import data.plimsoll.lib.inventory.complete
import data.plimsoll.lib.inventory.named
import rego.v1

# Each Service backend of a networking.k8s.io Ingress, with the path of its `service` field.
backends contains {"service": service, "path": ["spec", "defaultBackend", "service"]} if {
	is_ingress
	service := input.spec.defaultBackend.service
	is_object(service)
}

backends contains {"service": service, "path": ["spec", "rules", i, "http", "paths", j, "backend", "service"]} if {
	is_ingress
	some i, rule in input.spec.rules
	some j, http_path in rule.http.paths
	service := http_path.backend.service
	is_object(service)
}

is_ingress if {
	input.kind == "Ingress"
	startswith(input.apiVersion, "networking.k8s.io/")
}

# The Service is in the run, and none of that name in the namespace has the port.
violation contains {"msg": msg, "path": path, "related": related} if {
	some backend in backends
	name := backend.service.name
	is_string(name)
	services := named("Service", name)
	count(services) > 0
	some field, wanted in backend.service.port
	field in {"number", "name"}
	count([s | some s in services; has_port(s, field, wanted)]) == 0
	service := services[0]
	msg := sprintf("backend Service %q has no port %s (%s)", [name, port_text(field, wanted), ports_text(service)])
	path := array.concat(backend.path, ["port", field])
	related := {"ref": service.ref, "path": "spec.ports", "message": sprintf("Service %q's ports", [name])}
}

# The Service is not in the run: reported only when the input is declared complete.
violation contains {"msg": msg, "path": path} if {
	complete
	some backend in backends
	name := backend.service.name
	is_string(name)
	count(named("Service", name)) == 0
	msg := sprintf("backend Service %q is not among the files, which are declared complete", [name])
	path := array.concat(backend.path, ["name"])
}

has_port(service, "number", number) if {
	some port in service.ports
	port.port == number
}

has_port(service, "name", name) if {
	some port in service.ports
	port.name == name
}

port_text("number", number) := sprintf("%v", [number])

port_text("name", name) := sprintf("named %q", [name])

ports_text(service) := "it declares no ports" if count(service.ports) == 0

ports_text(service) := sprintf("its ports: %s", [concat(", ", [describe(p) | some p in service.ports])]) if {
	count(service.ports) > 0
}

describe(port) := sprintf("%v %q", [port.port, port.name]) if is_string(port.name)

describe(port) := sprintf("%v", [port.port]) if not is_string(port.name)
