package main

import rego.v1

# METADATA
# title: Images from our registry
# custom:
#   id: acme/registry
#   remediation: Push the image to registry.acme.example and use it from there.
deny contains {"msg": msg, "path": ["spec", "containers", i, "image"]} if {
	input.kind == "Pod"
	some i, container in input.spec.containers
	not startswith(container.image, "registry.acme.example/")
	msg := sprintf("container %q uses %q", [container.name, container.image])
}
