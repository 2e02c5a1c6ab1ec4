package plimsoll.rules.availability.pdb_blocks_eviction

import rego.v1

kept_of(min_available, total) := kept_pods if {
	kept_pods := kept(total) with input as pdb({"minAvailable": min_available})
}

test_percentages_round_up_as_the_disruption_controller_does if {
	kept_of("75%", 3) == 3
	kept_of("50%", 1) == 1
	kept_of("50%", 4) == 2
	kept_of("34%", 3) == 2
	kept_of(2, 5) == 2
	not kept_of("100%", 5)
}

test_only_well_formed_percentages_are_read if {
	percent("100%") == 100
	not percent("1.5%")
	not percent(100)
	not percent("100")
}

pdb(spec) := {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web"}, "spec": spec}

test_zero_budgets_need_no_workload if {
	count(violation) == 1 with input as pdb({"maxUnavailable": 0})
	count(violation) == 1 with input as pdb({"maxUnavailable": "0%"})
	count(violation) == 1 with input as pdb({"minAvailable": "100%"})
	count(violation) == 0 with input as pdb({"maxUnavailable": 1})
	count(violation) == 0 with input as pdb({"minAvailable": 3})
}

test_budgets_outside_the_policy_group_are_not_judged if {
	count(violation) == 0 with input as object.union(pdb({"maxUnavailable": 0}), {"apiVersion": "v1"})
}
