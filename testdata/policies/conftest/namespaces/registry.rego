# METADATA
# title: Images come from the company registry
# custom:
#   id: acme/registry
package kubernetes.images

import rego.v1

deny contains {"msg": msg, "path": sprintf("spec.template.spec.containers[%d].image", [i])} if {
	some i, container in input.spec.template.spec.containers
	not allowed(container.image)
	msg := sprintf("image %q is not from an allowed registry", [container.image])
}

allowed(image) if {
	some prefix in data.registries.allowed
	startswith(image, prefix)
}
