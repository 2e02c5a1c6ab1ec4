# Shared helpers for the rules that relate workloads to their autoscalers, over the run's
# inventory (`data.plimsoll.inventory`, see docs/cross-object-rules.md): which
# HorizontalPodAutoscalers of the run scale an object, and how many pods a workload keeps at
# least.
#
# Rules import the functions they call by name (`import data.plimsoll.lib.workload_scaling.autoscalers`).
package plimsoll.lib.workload_scaling

import data.plimsoll.lib.inventory.same_namespace
import rego.v1

# The API group of an apiVersion ("" for the core group).
api_group_of(api_version) := group if {
	parts := split(api_version, "/")
	count(parts) == 2
	group := parts[0]
}

api_group_of(api_version) := "" if {
	is_string(api_version)
	not contains(api_version, "/")
}

# The HorizontalPodAutoscalers of the run (their inventory summaries) whose scaleTargetRef names
# the object of `kind` and `name` in API group `group`, in a namespace shared with `namespace`.
# A scaleTargetRef without apiVersion names the kind in any group.
autoscalers(group, kind, name, namespace) := {hpa |
	some ref in object.get(data.plimsoll.inventory, ["scale_targets", kind, name], [])
	hpa := data.plimsoll.inventory.entries[ref]
	target_group_matches(hpa.target, group)
	same_namespace(hpa.namespace, namespace)
}

target_group_matches(target, group) if api_group_of(target.apiVersion) == group

target_group_matches(target, _) if object.get(target, "apiVersion", null) == null

# The autoscalers of the run that scale a workload (an inventory summary).
autoscalers_of(workload) := autoscalers(api_group_of(workload.apiVersion), workload.kind, workload.name, workload.namespace)

# The fewest pods a scalable workload (an inventory summary) runs, given its autoscalers
# (autoscalers_of, which callers need too): the minReplicas of an autoscaler in the run that
# scales it (1 when unset, the API default), else its replicas (1 when unset). With several
# autoscalers, the smallest minimum.
fewest_pods(_, scalers) := min({number_or_one(hpa.minReplicas) | some hpa in scalers}) if count(scalers) > 0

fewest_pods(workload, scalers) := number_or_one(workload.replicas) if count(scalers) == 0

# A replica count as written; unset (or not a number) is the API's default, 1.
number_or_one(value) := value if is_number(value)

number_or_one(value) := 1 if not is_number(value)
