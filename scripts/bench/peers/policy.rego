# Pod security, image, probe and resource checks for the benchmark's peer run (conftest), written to
# match what plimsoll's default catalog checks in those categories, so that the two tools do the
# same work on the same corpus. Not used by plimsoll itself.
package main

import rego.v1

pod_spec := input.spec if input.kind == "Pod"

pod_spec := input.spec.template.spec if input.kind in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"}

pod_spec := input.spec.jobTemplate.spec.template.spec if input.kind == "CronJob"

containers contains c if some c in pod_spec.containers

containers contains c if some c in pod_spec.initContainers

containers contains c if some c in pod_spec.ephemeralContainers

name := sprintf("%s/%s", [input.kind, input.metadata.name])

# Security context: a container's setting, else the pod's.
setting(c, key) := c.securityContext[key]

setting(c, key) := pod_spec.securityContext[key] if not has_key(object.get(c, "securityContext", {}), key)

has_key(obj, key) if _ = obj[key]

deny contains msg if {
	some c in containers
	c.securityContext.privileged == true
	msg := sprintf("%s: container %s is privileged", [name, c.name])
}

deny contains msg if {
	some c in containers
	not c.securityContext.allowPrivilegeEscalation == false
	msg := sprintf("%s: container %s may escalate privileges", [name, c.name])
}

deny contains msg if {
	some c in containers
	not setting(c, "runAsNonRoot") == true
	msg := sprintf("%s: container %s may run as root", [name, c.name])
}

deny contains msg if {
	some c in containers
	setting(c, "runAsUser") == 0
	msg := sprintf("%s: container %s runs as user 0", [name, c.name])
}

deny contains msg if {
	some c in containers
	not c.securityContext.readOnlyRootFilesystem == true
	msg := sprintf("%s: container %s has a writable root file system", [name, c.name])
}

baseline_capabilities := {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}

deny contains msg if {
	some c in containers
	some cap in c.securityContext.capabilities.add
	not cap in baseline_capabilities
	msg := sprintf("%s: container %s adds capability %s", [name, c.name, cap])
}

deny contains msg if {
	some c in containers
	not "ALL" in object.get(c, ["securityContext", "capabilities", "drop"], [])
	msg := sprintf("%s: container %s does not drop all capabilities", [name, c.name])
}

deny contains msg if {
	some key in ["hostNetwork", "hostPID", "hostIPC"]
	pod_spec[key] == true
	msg := sprintf("%s: pod sets %s", [name, key])
}

deny contains msg if {
	some v in pod_spec.volumes
	v.hostPath
	msg := sprintf("%s: volume %s is a hostPath", [name, v.name])
}

restricted_volume_keys := {"name", "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"}

deny contains msg if {
	some v in pod_spec.volumes
	some key, _ in v
	not key in restricted_volume_keys
	msg := sprintf("%s: volume %s has type %s", [name, v.name, key])
}

deny contains msg if {
	some c in containers
	some p in c.ports
	object.get(p, "hostPort", 0) != 0
	msg := sprintf("%s: container %s binds host port %v", [name, c.name, p.hostPort])
}

deny contains msg if {
	some c in containers
	not seccomp_set(c)
	msg := sprintf("%s: container %s has no seccomp profile", [name, c.name])
}

seccomp_set(c) if setting(c, "seccompProfile").type in {"RuntimeDefault", "Localhost"}

deny contains msg if {
	some c in containers
	setting(c, "seccompProfile").type == "Unconfined"
	msg := sprintf("%s: container %s is unconfined by seccomp", [name, c.name])
}

deny contains msg if {
	some c in containers
	object.get(c, ["securityContext", "procMount"], "Default") != "Default"
	msg := sprintf("%s: container %s unmasks /proc", [name, c.name])
}

safe_sysctls := {"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"}

deny contains msg if {
	some s in pod_spec.securityContext.sysctls
	not s.name in safe_sysctls
	msg := sprintf("%s: unsafe sysctl %s", [name, s.name])
}

deny contains msg if {
	some c in containers
	t := setting(c, "seLinuxOptions").type
	not t in {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}
	msg := sprintf("%s: container %s has SELinux type %s", [name, c.name, t])
}

deny contains msg if {
	some c in containers
	setting(c, "appArmorProfile").type == "Unconfined"
	msg := sprintf("%s: container %s is unconfined by AppArmor", [name, c.name])
}

# Images.
deny contains msg if {
	some c in containers
	not contains(c.image, "@")
	tag := image_tag(c.image)
	tag in {"", "latest"}
	msg := sprintf("%s: container %s uses image %s without a pinned tag", [name, c.name, c.image])
}

image_tag(image) := tag if {
	segments := split(image, "/")
	parts := split(segments[count(segments) - 1], ":")
	count(parts) > 1
	tag := parts[1]
}

image_tag(image) := "" if {
	segments := split(image, "/")
	not contains(segments[count(segments) - 1], ":")
}

# Probes (not on init or ephemeral containers).
deny contains msg if {
	some c in pod_spec.containers
	not c.livenessProbe
	msg := sprintf("%s: container %s has no liveness probe", [name, c.name])
}

deny contains msg if {
	some c in pod_spec.containers
	not c.readinessProbe
	msg := sprintf("%s: container %s has no readiness probe", [name, c.name])
}

deny contains msg if {
	some c in pod_spec.containers
	c.livenessProbe == c.readinessProbe
	msg := sprintf("%s: container %s has identical liveness and readiness probes", [name, c.name])
}

deny contains msg if {
	some c in pod_spec.containers
	some probe in [c.livenessProbe, c.readinessProbe, c.startupProbe]
	port := probe[_].port
	is_string(port)
	not port in {p.name | some p in c.ports}
	msg := sprintf("%s: container %s probes undeclared port %s", [name, c.name, port])
}

# Resources.
deny contains msg if {
	some c in pod_spec.containers
	not c.resources.requests.cpu
	msg := sprintf("%s: container %s has no CPU request", [name, c.name])
}

deny contains msg if {
	some c in pod_spec.containers
	not c.resources.requests.memory
	msg := sprintf("%s: container %s has no memory request", [name, c.name])
}

deny contains msg if {
	some c in pod_spec.containers
	not c.resources.limits.memory
	msg := sprintf("%s: container %s has no memory limit", [name, c.name])
}

deny contains msg if {
	some c in pod_spec.containers
	some resource in ["cpu", "memory"]
	units.parse(c.resources.requests[resource]) > units.parse(c.resources.limits[resource])
	msg := sprintf("%s: container %s requests more %s than its limit", [name, c.name, resource])
}
