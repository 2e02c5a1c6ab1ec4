# METADATA
# title: ServiceMonitors that select no Service
# description: |
#   A prometheus-operator ServiceMonitor scrapes the endpoints of the Services its `spec.selector`
#   selects, in the namespaces its `spec.namespaceSelector` names (`any: true`, a `matchNames`
#   list, or by default its own). When it selects no Service among the files, nothing is scraped
#   and the metrics silently go missing. This is about a missing object, so it is reported only when
#   the input is declared complete (`--complete-input`).
# related_resources:
#   - https://prometheus-operator.dev/docs/developer/getting-started/
# custom:
#   id: references/service-monitor-selector
#   severity: info
#   default: false
#   scope: kinds
#   kinds: [ServiceMonitor]
#   inventory: true
#   complete_input: required
#   requires_fields: [selector]
#   remediation: |
#     Make the selector match the labels of the Service to scrape (the Service's own
#     `metadata.labels`, not its pods'), and its `namespaceSelector` name that Service's namespace.
#   examples:
#     fail: |
#       apiVersion: monitoring.coreos.com/v1
#       kind: ServiceMonitor
#       metadata:
#         name: web
#       spec:
#         selector:
#           matchLabels: {app: web}
#         endpoints:
#           - port: metrics
#       ---
#       apiVersion: v1
#       kind: Service
#       metadata:
#         name: web
#         labels: {app.kubernetes.io/name: web}
#       spec:
#         selector: {app: web}
#         ports:
#           - {name: metrics, port: 9090}
#     pass: |
#       apiVersion: monitoring.coreos.com/v1
#       kind: ServiceMonitor
#       metadata:
#         name: web
#       spec:
#         selector:
#           matchLabels: {app.kubernetes.io/name: web}
#         endpoints:
#           - port: metrics
#       ---
#       apiVersion: v1
#       kind: Service
#       metadata:
#         name: web
#         labels: {app.kubernetes.io/name: web}
#       spec:
#         selector: {app: web}
#         ports:
#           - {name: metrics, port: 9090}
package plimsoll.rules.references.service_monitor_selector

import data.plimsoll.lib.inventory.complete
import rego.v1

violation contains {"msg": msg, "path": ["spec", "selector"]} if {
	complete
	input.kind == "ServiceMonitor"
	startswith(input.apiVersion, "monitoring.coreos.com/")
	count(data.plimsoll.facts.relations.selects["spec.selector"]) == 0
	msg := "the selector and namespace selector match no Service among the files, so nothing is scraped"
}
