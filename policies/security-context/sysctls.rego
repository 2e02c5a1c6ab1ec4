# METADATA
# title: Unsafe sysctls
# description: |
#   Many kernel parameters are not isolated per pod: setting one through the pod's
#   `securityContext.sysctls` changes it for the whole node, or disables a protection. Pod
#   Security Standards allow only a safe, namespaced set from the baseline level up (check
#   "sysctls"). The set grows with the policy version: `kernel.shm_rmid_forced`,
#   `net.ipv4.ip_local_port_range`, `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range` and
#   `net.ipv4.ip_unprivileged_port_start` from v1.0; `net.ipv4.ip_local_reserved_ports` from
#   v1.27; `net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_fin_timeout`,
#   `net.ipv4.tcp_keepalive_intvl` and `net.ipv4.tcp_keepalive_probes` from v1.29;
#   `net.ipv4.tcp_rmem` and `net.ipv4.tcp_wmem` from v1.32; `net.ipv4.tcp_slow_start_after_idle`
#   and `net.ipv4.tcp_notsent_lowat` from v1.37.
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   - https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/
# custom:
#   id: security-context/sysctls
#   severity: error
#   default: true
#   scope: pod-spec
#   requires_fields: [sysctls]
#   pss_check: sysctls
#   level: baseline
#   since: v1.0
#   remediation: |
#     Remove the sysctl from `securityContext.sysctls`. Node-wide kernel settings belong in the
#     node's configuration; if the sysctl is safe in newer policy versions, check the version
#     your cluster enforces.
#   examples:
#     fail: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         securityContext:
#           sysctls:
#             - name: kernel.msgmax
#               value: "65536"
#         containers:
#           - name: web
#             image: registry.example.com/shop/web:2.4.1
#     pass: |
#       apiVersion: v1
#       kind: Pod
#       metadata:
#         name: web
#       spec:
#         securityContext:
#           sysctls:
#             - name: net.ipv4.ip_local_port_range
#               value: "1024 65000"
#         containers:
#           - name: web
#             image: registry.example.com/shop/web:2.4.1
package plimsoll.rules.security_context.sysctls

import data.plimsoll.lib.pss
import data.plimsoll.lib.pss.baseline
import data.plimsoll.lib.pss.pod_security_context
import data.plimsoll.lib.pss.pod_security_context_path
import data.plimsoll.lib.pss.version
import data.plimsoll.lib.pss.version_minor
import rego.v1

# Each sysctl with the policy version (minor) that first allows it.
allowed_since := {
	"kernel.shm_rmid_forced": 0,
	"net.ipv4.ip_local_port_range": 0,
	"net.ipv4.tcp_syncookies": 0,
	"net.ipv4.ping_group_range": 0,
	"net.ipv4.ip_unprivileged_port_start": 0,
	"net.ipv4.ip_local_reserved_ports": 27,
	"net.ipv4.tcp_keepalive_time": 29,
	"net.ipv4.tcp_fin_timeout": 29,
	"net.ipv4.tcp_keepalive_intvl": 29,
	"net.ipv4.tcp_keepalive_probes": 29,
	"net.ipv4.tcp_rmem": 32,
	"net.ipv4.tcp_wmem": 32,
	"net.ipv4.tcp_slow_start_after_idle": 37,
	"net.ipv4.tcp_notsent_lowat": 37,
}

violation contains {"msg": msg, "path": path} if {
	baseline
	some i, sysctl in pod_security_context.sysctls
	name := pss.string_field(sysctl, "name")
	not allowed(name)
	msg := sprintf("pod sets sysctl %q, which is not in the safe set of policy version v%d.%d", [name, version.major, version.minor])
	path := array.concat(pod_security_context_path, ["sysctls", i, "name"])
}

allowed(name) if version_minor >= allowed_since[name]
