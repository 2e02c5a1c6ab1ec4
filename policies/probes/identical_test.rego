package plimsoll.rules.probes.identical

import rego.v1

deployment(container) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"spec": {"template": {"spec": {"containers": [container]}}},
}

http(path) := {"httpGet": {"path": path, "port": 8080}}

reported(container) if count(violation) > 0 with input as deployment(container)

test_same_handler_and_timings_are_identical if {
	reported({"name": "a", "livenessProbe": http("/h"), "readinessProbe": http("/h")})
}

test_default_timings_written_out_are_still_identical if {
	liveness := object.union(http("/h"), {"periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1})
	reported({"name": "a", "livenessProbe": liveness, "readinessProbe": http("/h")})
}

test_other_handler_or_timing_differs if {
	not reported({"name": "a", "livenessProbe": http("/live"), "readinessProbe": http("/ready")})
	liveness := object.union(http("/h"), {"failureThreshold": 6})
	not reported({"name": "a", "livenessProbe": liveness, "readinessProbe": http("/h")})
}

test_one_probe_or_no_handler_is_not_compared if {
	not reported({"name": "a", "readinessProbe": http("/h")})
	not reported({"name": "a", "livenessProbe": {}, "readinessProbe": {}})
	not reported({"name": "a", "livenessProbe": http("/h"), "readinessProbe": null})
}

test_jobs_are_not_checked if {
	container := {"name": "a", "livenessProbe": http("/h"), "readinessProbe": http("/h")}
	job := {"apiVersion": "batch/v1", "kind": "Job", "spec": {"template": {"spec": {"containers": [container]}}}}
	count(violation) == 0 with input as job
}
