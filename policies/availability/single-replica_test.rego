package plimsoll.rules.availability.single_replica

import rego.v1

deployment(spec) := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}

# A run with only the Deployment (ref 0), and one with its autoscaler too (ref 1).
run_alone := {"entries": [{"ref": 0}], "objects": {"Deployment": {"web": [0]}}}

run_with_autoscaler := {
	"entries": [{"ref": 0}, {
		"ref": 1, "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "name": "web", "namespace": "shop",
		"target": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "minReplicas": 2,
	}],
	"objects": {"Deployment": {"web": [0]}, "HorizontalPodAutoscaler": {"web": [1]}},
	"scale_targets": {"Deployment": {"web": [1]}},
}

test_the_minimum_comes_from_the_settings if {
	count(violation) == 0 with input as deployment({"replicas": 2})
	count(violation) == 1 with input as deployment({"replicas": 2})
		with data.plimsoll.config as {"availability/single-replica": {"min": 3}}
	count(violation) == 0 with input as deployment({"replicas": 1})
		with data.plimsoll.config as {"availability/single-replica": {"min": 1}}
}

test_zero_is_a_deliberate_scale_down if {
	count(violation) == 0 with input as deployment({"replicas": 0})
}

test_unset_replicas_need_complete_input if {
	count(violation) == 0 with input as deployment({}) with data.plimsoll.inventory as run_alone
	count(violation) == 1 with input as deployment({}) with data.plimsoll.inventory as run_alone
		with data.plimsoll.complete_input as true
	count(violation) == 0 with input as deployment({}) with data.plimsoll.inventory as run_alone
		with data.plimsoll.complete_input as true
		with data.plimsoll.config as {"availability/single-replica": {"min": 1}}
}

test_an_autoscaler_in_the_run_owns_the_count if {
	count(violation) == 0 with input as deployment({"replicas": 1}) with data.plimsoll.inventory as run_with_autoscaler
	count(violation) == 0 with input as deployment({}) with data.plimsoll.inventory as run_with_autoscaler
		with data.plimsoll.complete_input as true
}

test_other_kinds_are_not_judged if {
	count(violation) == 0 with input as object.union(deployment({"replicas": 1}), {"kind": "ReplicaSet"})
}
