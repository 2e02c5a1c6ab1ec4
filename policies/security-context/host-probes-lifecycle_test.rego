package plimsoll.rules.security_context.host_probes_lifecycle_test

import data.plimsoll.lib.pss_test as t
import data.plimsoll.rules.security_context.host_probes_lifecycle
import rego.v1

probing := t.pod({"containers": [{
	"name": "app",
	"livenessProbe": {"httpGet": {"host": "10.0.0.1", "port": 80}},
	"readinessProbe": {"tcpSocket": {"host": "", "port": 80}},
	"startupProbe": {"httpGet": {"host": null, "port": 80}},
	"lifecycle": {"postStart": {"tcpSocket": {"host": "db", "port": 5432}}},
}]})

test_hosts_are_forbidden_from_v1_34 if {
	count(host_probes_lifecycle.violation) == 0 with input as probing with data.plimsoll.config.pss as t.at("baseline", 33)
	t.paths(host_probes_lifecycle.violation) == {
		"spec.containers.0.livenessProbe.httpGet.host",
		"spec.containers.0.lifecycle.postStart.tcpSocket.host",
	} with input as probing with data.plimsoll.config.pss as t.at("baseline", 34)
}
