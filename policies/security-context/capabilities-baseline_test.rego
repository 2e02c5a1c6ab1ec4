package plimsoll.rules.security_context.capabilities_baseline_test

import data.plimsoll.lib.pss_test as t
import data.plimsoll.rules.security_context.capabilities_baseline
import rego.v1

adding(capabilities) := t.pod_with_container({"capabilities": {"add": capabilities}})

test_capabilities_outside_the_default_set if {
	violations := capabilities_baseline.violation with input as adding(["CHOWN", "SYS_ADMIN", "NET_BIND_SERVICE", "NET_RAW"])
	t.paths(violations) == {
		"spec.containers.0.securityContext.capabilities.add.1",
		"spec.containers.0.securityContext.capabilities.add.3",
	}
}

test_the_default_set_is_allowed if {
	count(capabilities_baseline.violation) == 0 with input as adding(["AUDIT_WRITE", "KILL", "SETPCAP", "SYS_CHROOT"])
}

# capabilities_restricted overrides this check at restricted from v1.22 and exempts Windows pods
# from v1.25: upstream admits them at restricted, though baseline rejects them.
test_windows_pods_at_restricted_from_v1_25 if {
	windows := json.patch(adding(["SYS_ADMIN"]), [{"op": "add", "path": "/spec/os", "value": {"name": "windows"}}])
	count(capabilities_baseline.violation) == 0 with input as windows with data.plimsoll.config.pss as t.at("restricted", 25)
	count(capabilities_baseline.violation) == 1 with input as windows with data.plimsoll.config.pss as t.at("restricted", 24)
	count(capabilities_baseline.violation) == 1 with input as windows with data.plimsoll.config.pss as t.at("baseline", 25)
}
