# Shared helpers for the Pod Security Standards rules (policies/security-context/): the selected
# level and policy version, and the parts of the pod that several checks read.
#
# The linter hands the settings in as data.plimsoll.config.pss:
#   {"level": "baseline" | "restricted", "version": {"major": 1, "minor": N}}
# ("latest" arrives as the newest version the rules know). Without settings, the rules check the
# restricted level of the newest version, as the linter does by default.
package plimsoll.lib.pss

import data.plimsoll.lib.kubernetes.pod_spec
import rego.v1

# The newest policy version whose checks the rules implement.
newest_minor := 37

default level := "restricted"

level := data.plimsoll.config.pss.level

# (A default must be a constant: this is newest_minor.)
default version := {"major": 1, "minor": 37}

version := data.plimsoll.config.pss.version

# Baseline checks run at the baseline and restricted levels; restricted checks only at restricted.
baseline if level in {"baseline", "restricted"}

restricted if level == "restricted"

# The selected version as one number: `version_minor >= 22` reads "v1.22 or newer" (a major
# version past 1 counts as newer than every v1 minor). A value rather than a function such as
# `at_least(22)`: the compiled program computes a value once per object, but runs a function at
# every call, at about the cost of a small rule.
version_minor := version.minor if version.major == 1

version_minor := 1000000 if version.major > 1

# The pod spec, its path, and the path of the pod's metadata (the `metadata` next to the spec:
# `metadata` for a Pod, `spec.template.metadata` for a Deployment, ...).
spec := pod_spec.spec

spec_path := pod_spec.path

metadata_path := array.concat(array.slice(spec_path, 0, count(spec_path) - 1), ["metadata"])

# The pod's annotations; a value written as null reads as "" (as Go decodes it).
annotations[key] := annotation_text(value) if {
	some key, value in object.get(input, metadata_path, {}).annotations
}

annotation_text(value) := value if is_string(value)

annotation_text(value) := "" if value == null

# The pod-level securityContext, when it is an object.
pod_security_context := spec.securityContext if is_object(spec.securityContext)

pod_security_context_path := array.concat(spec_path, ["securityContext"])

# A container's own securityContext is its entry's `security_context` ({} unless written as an
# object), located at `security_context_path` (policies/lib/kubernetes.rego).

# Set: written with a value other than null (Go decodes null as "not set").
set(value) if value != null

# A string field as Go reads it: a missing or null field is "".
string_field(obj, key) := obj[key] if is_string(obj[key])

string_field(obj, key) := "" if not is_string(obj[key])

# From v1.25 the restricted checks allowPrivilegeEscalation, capabilities_restricted and
# seccompProfile_restricted admit pods that declare `spec.os.name: windows`: Windows has none of
# these mechanisms, and API validation forbids setting them there.
windows_exempt if {
	version_minor >= 25
	spec.os.name == "windows"
}

# From v1.35, runAsNonRoot, runAsUser and (at baseline) procMount admit any value in a pod that
# runs in its own user namespace (`hostUsers: false`): root in the pod is not root on the node.
user_namespace_relaxed if {
	version_minor >= 35
	spec.hostUsers == false
}

# Where a restricted check overrides a baseline one (capabilities_restricted over
# capabilities_baseline from v1.22, seccompProfile_restricted over seccompProfile_baseline from
# v1.19), the baseline rule still reports the values it forbids, so that each value is reported
# once. The exception: a Windows pod the overriding check exempts, which upstream admits at
# restricted although baseline alone would reject it.
overridden_by_windows_exemption if {
	restricted
	windows_exempt
}

# A value for a message: strings quoted, anything else (a YAML 1.1 number or boolean) as written.
quote(value) := sprintf("%q", [value]) if is_string(value)

quote(value) := sprintf("%v", [value]) if not is_string(value)

# Volume sources every level allows. A volume that sets none of the known sources at all is
# defaulted to an emptyDir by the API server before admission sees it.
allowed_volume_sources := {
	"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
	"persistentVolumeClaim", "projected", "secret",
}

allowed_volume_source(volume) if {
	some source in allowed_volume_sources
	set(volume[source])
}

# Human wording for a volume in messages.
describe_volume(volume, _) := quote(volume.name) if set(volume.name)

describe_volume(volume, i) := sprintf("#%d", [i]) if not set(volume.name)

# The capabilities container runtimes grant by default: the only ones baseline lets a container
# add (restricted allows only NET_BIND_SERVICE of them).
default_capabilities := {
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}
