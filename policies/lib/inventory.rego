# Shared helpers for the rules that relate objects (custom.inventory in their METADATA): the run's
# inventory core hands in as data.plimsoll.inventory, and what it computed about the object being
# linted (data.plimsoll.facts.relations). docs/cross-object-rules.md describes both.
#
# Rules import the helpers they use by name (`import data.plimsoll.lib.inventory.named`), as
# with the kubernetes library.
package plimsoll.lib.inventory

import rego.v1

# The user declared the input complete (--complete-input) and the run has an inventory: only then
# may a rule report that a related object is missing.
complete if {
	data.plimsoll.complete_input == true
	data.plimsoll.inventory.entries
}

# The input object's namespace, null when unset (decided at apply time).
namespace := object.get(input, ["metadata", "namespace"], null)

# Two namespaces are the same when they are equal or either is unset.
same_namespace(a, b) if a == b

same_namespace(a, _) if a == null

same_namespace(_, b) if b == null

# The summary numbered `ref`.
entry(ref) := data.plimsoll.inventory.entries[ref]

# The summaries of the objects of `kind` named `name` in the input's namespace (any API group:
# rules compare apiVersion where it matters).
named(kind, name) := [e |
	some ref in object.get(data.plimsoll.inventory.objects, [kind, name], [])
	e := data.plimsoll.inventory.entries[ref]
	same_namespace(e.namespace, namespace)
]

# The summaries the input's selector at `path` (as the report writes paths: "spec.selector")
# selects. Undefined when the selector is invalid or the run has no inventory: not "no match".
selected(path) := [data.plimsoll.inventory.entries[ref] | some ref in data.plimsoll.facts.relations.selects[path]]

# The summaries of the objects of `kind` (Service, PodDisruptionBudget, NetworkPolicy) whose
# selector picks the input's pod template labels. Undefined without an inventory.
selected_by(kind) := [data.plimsoll.inventory.entries[ref] | some ref in data.plimsoll.facts.relations.selected_by[kind]]
