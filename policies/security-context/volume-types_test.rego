package plimsoll.rules.security_context.volume_types_test

import data.plimsoll.lib.pss_test as t
import data.plimsoll.rules.security_context.host_path_volumes
import data.plimsoll.rules.security_context.volume_types
import rego.v1

volumes(list) := t.pod({"containers": [], "volumes": list})

test_restricted_volume_types if {
	input_pod := volumes([
		{"name": "nfs", "nfs": {"server": "s", "path": "/"}},
		{"name": "disk", "awsElasticBlockStore": {"volumeID": "v"}},
		{"name": "ok", "secret": {"secretName": "s"}},
		{"name": "scratch"},
	])
	t.paths(volume_types.violation) == {"spec.volumes.0.nfs", "spec.volumes.1.awsElasticBlockStore"} with input as input_pod
	count(volume_types.violation) == 0 with input as input_pod with data.plimsoll.config.pss as t.at("baseline", 37)
}

# restrictedVolumes accepts a volume that also sets an allowed source (the first match wins).
test_an_allowed_source_wins if {
	input_pod := volumes([{"name": "both", "configMap": {"name": "c"}, "nfs": {"server": "s", "path": "/"}}])
	count(volume_types.violation) == 0 with input as input_pod
}

# hostPath is host-path-volumes' to report, at every level: each value once.
test_host_path_is_reported_by_host_path_volumes if {
	input_pod := volumes([{"name": "logs", "hostPath": {"path": "/var/log"}}])
	count(volume_types.violation) == 0 with input as input_pod
	t.paths(host_path_volumes.violation) == {"spec.volumes.0.hostPath"} with input as input_pod
	count(host_path_volumes.violation) == 1 with input as input_pod with data.plimsoll.config.pss as t.at("baseline", 0)
}

# At restricted, restrictedVolumes replaces hostPathVolumes and accepts a volume that also sets
# an allowed source; baseline rejects it.
test_host_path_next_to_an_allowed_source if {
	input_pod := volumes([{"name": "both", "emptyDir": {}, "hostPath": {"path": "/"}}])
	count(host_path_volumes.violation) == 0 with input as input_pod with data.plimsoll.config.pss as t.at("restricted", 37)
	count(host_path_volumes.violation) == 1 with input as input_pod with data.plimsoll.config.pss as t.at("baseline", 37)
}

test_a_null_source_is_not_set if {
	count(host_path_volumes.violation) == 0 with input as volumes([{"name": "x", "hostPath": null}])
	count(volume_types.violation) == 0 with input as volumes([{"name": "x", "nfs": null}])
}
