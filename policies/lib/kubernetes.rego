# Shared helpers for the built-in rules: where each pod-bearing kind keeps its pod spec, and the
# containers in it, each with the path a violation should point at.
#
# Rules import the values they read by name (`import data.plimsoll.lib.kubernetes.containers`):
# regorus 0.14.1 compiles a value read through a package alias (`k8s.containers`) into an
# evaluation of every rule of the package.
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

# Pod spec location per (group, kind), from the table core hands in (core/src/kinds.rs).
pod_spec_path := data.plimsoll.kinds.pod_spec_paths[api_group][input.kind]

# {"path": [...], "spec": {...}} for objects that carry a pod spec. Core finds it beforehand
# (data.plimsoll.facts.pod_spec, the same value); the derivation below serves without it. (Two
# exclusive definitions rather than `else`: through `else`, regorus 0.14.1's compiled program
# returned no containers where the interpreter returned them.)
pod_spec := data.plimsoll.facts.pod_spec

pod_spec := {"path": pod_spec_path, "spec": spec} if {
	not data.plimsoll.facts.pod_spec
	spec := object.get(input, pod_spec_path, null)
	is_object(spec)
}

# Kinds whose pods run until stopped (probes matter); Jobs and CronJobs run to completion.
long_running if {
	pod_spec
	not input.kind in {"Job", "CronJob"}
}

container_fields := ["initContainers", "containers", "ephemeralContainers"]

# Every container of the pod spec, as an array (init, regular, then ephemeral containers, each in
# order): {"path", "container", "field", "name", "description", "security_context",
# "security_context_path"}. An array rather than a set: rules iterate it many times per object, and
# walking a set of large entries compares them. Core lists the same entries beforehand
# (data.plimsoll.facts.containers; its tests check the two agree), which spares every object this
# derivation; the derivation serves when no facts are given.
#
# The entry carries what rules would otherwise ask a function for (its wording in messages, its
# securityContext, that field's path): in the compiled program every function call costs about
# as much as a small rule, and rules ask these of every container.
containers := data.plimsoll.facts.containers

containers := [entry |
	some field in container_fields
	some i, container in pod_spec.spec[field]
	is_object(container)
	path := array.concat(pod_spec.path, [field, i])
	name := display_name(object.get(container, "name", sprintf("#%d", [i])))
	entry := {
		"path": path,
		"container": container,
		"field": field,
		"name": name,
		"description": describe_container(field, name),
		"security_context": object_or_empty(object.get(container, "securityContext", null)),
		"security_context_path": array.concat(path, ["securityContext"]),
	}
] if not data.plimsoll.facts.containers

# A container's name as text: a name that YAML 1.1 reads as another type (`name: y` is a boolean,
# `name: 123` a number) must not make the description's %q fail the whole object's evaluation.
display_name(name) := name if is_string(name)

display_name(name) := sprintf("%v", [name]) if not is_string(name)

# Human wording for a container in messages (an entry's `description`).
describe_container("containers", name) := sprintf("container %q", [name])

describe_container("initContainers", name) := sprintf("init container %q", [name])

describe_container("ephemeralContainers", name) := sprintf("ephemeral container %q", [name])

# A value that is not an object (a securityContext written as null or as text) reads as {}.
object_or_empty(value) := value if is_object(value)

object_or_empty(value) := {} if not is_object(value)
