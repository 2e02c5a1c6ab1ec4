package plimsoll.rules.security_context.allow_privilege_escalation_test

import data.plimsoll.lib.pss_test as t
import data.plimsoll.rules.security_context.allow_privilege_escalation
import rego.v1

containers := t.pod({
	"containers": [
		t.container("unset", {}),
		t.container("true", {"allowPrivilegeEscalation": true}),
		t.container("false", {"allowPrivilegeEscalation": false}),
	],
	"ephemeralContainers": [{"name": "debug", "image": "busybox"}],
})

test_every_container_must_say_false_from_v1_8 if {
	count(allow_privilege_escalation.violation) == 0 with input as containers with data.plimsoll.config.pss as t.at("restricted", 7)
	t.paths(allow_privilege_escalation.violation) == {
		"spec.containers.0.securityContext.allowPrivilegeEscalation",
		"spec.containers.1.securityContext.allowPrivilegeEscalation",
		"spec.ephemeralContainers.0.securityContext.allowPrivilegeEscalation",
	} with input as containers with data.plimsoll.config.pss as t.at("restricted", 8)
}

test_messages_tell_unset_from_true if {
	messages := {v.msg | some v in allow_privilege_escalation.violation} with input as containers
	messages == {
		"container \"unset\" does not set allowPrivilegeEscalation to false",
		"container \"true\" allows privilege escalation (allowPrivilegeEscalation: true)",
		"ephemeral container \"debug\" does not set allowPrivilegeEscalation to false",
	}
}

test_windows_pods_are_exempt_from_v1_25 if {
	windows := json.patch(containers, [{"op": "add", "path": "/spec/os", "value": {"name": "windows"}}])
	count(allow_privilege_escalation.violation) == 0 with input as windows with data.plimsoll.config.pss as t.at("restricted", 25)
	count(allow_privilege_escalation.violation) == 3 with input as windows with data.plimsoll.config.pss as t.at("restricted", 24)
}

test_not_at_baseline if {
	count(allow_privilege_escalation.violation) == 0 with input as containers with data.plimsoll.config.pss as t.at("baseline", 37)
}
