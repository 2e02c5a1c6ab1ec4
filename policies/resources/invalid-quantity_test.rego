package plimsoll.rules.resources.invalid_quantity

import rego.v1

problem(value) := quantity_problem(plimsoll.quantity.parse(value))

test_malformed_values if {
	startswith(problem("2 GB"), "is not a valid quantity (")
	startswith(problem("1.5.0"), "is not a valid quantity (")
	startswith(problem("1KB"), "is not a valid quantity (")
	problem(true) == "is not a valid quantity (expected a string or a number)"
}

test_negative_values if {
	problem("-1") == "is negative"
	problem(-0.5) == "is negative"
}

test_valid_values if {
	not problem("500m")
	not problem(1)
	not problem("1e3")
	not problem(" 1Gi ")
	not problem("-0")
}

test_values_are_quoted_when_written_as_strings if {
	written("-1") == `"-1"`
	written(2) == "2"
	written(true) == "true"
}

test_ephemeral_containers_and_nulls_are_not_checked if {
	pod := {"apiVersion": "v1", "kind": "Pod", "spec": {
		"containers": [{"name": "a", "resources": {"requests": {"cpu": null}}}],
		"ephemeralContainers": [{"name": "d", "resources": {"limits": {"cpu": "x"}}}],
	}}
	facts := {"images": {}, "quantities": {"x": plimsoll.quantity.parse("x")}}
	count(violation) == 0 with input as pod with data.plimsoll.facts as facts
}
