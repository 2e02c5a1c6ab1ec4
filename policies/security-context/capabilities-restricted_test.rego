package plimsoll.rules.security_context.capabilities_restricted_test

import data.plimsoll.lib.pss_test as t
import data.plimsoll.rules.security_context.capabilities_restricted
import rego.v1

with_capabilities(capabilities) := t.pod_with_container({"capabilities": capabilities})

test_containers_must_drop_all_from_v1_22 if {
	input_pod := t.pod({"containers": [t.container("app", {}), t.container("web", {"capabilities": {"drop": ["NET_RAW"]}})]})
	v21 := capabilities_restricted.violation with input as input_pod with data.plimsoll.config.pss as t.at("restricted", 21)
	v22 := capabilities_restricted.violation with input as input_pod with data.plimsoll.config.pss as t.at("restricted", 22)
	count(v21) == 0
	t.paths(v22) == {
		"spec.containers.0.securityContext.capabilities.drop",
		"spec.containers.1.securityContext.capabilities.drop",
	}
}

# Capabilities outside the default set are capabilities-baseline's to report: each value once.
test_only_net_bind_service_may_be_added if {
	input_pod := with_capabilities({"drop": ["ALL"], "add": ["NET_BIND_SERVICE", "CHOWN", "SYS_ADMIN"]})
	t.paths(capabilities_restricted.violation) == {"spec.containers.0.securityContext.capabilities.add.1"} with input as input_pod
}

test_drop_all_and_net_bind_service_pass if {
	input_pod := with_capabilities({"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]})
	count(capabilities_restricted.violation) == 0 with input as input_pod
}

test_windows_pods_are_exempt_from_v1_25 if {
	windows := t.pod({"os": {"name": "windows"}, "containers": [t.container("app", {})]})
	count(capabilities_restricted.violation) == 0 with input as windows with data.plimsoll.config.pss as t.at("restricted", 25)
	count(capabilities_restricted.violation) == 1 with input as windows with data.plimsoll.config.pss as t.at("restricted", 24)
}

test_not_at_baseline if {
	count(capabilities_restricted.violation) == 0 with input as with_capabilities({}) with data.plimsoll.config.pss as t.at("baseline", 37)
}
