package plimsoll.rules.images.registry

import rego.v1

prefixes_for_tests := ["ghcr.io/acme", "docker.io/library/nginx", "docker.io/nginx", "registry.local:5000"]

test_names_equal_to_or_below_a_prefix_are_allowed if {
	allowed("ghcr.io/acme") with data.plimsoll.config.images.allowed_prefixes as prefixes_for_tests
	allowed("ghcr.io/acme/api") with data.plimsoll.config.images.allowed_prefixes as prefixes_for_tests
	allowed("docker.io/library/nginx") with data.plimsoll.config.images.allowed_prefixes as prefixes_for_tests
	allowed("registry.local:5000/team/app") with data.plimsoll.config.images.allowed_prefixes as prefixes_for_tests
}

test_lookalike_prefixes_are_not_allowed if {
	not allowed("ghcr.io/acmecorp/api") with data.plimsoll.config.images.allowed_prefixes as prefixes_for_tests
	not allowed("registry.local:50001/app") with data.plimsoll.config.images.allowed_prefixes as prefixes_for_tests
	not allowed("docker.io/library/nginx-unprivileged") with data.plimsoll.config.images.allowed_prefixes as prefixes_for_tests
}

test_nothing_is_reported_without_an_allow_list if {
	pod := {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "a", "image": "quay.io/x/y:1"}]}}
	facts := {"images": {"quay.io/x/y:1": plimsoll.image.parse("quay.io/x/y:1")}, "quantities": {}}
	count(violation) == 0 with input as pod with data.plimsoll.facts as facts
}
