package plimsoll.rules.security_context.proc_mount_test

import data.plimsoll.lib.pss_test as t
import data.plimsoll.rules.security_context.proc_mount
import data.plimsoll.rules.security_context.proc_mount_restricted
import rego.v1

unmasked := t.pod({"containers": [t.container("app", {"procMount": "Unmasked"}), t.container("ok", {"procMount": "Default"})]})

user_namespace := json.patch(unmasked, [{"op": "add", "path": "/spec/hostUsers", "value": false}])

test_only_the_default_proc_mount if {
	t.paths(proc_mount.violation) == {"spec.containers.0.securityContext.procMount"} with input as unmasked with data.plimsoll.config.pss as t.at("baseline", 0)
	count(proc_mount.violation) == 0 with input as t.pod_with_container({"procMount": null})
}

test_baseline_allows_any_proc_mount_with_hostusers_false_from_v1_35 if {
	count(proc_mount.violation) == 1 with input as user_namespace with data.plimsoll.config.pss as t.at("baseline", 34)
	count(proc_mount.violation) == 0 with input as user_namespace with data.plimsoll.config.pss as t.at("baseline", 35)
	host_users := json.patch(unmasked, [{"op": "add", "path": "/spec/hostUsers", "value": true}])
	count(proc_mount.violation) == 1 with input as host_users with data.plimsoll.config.pss as t.at("baseline", 35)
}

# At restricted from v1.35 procMount_restricted overrides procMount: each value is reported
# once, by proc-mount when baseline forbids it, else by proc-mount-restricted.
test_restricted_reports_what_baseline_allows if {
	count(proc_mount_restricted.violation) == 1 with input as user_namespace with data.plimsoll.config.pss as t.at("restricted", 35)
	count(proc_mount.violation) == 0 with input as user_namespace with data.plimsoll.config.pss as t.at("restricted", 35)
	count(proc_mount_restricted.violation) == 0 with input as unmasked with data.plimsoll.config.pss as t.at("restricted", 35)
	count(proc_mount.violation) == 1 with input as unmasked with data.plimsoll.config.pss as t.at("restricted", 35)
}

test_proc_mount_restricted_starts_at_v1_35_and_restricted if {
	count(proc_mount_restricted.violation) == 0 with input as user_namespace with data.plimsoll.config.pss as t.at("restricted", 34)
	count(proc_mount.violation) == 1 with input as user_namespace with data.plimsoll.config.pss as t.at("restricted", 34)
	count(proc_mount_restricted.violation) == 0 with input as user_namespace with data.plimsoll.config.pss as t.at("baseline", 37)
}
