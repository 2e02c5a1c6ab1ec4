# Shared helpers for the built-in rules: where each pod-bearing kind keeps its pod spec, and the
# containers in it, each with the path a violation should point at.
package plimsoll.lib.kubernetes

import rego.v1

# API group of the input object ("" for the core group).
api_group := group if {
	parts := split(input.apiVersion, "/")
	count(parts) == 2
	group := parts[0]
}

api_group := "" if {
	not contains(input.apiVersion, "/")
}

# Pod spec location per (group, kind), as rules.md lists them.
pod_spec_paths := {
	"": {"Pod": ["spec"], "PodTemplate": ["template", "spec"], "ReplicationController": ["spec", "template", "spec"]},
	"apps": {
		"Deployment": ["spec", "template", "spec"],
		"StatefulSet": ["spec", "template", "spec"],
		"DaemonSet": ["spec", "template", "spec"],
		"ReplicaSet": ["spec", "template", "spec"],
	},
	"extensions": {
		"Deployment": ["spec", "template", "spec"],
		"DaemonSet": ["spec", "template", "spec"],
		"ReplicaSet": ["spec", "template", "spec"],
	},
	"batch": {"Job": ["spec", "template", "spec"], "CronJob": ["spec", "jobTemplate", "spec", "template", "spec"]},
	# An Argo Rollout with spec.workloadRef and no template has no pod spec of its own.
	"argoproj.io": {"Rollout": ["spec", "template", "spec"]},
}

pod_spec_path := pod_spec_paths[api_group][input.kind]

# {"path": [...], "spec": {...}} for objects that carry a pod spec.
pod_spec := {"path": pod_spec_path, "spec": spec} if {
	spec := object.get(input, pod_spec_path, null)
	is_object(spec)
}

# Kinds whose pods run until stopped (probes matter); Jobs and CronJobs run to completion.
long_running if {
	pod_spec
	not input.kind in {"Job", "CronJob"}
}

container_fields := ["initContainers", "containers", "ephemeralContainers"]

# Every container of the pod spec: {"path", "container", "field", "name"}.
containers contains entry if {
	some field in container_fields
	some i, container in pod_spec.spec[field]
	is_object(container)
	entry := {
		"path": array.concat(pod_spec.path, [field, i]),
		"container": container,
		"field": field,
		"name": object.get(container, "name", sprintf("#%d", [i])),
	}
}

# Human wording for a container in messages.
describe(entry) := sprintf("container %q", [entry.name]) if entry.field == "containers"

describe(entry) := sprintf("init container %q", [entry.name]) if entry.field == "initContainers"

describe(entry) := sprintf("ephemeral container %q", [entry.name]) if entry.field == "ephemeralContainers"
