package plimsoll.rules.security_context.run_as_non_root_test

import data.plimsoll.lib.pss_test as t
import data.plimsoll.rules.security_context.run_as_non_root
import rego.v1

two_containers(pod_context, app_context) := t.pod({
	"securityContext": pod_context,
	"initContainers": [t.container("init", {})],
	"containers": [t.container("app", app_context)],
})

test_every_container_without_a_setting_when_the_pod_has_none if {
	t.paths(run_as_non_root.violation) == {
		"spec.initContainers.0.securityContext.runAsNonRoot",
		"spec.containers.0.securityContext.runAsNonRoot",
	} with input as two_containers({}, {"runAsNonRoot": null})
}

test_containers_inherit_the_pod_setting if {
	t.paths(run_as_non_root.violation) == set() with input as two_containers({"runAsNonRoot": true}, {})
	t.paths(run_as_non_root.violation) == {"spec.initContainers.0.securityContext.runAsNonRoot"} with input as two_containers({}, {"runAsNonRoot": true})
}

test_false_is_reported_where_it_is_written if {
	t.paths(run_as_non_root.violation) == {"spec.securityContext.runAsNonRoot"} with input as two_containers({"runAsNonRoot": false}, {})
	t.paths(run_as_non_root.violation) == {"spec.containers.0.securityContext.runAsNonRoot"} with input as two_containers({"runAsNonRoot": true}, {"runAsNonRoot": false})
}

test_user_namespaces_are_exempt_from_v1_35 if {
	input_pod := json.patch(two_containers({"runAsNonRoot": false}, {}), [{"op": "add", "path": "/spec/hostUsers", "value": false}])
	count(run_as_non_root.violation) == 0 with input as input_pod with data.plimsoll.config.pss as t.at("restricted", 35)
	count(run_as_non_root.violation) == 1 with input as input_pod with data.plimsoll.config.pss as t.at("restricted", 34)
}

test_not_at_baseline if {
	count(run_as_non_root.violation) == 0 with input as two_containers({}, {}) with data.plimsoll.config.pss as t.at("baseline", 37)
	count(run_as_non_root.violation) == 2 with input as two_containers({}, {}) with data.plimsoll.config.pss as t.at("restricted", 0)
}
