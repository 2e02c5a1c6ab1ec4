package main

import rego.v1

# A complete rule whose value is a set of messages: conftest reads it like `deny contains msg`.
deny_kinds := {msg |
	input.kind == "Service"
	msg := sprintf("%s %s: no Services here", [input.kind, input.metadata.name])
}

# An array of messages counts too.
warn_names := [msg |
	input.kind == "Deployment"
	msg := "Deployments are reviewed by hand"
]

# An object is not a list of messages: conftest ignores it, and so does plimsoll.
warn_object := {"msg": "never reported"}

# Boolean rules never report (conftest counts them as passing): plimsoll says so once, at load.
deny_boolean if input.kind == "Deployment"

warn_flag := true if input.kind == "Service"
