package plimsoll.rules.security_context.seccomp_restricted_test

import data.plimsoll.lib.pss_test as t
import data.plimsoll.rules.security_context.seccomp_restricted
import rego.v1

bare := t.pod({"initContainers": [t.container("init", {})], "containers": [t.container("app", {"seccompProfile": {"type": "RuntimeDefault"}})]})

test_containers_without_a_profile_from_v1_19 if {
	v18 := seccomp_restricted.violation with input as bare with data.plimsoll.config.pss as t.at("restricted", 18)
	v19 := seccomp_restricted.violation with input as bare with data.plimsoll.config.pss as t.at("restricted", 19)
	count(v18) == 0
	t.paths(v19) == {"spec.initContainers.0.securityContext.seccompProfile.type"}
}

test_not_at_baseline if {
	count(seccomp_restricted.violation) == 0 with input as bare with data.plimsoll.config.pss as t.at("baseline", 37)
}

test_a_pod_profile_covers_every_container if {
	input_pod := json.patch(bare, [{"op": "add", "path": "/spec/securityContext", "value": {"seccompProfile": {"type": "Localhost"}}}])
	count(seccomp_restricted.violation) == 0 with input as input_pod
}

# A forbidden pod profile is seccomp-baseline's to report: each value once.
test_a_forbidden_pod_profile_is_left_to_seccomp_baseline if {
	input_pod := json.patch(bare, [{"op": "add", "path": "/spec/securityContext", "value": {"seccompProfile": {"type": "Unconfined"}}}])
	count(seccomp_restricted.violation) == 0 with input as input_pod
}

test_windows_pods_are_exempt_from_v1_25 if {
	windows := json.patch(bare, [{"op": "add", "path": "/spec/os", "value": {"name": "windows"}}])
	count(seccomp_restricted.violation) == 0 with input as windows with data.plimsoll.config.pss as t.at("restricted", 25)
	count(seccomp_restricted.violation) == 1 with input as windows with data.plimsoll.config.pss as t.at("restricted", 24)
}
