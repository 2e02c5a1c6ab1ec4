package plimsoll.rules.probes.port

import rego.v1

pod(container) := {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [container]}}

paths(container) := found if {
	found := {format_path(v.path) | some v in violation} with input as pod(container)
}

format_path(path) := concat(".", [sprintf("%v", [p]) | some p in path])

test_undeclared_names_are_reported_per_handler if {
	container := {
		"name": "app",
		"ports": [{"name": "http", "containerPort": 8080}],
		"livenessProbe": {"httpGet": {"port": "http"}},
		"readinessProbe": {"tcpSocket": {"port": "htpp"}},
		"startupProbe": {"grpc": {"port": "grpc"}},
	}
	paths(container) == {
		"spec.containers.0.readinessProbe.tcpSocket.port",
		"spec.containers.0.startupProbe.grpc.port",
	}
}

test_numbers_are_not_names if {
	paths({"name": "app", "livenessProbe": {"httpGet": {"port": 8080}}}) == set()
}

test_declared_names_ignore_unnamed_ports if {
	declared_names({"ports": [{"containerPort": 80}, {"name": "web", "containerPort": 8080}]}) == {"web"}
	declared_names({}) == set()
}

test_the_message_lists_the_declared_names if {
	declared(set()) == "it has no named ports"
	declared({"b", "a"}) == "its named ports: a, b"
}
