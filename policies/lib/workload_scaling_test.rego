package plimsoll.lib.workload_scaling

import rego.v1

autoscaler(ref, namespace, target, min_replicas) := {
	"ref": ref,
	"apiVersion": "autoscaling/v2",
	"kind": "HorizontalPodAutoscaler",
	"name": sprintf("hpa-%d", [ref]),
	"namespace": namespace,
	"target": target,
	"minReplicas": min_replicas,
}

# An inventory of autoscalers only: entries by ref, and the refs by kind and name.
inventory_of(autoscalers) := {
	"entries": autoscalers,
	"objects": {"HorizontalPodAutoscaler": {a.name: [a.ref] | some a in autoscalers}},
	"scale_targets": {kind: {name: refs_to(autoscalers, kind, name) |
		some a in autoscalers
		name := a.target.name
	} |
		some b in autoscalers
		kind := b.target.kind
	},
}

refs_to(autoscalers, kind, name) := [a.ref | some a in autoscalers; a.target.kind == kind; a.target.name == name]

run := inventory_of([
	autoscaler(0, "shop", {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, 3),
	autoscaler(1, null, {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, 2),
	autoscaler(2, "staging", {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, 5),
	autoscaler(3, "shop", {"kind": "StatefulSet", "name": "cache"}, null),
	autoscaler(4, "shop", {"apiVersion": "argoproj.io/v1alpha1", "kind": "Deployment", "name": "api"}, 2),
])

refs_of(scalers) := {hpa.ref | some hpa in scalers}

test_autoscalers_match_group_kind_name_and_namespace if {
	refs_of(autoscalers("apps", "Deployment", "web", "shop")) == {0, 1} with data.plimsoll.inventory as run
	refs_of(autoscalers("apps", "Deployment", "web", null)) == {0, 1, 2} with data.plimsoll.inventory as run
	refs_of(autoscalers("apps", "StatefulSet", "web", "shop")) == set() with data.plimsoll.inventory as run
	refs_of(autoscalers("apps", "Deployment", "api", "shop")) == set() with data.plimsoll.inventory as run
}

test_a_target_without_api_version_matches_any_group if {
	refs_of(autoscalers("apps", "StatefulSet", "cache", "shop")) == {3} with data.plimsoll.inventory as run
}

test_no_inventory_means_no_autoscaler if {
	refs_of(autoscalers("apps", "Deployment", "web", "shop")) == set()
}

workload(kind, name, namespace, replicas) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"name": name,
	"namespace": namespace,
	"replicas": replicas,
}

# fewest_pods with the workload's autoscalers, as the rules call it.
fewest(workload) := fewest_pods(workload, autoscalers_of(workload))

test_fewest_pods_prefers_the_smallest_autoscaler_minimum if {
	fewest(workload("Deployment", "web", "shop", 10)) == 2 with data.plimsoll.inventory as run
}

test_fewest_pods_defaults_to_one if {
	fewest(workload("Deployment", "other", "shop", null)) == 1 with data.plimsoll.inventory as run
	fewest(workload("Deployment", "other", "shop", 4)) == 4 with data.plimsoll.inventory as run
	fewest(workload("StatefulSet", "cache", "shop", 6)) == 1 with data.plimsoll.inventory as run
}
