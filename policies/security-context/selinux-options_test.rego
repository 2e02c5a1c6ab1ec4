package plimsoll.rules.security_context.selinux_options_test

import data.plimsoll.lib.pss_test as t
import data.plimsoll.rules.security_context.selinux_options
import rego.v1

test_container_engine_t_is_allowed_from_v1_31 if {
	input_pod := t.pod_with_container({"seLinuxOptions": {"type": "container_engine_t"}})
	v30 := selinux_options.violation with input as input_pod with data.plimsoll.config.pss as t.at("baseline", 30)
	v31 := selinux_options.violation with input as input_pod with data.plimsoll.config.pss as t.at("baseline", 31)
	t.paths(v30) == {"spec.containers.0.securityContext.seLinuxOptions.type"}
	count(v31) == 0
}

test_container_types_and_levels_are_allowed if {
	input_pod := t.pod({
		"securityContext": {"seLinuxOptions": {"level": "s0:c1,c2", "type": ""}},
		"initContainers": [t.container("init", {"seLinuxOptions": {"type": "container_init_t"}})],
		"containers": [t.container("app", {"seLinuxOptions": {"type": "container_kvm_t", "user": "", "role": null}})],
	})
	count(selinux_options.violation) == 0 with input as input_pod with data.plimsoll.config.pss as t.at("baseline", 0)
}

test_type_user_and_role_are_each_reported if {
	input_pod := t.pod({
		"securityContext": {"seLinuxOptions": {"type": "spc_t", "user": "system_u"}},
		"containers": [t.container("app", {"seLinuxOptions": {"role": "system_r"}})],
	})
	t.paths(selinux_options.violation) == {
		"spec.securityContext.seLinuxOptions.type",
		"spec.securityContext.seLinuxOptions.user",
		"spec.containers.0.securityContext.seLinuxOptions.role",
	} with input as input_pod
}
