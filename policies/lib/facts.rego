# What core parsed in Rust for the object being linted (core/src/functions.rs), keyed by the value
# as written: plimsoll.quantity.parse for every resource request and limit of every container, and
# plimsoll.image.parse for every container image. The compiled rule program cannot call Rust, so
# core hands the answers in as data.plimsoll.facts; these functions read them. The built-in rules
# import the maps instead (`import data.plimsoll.facts.images as image_facts`): a data read, where
# each function call costs the compiled program about a small rule's work.
package plimsoll.lib.facts

import rego.v1

# {"valid", "sign", "format", "value", "key"} or {"valid": false, "error"}: compare two quantities
# with their keys (`a.key < b.key`).
quantity(value) := data.plimsoll.facts.quantities[value]

# {"valid", "error"?, "registry", "repository", "name", "tag", "digest", "pinned"}.
image(ref) := data.plimsoll.facts.images[ref]

# {"verified", "status", "message", "key"?, "signature"?}: plimsoll.signature.verify, present only
# when trusted keys are configured.
signature(ref) := data.plimsoll.facts.signatures[ref]

# Every parsed quantity of the object: {value as written: quantity(value)}.
quantities := data.plimsoll.facts.quantities
