# METADATA
# title: Containers that expose SSH
# description: |
#   A container that declares TCP port 22 most likely runs an SSH server. Containers are replaced,
#   not logged into: an SSH daemon is one more service to patch and to hold credentials for, and
#   a way around the audit trail of `kubectl exec`. Reported for `containerPort: 22` with
#   protocol `TCP` or none (TCP is the default).
# related_resources:
#   - https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports
# custom:
#   id: networking/ssh-port
#   severity: info
#   default: false
#   scope: pod-spec
#   requires_fields: [containerPort]
#   remediation: |
#     Remove the SSH server from the image; use `kubectl exec` or `kubectl debug` for interactive
#     access.
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: builder
#       spec:
#         containers:
#           - name: builder
#             image: registry.example.com/ci/builder:2.0.0
#             ports:
#               - containerPort: 22
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: builder
#       spec:
#         containers:
#           - name: builder
#             image: registry.example.com/ci/builder:2.0.0
#             ports:
#               - containerPort: 8080
package plimsoll.rules.networking.ssh_port

import data.plimsoll.lib.kubernetes.containers
import rego.v1

violation contains {"msg": msg, "path": array.concat(entry.path, ["ports", i, "containerPort"])} if {
	some entry in containers
	some i, port in entry.container.ports
	port.containerPort == 22
	object.get(port, "protocol", "TCP") in {"TCP", null}
	msg := sprintf("%s declares the SSH port 22", [entry.description])
}
