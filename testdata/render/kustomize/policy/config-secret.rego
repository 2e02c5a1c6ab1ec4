# METADATA
# title: No passwords in ConfigMaps
# custom:
#   id: acme/config-secret
package main

import rego.v1

deny contains {"msg": sprintf("ConfigMap data %q looks like a password", [key]), "path": ["data", key]} if {
	input.kind == "ConfigMap"
	some key, _ in input.data
	contains(lower(key), "password")
}
