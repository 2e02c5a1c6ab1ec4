# Tests of the Pod Security Standards library, and the helpers the security-context rule tests
# share: builders for pods and workloads, and the settings for a level and version.
package plimsoll.lib.pss_test

import data.plimsoll.lib.pss
import rego.v1

# The settings for a level at policy version v1.<minor>.
at(level, minor) := {"level": level, "version": {"major": 1, "minor": minor}}

# A Pod with this spec.
pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "test"}, "spec": spec}

# A Pod with this metadata and spec.
pod_with_metadata(metadata, spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec}

# A Deployment whose pod template has this metadata and spec.
deployment(metadata, spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "test"},
	"spec": {"template": {"metadata": metadata, "spec": spec}},
}

# A container with this securityContext.
container(name, security_context) := {"name": name, "image": "registry.example.com/app:1.0", "securityContext": security_context}

# A pod with one container with this securityContext and nothing else.
pod_with_container(security_context) := pod({"containers": [container("app", security_context)]})

# The paths of a set of violations, each written with dots: {"spec.containers.0.image"}.
paths(violations) := {concat(".", [sprintf("%v", [key]) | some key in v.path]) | some v in violations}

test_default_settings_are_restricted_at_the_newest_version if {
	pss.level == "restricted"
	pss.version == {"major": 1, "minor": pss.newest_minor}
	pss.restricted
	pss.baseline
}

test_baseline_level_turns_restricted_checks_off if {
	pss.baseline with data.plimsoll.config.pss as at("baseline", 37)
	not pss.restricted with data.plimsoll.config.pss as at("baseline", 37)
}

test_unknown_level_runs_nothing if {
	not pss.baseline with data.plimsoll.config.pss as at("privileged", 37)
	not pss.restricted with data.plimsoll.config.pss as at("privileged", 37)
}

test_versions_compare_by_minor if {
	pss.version_minor >= 25 with data.plimsoll.config.pss as at("restricted", 25)
	pss.version_minor >= 8 with data.plimsoll.config.pss as at("restricted", 25)
	not pss.version_minor >= 26 with data.plimsoll.config.pss as at("restricted", 25)
	pss.version_minor >= 37 with data.plimsoll.config.pss as {"level": "restricted", "version": {"major": 2, "minor": 0}}
}

test_metadata_is_next_to_the_pod_spec if {
	pss.metadata_path == ["metadata"] with input as pod({})
	pss.metadata_path == ["spec", "template", "metadata"] with input as deployment({}, {})
	cronjob := {
		"apiVersion": "batch/v1",
		"kind": "CronJob",
		"metadata": {"name": "test"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {}}}}},
	}
	pss.metadata_path == ["spec", "jobTemplate", "spec", "template", "metadata"] with input as cronjob
}

test_annotations_read_null_as_empty if {
	annotations := pss.annotations with input as pod_with_metadata({"name": "t", "annotations": {"a": null, "b": "x"}}, {})
	annotations == {"a": "", "b": "x"}
}

test_windows_exemption_starts_at_v1_25 if {
	windows := pod({"os": {"name": "windows"}, "containers": []})
	pss.windows_exempt with input as windows with data.plimsoll.config.pss as at("restricted", 25)
	not pss.windows_exempt with input as windows with data.plimsoll.config.pss as at("restricted", 24)
	not pss.windows_exempt with input as pod({"os": {"name": "linux"}}) with data.plimsoll.config.pss as at("restricted", 37)
}

test_user_namespace_relaxation_starts_at_v1_35 if {
	user_namespace := pod({"hostUsers": false, "containers": []})
	pss.user_namespace_relaxed with input as user_namespace with data.plimsoll.config.pss as at("baseline", 35)
	not pss.user_namespace_relaxed with input as user_namespace with data.plimsoll.config.pss as at("baseline", 34)
	not pss.user_namespace_relaxed with input as pod({"hostUsers": true}) with data.plimsoll.config.pss as at("baseline", 37)
	not pss.user_namespace_relaxed with input as pod({}) with data.plimsoll.config.pss as at("baseline", 37)
}

test_a_volume_without_a_source_is_an_empty_dir if {
	not pss.allowed_volume_source({"name": "scratch"})
	pss.allowed_volume_source({"name": "config", "configMap": {"name": "c"}})
	not pss.allowed_volume_source({"name": "config", "configMap": null})
}
