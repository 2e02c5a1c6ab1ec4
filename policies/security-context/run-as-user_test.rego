package plimsoll.rules.security_context.run_as_user_test

import data.plimsoll.lib.pss_test as t
import data.plimsoll.rules.security_context.run_as_user
import rego.v1

root := t.pod({"securityContext": {"runAsUser": 0}, "containers": [t.container("app", {"runAsUser": 0}), t.container("web", {"runAsUser": 1000})]})

test_user_0_from_v1_23 if {
	count(run_as_user.violation) == 0 with input as root with data.plimsoll.config.pss as t.at("restricted", 22)
	t.paths(run_as_user.violation) == {
		"spec.securityContext.runAsUser",
		"spec.containers.0.securityContext.runAsUser",
	} with input as root with data.plimsoll.config.pss as t.at("restricted", 23)
}

test_user_namespaces_are_exempt_from_v1_35 if {
	input_pod := json.patch(root, [{"op": "add", "path": "/spec/hostUsers", "value": false}])
	count(run_as_user.violation) == 0 with input as input_pod with data.plimsoll.config.pss as t.at("restricted", 35)
	count(run_as_user.violation) == 2 with input as input_pod with data.plimsoll.config.pss as t.at("restricted", 34)
}

test_not_at_baseline if {
	count(run_as_user.violation) == 0 with input as root with data.plimsoll.config.pss as t.at("baseline", 37)
}
