package main

# METADATA
# title: No load balancers
# custom:
#   remediation: Expose the Service through the shared ingress instead.
deny[msg] {
	input.kind == "Service"
	input.spec.type == "LoadBalancer"
	msg = "Services must not be of type LoadBalancer"
}

warn_replicas[{"msg": msg, "path": "spec.replicas"}] {
	input.spec.replicas == 1
	msg := "a single replica"
}
