package plimsoll.rules.security_context.read_only_root_filesystem_test

import data.plimsoll.lib.pss_test as t
import data.plimsoll.rules.security_context.read_only_root_filesystem
import rego.v1

containers := t.pod({
	"initContainers": [t.container("init", {"readOnlyRootFilesystem": false})],
	"containers": [t.container("app", {}), t.container("ok", {"readOnlyRootFilesystem": true})],
	"ephemeralContainers": [t.container("debug", {})],
})

test_regular_and_init_containers if {
	t.paths(read_only_root_filesystem.violation) == {
		"spec.initContainers.0.securityContext.readOnlyRootFilesystem",
		"spec.containers.0.securityContext.readOnlyRootFilesystem",
	} with input as containers
}

test_at_every_level_and_version if {
	count(read_only_root_filesystem.violation) == 2 with input as containers with data.plimsoll.config.pss as t.at("baseline", 0)
}

test_windows_pods_are_not_checked if {
	windows := json.patch(containers, [{"op": "add", "path": "/spec/os", "value": {"name": "windows"}}])
	count(read_only_root_filesystem.violation) == 0 with input as windows
}
