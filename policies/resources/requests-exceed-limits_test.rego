package plimsoll.rules.resources.requests_exceed_limits

import rego.v1

q(value) := plimsoll.quantity.parse(value)

test_exact_quantity_comparison if {
	exceeds(q("1Gi"), q("1G"))
	not exceeds(q("1G"), q("1Gi"))
	exceeds(q("0.5"), q("499m"))
	not exceeds(q("0.5"), q("500m"))
	not exceeds(q(1), q("1000m"))
	exceeds(q(2), q("1"))
	exceeds(q("1e3"), q("999"))
	exceeds(q("1n"), q(0))
}

test_invalid_or_negative_values_are_left_to_invalid_quantity if {
	not exceeds(q("2 GB"), q("1Gi"))
	not exceeds(q("1"), q("-1"))
	not exceeds(q("1"), q(true))
}

test_the_request_is_located_and_named if {
	pod := {"apiVersion": "v1", "kind": "Pod", "spec": {"initContainers": [{
		"name": "init",
		"resources": {"requests": {"nvidia.com/gpu": 2}, "limits": {"nvidia.com/gpu": 1}},
	}]}}
	facts := {"images": {}, "quantities": {2: q(2), 1: q(1)}}
	found := violation with input as pod with data.plimsoll.facts as facts
	found == {{
		"msg": `init container "init": nvidia.com/gpu request 2 is more than its limit 1`,
		"path": ["spec", "initContainers", 0, "resources", "requests", "nvidia.com/gpu"],
	}}
}
