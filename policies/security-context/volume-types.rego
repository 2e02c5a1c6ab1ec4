# METADATA
# title: Volume types outside the restricted set
# description: |
#   Besides hostPath, many volume types reach outside the pod's own storage: network file
#   systems and block devices mounted by the node (nfs, iscsi, rbd, cephfs, ...), cloud disks
#   named directly rather than through a claim, flexVolume drivers that run as root on the node,
#   and gitRepo, which runs git on the node. Pod Security Standards at the restricted level
#   (check "restrictedVolumes") allow only configMap, csi, downwardAPI, emptyDir, ephemeral,
#   image, persistentVolumeClaim, projected and secret volumes. hostPath volumes are reported by
#   security-context/host-path-volumes, so that each is reported once.
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
#   - https://kubernetes.io/docs/concepts/storage/volumes/
# custom:
#   id: security-context/volume-types
#   severity: warning
#   default: true
#   scope: pod-spec
#   requires_fields:
#     - awsElasticBlockStore
#     - azureDisk
#     - azureFile
#     - cephfs
#     - cinder
#     - fc
#     - flexVolume
#     - flocker
#     - gcePersistentDisk
#     - gitRepo
#     - glusterfs
#     - iscsi
#     - nfs
#     - photonPersistentDisk
#     - portworxVolume
#     - quobyte
#     - rbd
#     - scaleIO
#     - storageos
#     - vsphereVolume
#   pss_check: restrictedVolumes
#   level: restricted
#   since: v1.0
#   remediation: |
#     Mount the storage through a PersistentVolumeClaim (the cluster administrator provides the
#     PersistentVolume or a StorageClass), a CSI driver, or one of the other allowed types.
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         volumes:
#           - name: assets
#             nfs:
#               server: nfs.example.com
#               path: /exports/assets
#         containers:
#           - name: web
#             image: registry.example.com/shop/web:2.4.1
#             volumeMounts:
#               - {name: assets, mountPath: /srv/assets}
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         volumes:
#           - name: assets
#             persistentVolumeClaim:
#               claimName: assets
#         containers:
#           - name: web
#             image: registry.example.com/shop/web:2.4.1
#             volumeMounts:
#               - {name: assets, mountPath: /srv/assets}
package plimsoll.rules.security_context.volume_types

import data.plimsoll.lib.pss
import data.plimsoll.lib.pss.restricted
import data.plimsoll.lib.pss.spec
import data.plimsoll.lib.pss.spec_path
import rego.v1

# The volume sources restricted forbids (hostPath has a rule of its own).
restricted_sources := {
	"awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "fc", "flexVolume",
	"flocker", "gcePersistentDisk", "gitRepo", "glusterfs", "iscsi", "nfs",
	"photonPersistentDisk", "portworxVolume", "quobyte", "rbd", "scaleIO", "storageos",
	"vsphereVolume",
}

violation contains {"msg": msg, "path": path} if {
	restricted
	some i, volume in spec.volumes
	is_object(volume)
	not pss.allowed_volume_source(volume)
	some source in restricted_sources
	pss.set(volume[source])
	msg := sprintf("volume %s uses the %s volume type", [pss.describe_volume(volume, i), source])
	path := array.concat(spec_path, ["volumes", i, source])
}
