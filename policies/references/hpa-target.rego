# METADATA
# title: HorizontalPodAutoscalers with a missing or unscalable target
# description: |
#   A HorizontalPodAutoscaler scales the object its `spec.scaleTargetRef` names (kind, name and
#   API version, in its own namespace) through that object's scale subresource. A target that has
#   none — a DaemonSet, Job, CronJob or bare Pod — cannot be scaled: the autoscaler only reports
#   `FailedGetScale`, and nothing in the manifests says so. Reported when such a target is among the
#   files. A target that is not among the files is reported only when the input is declared complete
#   (`--complete-input`); on partial input it may be deployed from elsewhere.
# related_resources:
#   - https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
# custom:
#   id: references/hpa-target
#   severity: warning
#   default: true
#   scope: kinds
#   kinds: [HorizontalPodAutoscaler]
#   inventory_referenced: [DaemonSet, Job, CronJob, Pod, PodTemplate]
#   complete_input: partly
#   requires_fields: [scaleTargetRef]
#   remediation: |
#     Point `scaleTargetRef` at the Deployment, StatefulSet, ReplicaSet or Rollout to scale (kind,
#     name and apiVersion as written in that object), or remove the autoscaler.
#   examples:
#     fail: |
#       apiVersion: autoscaling/v2
#       kind: HorizontalPodAutoscaler
#       metadata:
#         name: agent
#       spec:
#         scaleTargetRef: {apiVersion: apps/v1, kind: DaemonSet, name: agent}
#         minReplicas: 2
#         maxReplicas: 5
#       ---
#       apiVersion: apps/v1
#       kind: DaemonSet
#       metadata:
#         name: agent
#       spec:
#         selector:
#           matchLabels: {app: agent}
#         template:
#           metadata:
#             labels: {app: agent}
#           spec:
#             containers:
#               - name: agent
#                 image: registry.example.com/ops/agent:1.0.0
#     pass: |
#       apiVersion: autoscaling/v2
#       kind: HorizontalPodAutoscaler
#       metadata:
#         name: web
#       spec:
#         scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
#         minReplicas: 2
#         maxReplicas: 5
#       ---
#       apiVersion: apps/v1
#       kind: Deployment
#       metadata:
#         name: web
#       spec:
#         selector:
#           matchLabels: {app: web}
#         template:
#           metadata:
#             labels: {app: web}
#           spec:
#             containers:
#               - name: web
#                 image: registry.example.com/shop/web:2.4.1
package plimsoll.rules.references.hpa_target

import data.plimsoll.lib.inventory.complete
import data.plimsoll.lib.inventory.named
import rego.v1

target := input.spec.scaleTargetRef if {
	input.kind == "HorizontalPodAutoscaler"
	startswith(input.apiVersion, "autoscaling/")
	is_string(input.spec.scaleTargetRef.kind)
	is_string(input.spec.scaleTargetRef.name)
}

# The objects among the files the target names: kind, name, namespace and API group.
targets := [o |
	some o in named(target.kind, target.name)
	same_group(o.apiVersion, object.get(target, "apiVersion", null))
]

same_group(_, null) := true

same_group(a, b) := group(a) == group(b) if b != null

group(api_version) := "" if not contains(api_version, "/")

group(api_version) := split(api_version, "/")[0] if contains(api_version, "/")

# The target is among the files and has no scale subresource.
violation contains {"msg": msg, "path": ["spec", "scaleTargetRef", "kind"], "related": related} if {
	count(targets) > 0
	count([o | some o in targets; not unscalable(o)]) == 0
	o := targets[0]
	msg := sprintf("the target %s %q cannot be scaled: a %s has no scale subresource", [target.kind, target.name, target.kind])
	related := {"ref": o.ref, "message": sprintf("%s %q", [target.kind, target.name])}
}

# Pod-bearing kinds without a scale subresource; other kinds (custom resources) may have one.
unscalable(o) if o.scalable == false

# No such object among the files: only when the input is declared complete.
violation contains {"msg": msg, "path": ["spec", "scaleTargetRef", "name"]} if {
	complete
	target
	count(targets) == 0
	msg := sprintf("the target %s %q is not among the files, which are declared complete", [target.kind, target.name])
}
