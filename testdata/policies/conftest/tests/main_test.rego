package main

import rego.v1

test_latest_is_denied if {
	deny["container \"app\" uses the latest tag"] with input as {"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "nginx:latest"}]}}}}
}

test_pinned_is_allowed if {
	count(deny) == 0 with input as {"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}}}
}

# Fails on purpose: the deployment has a team label in this input, so there is no warning.
test_team_label_warning if {
	count(warn) == 1 with input as {"metadata": {"labels": {"team": "a"}}}
}
