package main

# METADATA
# title: Images are pinned
# custom:
#   id: acme/latest-tag
deny contains msg if {
	some container in input.spec.template.spec.containers
	endswith(container.image, ":latest")
	msg := sprintf("container %q uses the latest tag", [container.name])
}

warn contains {"msg": "object has no team label", "path": "metadata.labels"} if {
	not input.metadata.labels.team
}

violation_replicas contains {"msg": msg, "path": ["spec", "replicas"]} if {
	input.spec.replicas < 2
	msg := sprintf("%d replica is not highly available", [input.spec.replicas])
}
