package plimsoll.rules.security_context.apparmor_profile_test

import data.plimsoll.lib.pss_test as t
import data.plimsoll.rules.security_context.apparmor_profile
import rego.v1

annotated(annotations) := t.pod_with_metadata({"name": "test", "annotations": annotations}, {"containers": []})

test_profile_types if {
	input_pod := t.pod({
		"securityContext": {"appArmorProfile": {"type": "Unconfined"}},
		"containers": [
			t.container("missing-type", {"appArmorProfile": {}}),
			t.container("localhost", {"appArmorProfile": {"type": "Localhost", "localhostProfile": "p"}}),
			t.container("unset", {"appArmorProfile": null}),
		],
	})
	t.paths(apparmor_profile.violation) == {
		"spec.securityContext.appArmorProfile.type",
		"spec.containers.0.securityContext.appArmorProfile.type",
	} with input as input_pod
}

test_annotation_values if {
	input_pod := annotated({
		"container.apparmor.security.beta.kubernetes.io/a": "unconfined",
		"container.apparmor.security.beta.kubernetes.io/b": "runtime/default",
		"container.apparmor.security.beta.kubernetes.io/c": "localhost/profile",
		"container.apparmor.security.beta.kubernetes.io/d": "",
		"container.apparmor.security.beta.kubernetes.io/e": null,
		"other.example.com/a": "unconfined",
	})
	t.paths(apparmor_profile.violation) == {"metadata.annotations.container.apparmor.security.beta.kubernetes.io/a"} with input as input_pod
}

test_annotations_are_read_at_every_version if {
	input_pod := annotated({"container.apparmor.security.beta.kubernetes.io/a": "unconfined"})
	count(apparmor_profile.violation) == 1 with input as input_pod with data.plimsoll.config.pss as t.at("baseline", 0)
	count(apparmor_profile.violation) == 1 with input as input_pod with data.plimsoll.config.pss as t.at("restricted", 37)
}
