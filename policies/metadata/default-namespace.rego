# METADATA
# title: Object placed in the default namespace
# description: |
#   `metadata.namespace: default` puts the object in the namespace every cluster has and that
#   every user and tool falls back to: access rules, quotas and network policies written for an
#   application's own namespace do not cover it, and names collide with whatever else landed
#   there. Only an explicit `default` is reported: an unset namespace is chosen when the
#   manifests are applied (`kubectl -n`, a Helm release's namespace, kustomize's `namespace:`).
# related_resources:
#   - https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#initial-namespaces
# custom:
#   id: metadata/default-namespace
#   severity: info
#   default: false
#   scope: all-objects
#   requires_fields: [namespace]
#   remediation: |
#     Give the application a namespace of its own, or remove `metadata.namespace` and choose
#     the namespace when applying.
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: ConfigMap
#       metadata:
#         name: settings
#         namespace: default
#       data:
#         mode: production
#     pass: |
#       apiVersion: v1
#       kind: ConfigMap
#       metadata:
#         name: settings
#         namespace: shop
#       data:
#         mode: production
package plimsoll.rules.metadata.default_namespace

import rego.v1

violation contains {"msg": msg, "path": ["metadata", "namespace"]} if {
	input.metadata.namespace == "default"
	msg := sprintf("%v %q is placed in the default namespace", [input.kind, object.get(input, ["metadata", "name"], "")])
}
