# A policy that finishes at once, so that the budget is seen to stop only runaway ones.
package main

import rego.v1

deny contains msg if {
	input.kind == "Pod"
	msg := sprintf("pod %s", [input.metadata.name])
}
