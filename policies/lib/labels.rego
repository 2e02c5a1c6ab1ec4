# Label selectors as the API server evaluates them: every `matchLabels` pair and every
# `matchExpressions` requirement must hold (In, NotIn, Exists, DoesNotExist). A selector that the
# API server would refuse to parse (an unknown operator, In or NotIn without values, Exists or
# DoesNotExist with values) selects nothing here; `selector_problem` says why.
package plimsoll.lib.labels

import rego.v1

# Whether `selector` (a LabelSelector object) selects an object with `labels`. `{}` selects
# everything, as for the API; callers that must reject an empty selector check that themselves.
selects(selector, labels) if {
	is_object(selector)
	not selector_problem(selector)
	matches(selector, labels)
}

# `selects` for a selector already known to be valid: the label comparisons alone.
matches(selector, labels) if {
	every key, value in object_or_empty(object.get(selector, "matchLabels", {})) {
		labels[key] == value
	}
	every requirement in array_or_empty(object.get(selector, "matchExpressions", [])) {
		requirement_holds(requirement, object_or_empty(labels))
	}
}

requirement_holds(requirement, labels) if {
	requirement.operator == "In"
	labels[requirement.key] in requirement.values
}

requirement_holds(requirement, labels) if {
	requirement.operator == "NotIn"
	not labels[requirement.key] in requirement.values
}

requirement_holds(requirement, labels) if {
	requirement.operator == "Exists"
	_ = labels[requirement.key]
}

requirement_holds(requirement, labels) if {
	requirement.operator == "DoesNotExist"
	not has_key(labels, requirement.key)
}

has_key(labels, key) if _ = labels[key]

# Why the API server would refuse the selector, for the first requirement that is malformed.
selector_problem(selector) := problem if {
	some i, requirement in array_or_empty(object.get(selector, "matchExpressions", []))
	problem := requirement_problem(requirement, i)
}

requirement_problem(requirement, i) := sprintf("matchExpressions[%d] has operator %v, not In, NotIn, Exists or DoesNotExist", [i, operator]) if {
	operator := object.get(requirement, "operator", null)
	not operator in {"In", "NotIn", "Exists", "DoesNotExist"}
}

requirement_problem(requirement, i) := sprintf("matchExpressions[%d] (%s) lists no values", [i, requirement.operator]) if {
	requirement.operator in {"In", "NotIn"}
	count(object.get(requirement, "values", [])) == 0
}

requirement_problem(requirement, i) := sprintf("matchExpressions[%d] (%s) lists values", [i, requirement.operator]) if {
	requirement.operator in {"Exists", "DoesNotExist"}
	count(object.get(requirement, "values", [])) > 0
}

object_or_empty(value) := value if is_object(value)

object_or_empty(value) := {} if not is_object(value)

array_or_empty(value) := value if is_array(value)

array_or_empty(value) := [] if not is_array(value)
