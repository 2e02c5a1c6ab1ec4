package plimsoll.rules.resources.cpu_requests

import rego.v1

messages(container) := found if {
	pod := {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [container]}}
	found := {v.msg | some v in violation} with input as pod
}

test_a_defaulted_request_is_still_reported if {
	messages({"name": "a", "resources": {"limits": {"cpu": "1"}}}) == {`container "a" has no CPU request (Kubernetes copies the limit into it)`}
}

test_missing_and_null_requests if {
	messages({"name": "a"}) == {`container "a" has no CPU request`}
	messages({"name": "a", "resources": {"requests": {"cpu": null}}}) == {`container "a" has no CPU request`}
	messages({"name": "a", "resources": {"requests": {"cpu": null}, "limits": {"cpu": null}}}) == {`container "a" has no CPU request`}
}

test_requests_pass if {
	messages({"name": "a", "resources": {"requests": {"cpu": 1}}}) == set()
	messages({"name": "a", "resources": {"requests": {"cpu": "250m"}}}) == set()
}
