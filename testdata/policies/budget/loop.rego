# A policy that never finishes in practice: ten billion iterations, each adding to an array.
package main

import rego.v1

deny contains msg if {
	input.kind == "Pod"
	pairs := [x | some a in numbers.range(1, 100000); some b in numbers.range(1, 100000); x := [a, b]]
	count(pairs) > 0
	msg := "unreachable in any reasonable time"
}
