package plimsoll.rules.security_context.sysctls_test

import data.plimsoll.lib.pss_test as t
import data.plimsoll.rules.security_context.sysctls
import rego.v1

sysctl_pod(names) := t.pod({"securityContext": {"sysctls": [{"name": name, "value": "1"} | some name in names]}})

# Whether the sysctl is reported at baseline v1.<minor>.
reported(name, minor) if {
	violations := sysctls.violation with input as sysctl_pod([name]) with data.plimsoll.config.pss as t.at("baseline", minor)
	count(violations) == 1
}

test_the_v1_0_set_is_safe_at_every_version if {
	not reported("kernel.shm_rmid_forced", 0)
	not reported("net.ipv4.ip_unprivileged_port_start", 0)
	not reported("net.ipv4.ping_group_range", 37)
}

test_ip_local_reserved_ports_is_safe_from_v1_27 if {
	reported("net.ipv4.ip_local_reserved_ports", 26)
	not reported("net.ipv4.ip_local_reserved_ports", 27)
}

test_tcp_keepalive_and_fin_timeout_are_safe_from_v1_29 if {
	reported("net.ipv4.tcp_keepalive_time", 28)
	not reported("net.ipv4.tcp_keepalive_time", 29)
	reported("net.ipv4.tcp_fin_timeout", 28)
	not reported("net.ipv4.tcp_fin_timeout", 29)
}

test_tcp_buffers_are_safe_from_v1_32 if {
	reported("net.ipv4.tcp_rmem", 31)
	not reported("net.ipv4.tcp_rmem", 32)
	reported("net.ipv4.tcp_wmem", 31)
	not reported("net.ipv4.tcp_wmem", 32)
}

test_slow_start_and_notsent_lowat_are_safe_from_v1_37 if {
	reported("net.ipv4.tcp_slow_start_after_idle", 36)
	not reported("net.ipv4.tcp_slow_start_after_idle", 37)
	reported("net.ipv4.tcp_notsent_lowat", 36)
	not reported("net.ipv4.tcp_notsent_lowat", 37)
}

test_other_sysctls_are_reported_at_their_name if {
	violations := sysctls.violation with input as sysctl_pod(["net.ipv4.tcp_syncookies", "kernel.msgmax"])
	t.paths(violations) == {"spec.securityContext.sysctls.1.name"}
}

test_a_sysctl_without_a_name_is_not_safe if {
	violations := sysctls.violation with input as t.pod({"securityContext": {"sysctls": [{"value": "1"}]}})
	count(violations) == 1
}
