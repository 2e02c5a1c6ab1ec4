# METADATA
# title: hostPath volumes
# description: |
#   A hostPath volume mounts a file or directory of the node into the pod. Through it a pod can
#   read the node's secrets and other pods' data, or write where the node executes code (the
#   container runtime socket, kubelet configuration, /etc). Pod Security Standards forbid
#   hostPath volumes from the baseline level up (check "hostPathVolumes"). At the restricted
#   level the "restrictedVolumes" check takes over; this rule still reports each hostPath volume
#   there, unless the volume also names an allowed source (which that check accepts).
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   - https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
# custom:
#   id: security-context/host-path-volumes
#   severity: error
#   default: true
#   scope: pod-spec
#   requires_fields: [hostPath]
#   pss_check: hostPathVolumes
#   level: baseline
#   since: v1.0
#   remediation: |
#     Replace the hostPath volume with a PersistentVolumeClaim, an emptyDir, a ConfigMap or
#     Secret, or a CSI volume. Node agents that must read the host belong in a namespace whose
#     Pod Security level is privileged on purpose.
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: log-shipper
#       spec:
#         volumes:
#           - name: logs
#             hostPath:
#               path: /var/log
#         containers:
#           - name: shipper
#             image: ghcr.io/example/log-shipper:3.1.0
#             volumeMounts:
#               - {name: logs, mountPath: /var/log, readOnly: true}
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: log-shipper
#       spec:
#         volumes:
#           - name: logs
#             emptyDir: {}
#         containers:
#           - name: shipper
#             image: ghcr.io/example/log-shipper:3.1.0
#             volumeMounts:
#               - {name: logs, mountPath: /var/log}
package plimsoll.rules.security_context.host_path_volumes

import data.plimsoll.lib.pss
import data.plimsoll.lib.pss.baseline
import data.plimsoll.lib.pss.restricted
import data.plimsoll.lib.pss.spec
import data.plimsoll.lib.pss.spec_path
import rego.v1

violation contains {"msg": msg, "path": path} if {
	baseline
	some i, volume in spec.volumes
	pss.set(volume.hostPath)
	reported_at_level(volume)
	msg := sprintf("volume %s mounts a hostPath from the node", [pss.describe_volume(volume, i)])
	path := array.concat(spec_path, ["volumes", i, "hostPath"])
}

# At restricted, "restrictedVolumes" replaces this check: it forbids hostPath too, unless the
# volume also sets an allowed source.
reported_at_level(_) if not restricted

reported_at_level(volume) if {
	restricted
	not pss.allowed_volume_source(volume)
}
