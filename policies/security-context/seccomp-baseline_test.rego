package plimsoll.rules.security_context.seccomp_baseline_test

import data.plimsoll.lib.pss_test as t
import data.plimsoll.rules.security_context.seccomp_baseline
import rego.v1

annotated(annotations) := t.pod_with_metadata(
	{"name": "test", "annotations": annotations},
	{"containers": [t.container("app", {})], "ephemeralContainers": [t.container("debug", {})]},
)

unconfined_pod := t.pod({"securityContext": {"seccompProfile": {"type": "Unconfined"}}, "containers": [t.container("app", {})]})

test_annotations_are_read_before_v1_19 if {
	input_pod := annotated({"seccomp.security.alpha.kubernetes.io/pod": "unconfined"})
	v18 := seccomp_baseline.violation with input as input_pod with data.plimsoll.config.pss as t.at("baseline", 18)
	v19 := seccomp_baseline.violation with input as input_pod with data.plimsoll.config.pss as t.at("baseline", 19)
	t.paths(v18) == {"metadata.annotations.seccomp.security.alpha.kubernetes.io/pod"}
	count(v19) == 0
}

test_container_annotations_name_containers_of_the_pod if {
	input_pod := annotated({
		"container.seccomp.security.alpha.kubernetes.io/app": "unconfined",
		"container.seccomp.security.alpha.kubernetes.io/debug": "",
		"container.seccomp.security.alpha.kubernetes.io/other": "unconfined",
	})
	violations := seccomp_baseline.violation with input as input_pod with data.plimsoll.config.pss as t.at("restricted", 0)
	t.paths(violations) == {
		"metadata.annotations.container.seccomp.security.alpha.kubernetes.io/app",
		"metadata.annotations.container.seccomp.security.alpha.kubernetes.io/debug",
	}
}

test_allowed_annotation_values if {
	input_pod := annotated({
		"seccomp.security.alpha.kubernetes.io/pod": "runtime/default",
		"container.seccomp.security.alpha.kubernetes.io/app": "docker/default",
		"container.seccomp.security.alpha.kubernetes.io/debug": "localhost/profile.json",
	})
	count(seccomp_baseline.violation) == 0 with input as input_pod with data.plimsoll.config.pss as t.at("baseline", 10)
}

test_annotations_in_a_pod_template if {
	input_pod := t.deployment(
		{"annotations": {"seccomp.security.alpha.kubernetes.io/pod": "unconfined"}},
		{"containers": [t.container("app", {})]},
	)
	violations := seccomp_baseline.violation with input as input_pod with data.plimsoll.config.pss as t.at("baseline", 5)
	t.paths(violations) == {"spec.template.metadata.annotations.seccomp.security.alpha.kubernetes.io/pod"}
}

test_fields_are_read_from_v1_19 if {
	v18 := seccomp_baseline.violation with input as unconfined_pod with data.plimsoll.config.pss as t.at("baseline", 18)
	v19 := seccomp_baseline.violation with input as unconfined_pod with data.plimsoll.config.pss as t.at("baseline", 19)
	count(v18) == 0
	t.paths(v19) == {"spec.securityContext.seccompProfile.type"}
}

test_a_profile_without_a_type_is_forbidden if {
	violations := seccomp_baseline.violation with input as t.pod_with_container({"seccompProfile": {}})
	t.paths(violations) == {"spec.containers.0.securityContext.seccompProfile.type"}
}

# seccompProfile_restricted overrides this check at restricted from v1.19 and exempts Windows
# pods from v1.25: upstream admits them at restricted, though baseline rejects them.
test_windows_pods_at_restricted_from_v1_25 if {
	windows := json.patch(unconfined_pod, [{"op": "add", "path": "/spec/os", "value": {"name": "windows"}}])
	count(seccomp_baseline.violation) == 0 with input as windows with data.plimsoll.config.pss as t.at("restricted", 25)
	count(seccomp_baseline.violation) == 1 with input as windows with data.plimsoll.config.pss as t.at("restricted", 24)
	count(seccomp_baseline.violation) == 1 with input as windows with data.plimsoll.config.pss as t.at("baseline", 37)
}
