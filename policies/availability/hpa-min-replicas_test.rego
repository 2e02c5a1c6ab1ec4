package plimsoll.rules.availability.hpa_min_replicas

import rego.v1

hpa(spec) := {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"}, "spec": spec}

test_the_minimum_defaults_to_two if {
	count(violation) == 1 with input as hpa({"minReplicas": 1, "maxReplicas": 5})
	count(violation) == 0 with input as hpa({"minReplicas": 2, "maxReplicas": 5})
}

test_the_minimum_is_configurable if {
	config := {"availability/hpa-min-replicas": {"min": 3}}
	found := violation with input as hpa({"minReplicas": 2, "maxReplicas": 5}) with data.plimsoll.config as config
	found == {{"msg": `HorizontalPodAutoscaler "web" has minReplicas 2, below 3`, "path": ["spec", "minReplicas"]}}
	count(violation) == 0 with input as hpa({"minReplicas": 3, "maxReplicas": 5}) with data.plimsoll.config as config
}

test_min_one_accepts_an_unset_min_replicas if {
	config := {"availability/hpa-min-replicas": {"min": 1}}
	count(violation) == 0 with input as hpa({"maxReplicas": 5}) with data.plimsoll.config as config
}
