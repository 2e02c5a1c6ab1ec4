package plimsoll.lib.labels

import rego.v1

labels := {"app": "web", "tier": "frontend"}

test_match_labels_need_every_pair if {
	selects({"matchLabels": {"app": "web"}}, labels)
	selects({"matchLabels": {"app": "web", "tier": "frontend"}}, labels)
	not selects({"matchLabels": {"app": "web", "tier": "backend"}}, labels)
	not selects({"matchLabels": {"track": "stable"}}, labels)
}

test_every_operator if {
	selects({"matchExpressions": [{"key": "app", "operator": "In", "values": ["api", "web"]}]}, labels)
	not selects({"matchExpressions": [{"key": "app", "operator": "In", "values": ["api"]}]}, labels)
	selects({"matchExpressions": [{"key": "track", "operator": "NotIn", "values": ["canary"]}]}, labels)
	not selects({"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["web"]}]}, labels)
	selects({"matchExpressions": [{"key": "tier", "operator": "Exists"}]}, labels)
	not selects({"matchExpressions": [{"key": "track", "operator": "Exists"}]}, labels)
	selects({"matchExpressions": [{"key": "track", "operator": "DoesNotExist"}]}, labels)
	not selects({"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}, labels)
}

test_labels_and_expressions_combine if {
	selector := {"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["backend"]}]}
	not selects(selector, labels)
}

test_empty_selects_everything_and_null_nothing if {
	selects({}, labels)
	selects({}, {})
	not selects(null, labels)
	not selects({"matchLabels": {"app": "web"}}, null)
}

test_malformed_requirements_select_nothing if {
	not selects({"matchExpressions": [{"key": "app", "operator": "Equals", "values": ["web"]}]}, labels)
	not selects({"matchExpressions": [{"key": "app", "operator": "In", "values": []}]}, labels)
	not selects({"matchExpressions": [{"key": "app", "operator": "Exists", "values": ["web"]}]}, labels)
	selector_problem({"matchExpressions": [{"key": "app", "operator": "In"}]}) == "matchExpressions[0] (In) lists no values"
}
