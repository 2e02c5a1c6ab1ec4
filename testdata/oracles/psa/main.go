// Command psa generates pods and evaluates each with Pod Security admission's own policy package,
// so that plimsoll's Pod Security Standards rules can be compared with it check by check.
//
// Usage: psa -seed N -count M
//
// Output, one JSON value per line:
//   - a header: {"newest": <newest minor version the checks know>, "checks": {"baseline": <runs>,
//     "restricted": <runs>}}, the checks each level runs at each version;
//   - one line per generated object: {"object": <Pod or workload>, "denied": {"baseline": <runs>,
//     "restricted": <runs>}}, the checks that deny it.
//
// Check IDs per version v1.0 … v1.<newest> are written as runs: [[minor, [ids]], ...], each entry
// holding from its minor version up to the next entry's (most checks change at few versions).
//
// The same seed gives the same objects. The objects are built as typed Kubernetes structs and
// written with encoding/json, so they are what a client would send; each field any check reads
// gets allowed, forbidden and borderline values.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// called collects the results of the checks one evaluation ran, by check ID.
var called []checkOutcome

type checkOutcome struct {
	id      policy.CheckID
	allowed bool
}

// instrumentedChecks returns the default checks with every check function wrapped so that an
// evaluation records which checks it ran and what each said.
func instrumentedChecks() ([]policy.Check, int) {
	checks := policy.DefaultChecks()
	newest := 0
	for i := range checks {
		id := checks[i].ID
		for j := range checks[i].Versions {
			inner := checks[i].Versions[j].CheckPod
			checks[i].Versions[j].CheckPod = func(m *metav1.ObjectMeta, s *corev1.PodSpec) policy.CheckResult {
				result := inner(m, s)
				called = append(called, checkOutcome{id, result.Allowed})
				return result
			}
			if minor := checks[i].Versions[j].MinimumVersion.Minor(); minor > newest {
				newest = minor
			}
		}
	}
	return checks, newest
}

var levels = []api.Level{api.LevelBaseline, api.LevelRestricted}

func main() {
	seed := flag.Uint64("seed", 1, "generator seed")
	count := flag.Int("count", 1000, "objects to generate")
	flag.Parse()

	checks, newest := instrumentedChecks()
	evaluator, err := policy.NewEvaluator(checks, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer out.Flush()
	encoder := json.NewEncoder(out)
	encoder.SetEscapeHTML(false)

	evaluate := func(meta *metav1.ObjectMeta, spec *corev1.PodSpec, keepAllowed bool) map[string][]any {
		result := map[string][]any{}
		for _, level := range levels {
			runs := []any{}
			previous := []string(nil)
			for minor := 0; minor <= newest; minor++ {
				called = called[:0]
				evaluator.EvaluatePod(api.LevelVersion{Level: level, Version: api.MajorMinorVersion(1, minor)}, meta, spec)
				ids := []string{}
				for _, c := range called {
					if keepAllowed || !c.allowed {
						ids = append(ids, string(c.id))
					}
				}
				if previous == nil || !slices.Equal(ids, previous) {
					runs = append(runs, []any{minor, ids})
				}
				previous = ids
			}
			result[string(level)] = runs
		}
		return result
	}

	// The checks each level and version runs: every check allows an empty pod.
	header := map[string]any{"newest": newest, "checks": evaluate(&metav1.ObjectMeta{}, &corev1.PodSpec{}, true)}
	if err := encoder.Encode(header); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	g := generator{rand.New(rand.NewPCG(*seed, 0x9e3779b97f4a7c15))}
	for i := 0; i < *count; i++ {
		meta, spec := g.pod(i)
		if g.chance(0.6) {
			g.tidy(&meta, &spec)
		}
		line := map[string]any{"object": g.wrap(meta, spec), "denied": evaluate(&meta, &spec, false)}
		if err := encoder.Encode(line); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

type generator struct{ r *rand.Rand }

// chance is true with probability p.
func (g generator) chance(p float64) bool { return g.r.Float64() < p }

func pick[T any](g generator, values []T) T { return values[g.r.IntN(len(values))] }

func (g generator) optBool() *bool {
	switch g.r.IntN(3) {
	case 0:
		return nil
	case 1:
		v := true
		return &v
	default:
		v := false
		return &v
	}
}

func (g generator) optString(values []string) *string {
	if g.chance(0.5) {
		return nil
	}
	v := pick(g, values)
	return &v
}

var containerNames = []string{"app", "sidecar", "init", "debug", "web", "x", ""}

var capabilityNames = []string{
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
	"SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT", "NET_RAW", "SYS_ADMIN", "SYS_PTRACE", "ALL",
	"all", "chown", "CAP_CHOWN", "net_bind_service", "CAP_NET_BIND_SERVICE", "", "BPF",
}

var dropNames = []string{"ALL", "all", "All", "NET_RAW", "CHOWN", "SYS_ADMIN", "", "CAP_ALL"}

var seccompTypes = []corev1.SeccompProfileType{"RuntimeDefault", "Localhost", "Unconfined", "", "runtimedefault", "localhost", "Other"}

var appArmorTypes = []corev1.AppArmorProfileType{"RuntimeDefault", "Localhost", "Unconfined", "", "runtimedefault", "Other"}

var seLinuxTypes = []string{"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t", "spc_t", "unconfined_t", "Container_t"}

var sysctlNames = []string{
	"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_local_reserved_ports",
	"net.ipv4.ip_unprivileged_port_start", "net.ipv4.ping_group_range", "net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_keepalive_time",
	"net.ipv4.tcp_notsent_lowat", "net.ipv4.tcp_rmem", "net.ipv4.tcp_slow_start_after_idle",
	"net.ipv4.tcp_syncookies", "net.ipv4.tcp_wmem", "kernel.msgmax", "net.core.somaxconn",
	"kernel.shm_rmid_forced ", "net/ipv4/tcp_syncookies", "vm.swappiness", "",
}

var procMounts = []corev1.ProcMountType{"Default", "Unmasked", "", "default", "Other"}

var hosts = []string{"", "", "example.com", "127.0.0.1", "localhost", " "}

var seccompAnnotationValues = []string{"runtime/default", "docker/default", "localhost/profile.json", "localhost/", "unconfined", "", "Unconfined", "runtime/default ", "RuntimeDefault"}

var appArmorAnnotationValues = []string{"runtime/default", "localhost/profile", "localhost/", "unconfined", "", "RuntimeDefault", "localhost", "Localhost/x"}

func (g generator) capabilities() *corev1.Capabilities {
	if g.chance(0.3) {
		return nil
	}
	c := &corev1.Capabilities{}
	for n := g.r.IntN(3); n > 0; n-- {
		c.Add = append(c.Add, corev1.Capability(pick(g, capabilityNames)))
	}
	for n := g.r.IntN(3); n > 0; n-- {
		c.Drop = append(c.Drop, corev1.Capability(pick(g, dropNames)))
	}
	if g.chance(0.4) {
		c.Drop = append(c.Drop, "ALL")
	}
	return c
}

func (g generator) seccomp() *corev1.SeccompProfile {
	if g.chance(0.5) {
		return nil
	}
	p := &corev1.SeccompProfile{Type: pick(g, seccompTypes)}
	if g.chance(0.3) {
		name := "profiles/audit.json"
		p.LocalhostProfile = &name
	}
	return p
}

func (g generator) appArmor() *corev1.AppArmorProfile {
	if g.chance(0.7) {
		return nil
	}
	p := &corev1.AppArmorProfile{Type: pick(g, appArmorTypes)}
	if g.chance(0.3) {
		name := "k8s-apparmor"
		p.LocalhostProfile = &name
	}
	return p
}

func (g generator) seLinux() *corev1.SELinuxOptions {
	if g.chance(0.7) {
		return nil
	}
	o := &corev1.SELinuxOptions{Type: pick(g, seLinuxTypes)}
	if g.chance(0.15) {
		o.User = pick(g, []string{"system_u", "", "root"})
	}
	if g.chance(0.15) {
		o.Role = pick(g, []string{"system_r", "", "object_r"})
	}
	if g.chance(0.3) {
		o.Level = pick(g, []string{"s0:c123,c456", "", "s0"})
	}
	return o
}

func (g generator) windowsOptions() *corev1.WindowsSecurityContextOptions {
	if g.chance(0.8) {
		return nil
	}
	o := &corev1.WindowsSecurityContextOptions{HostProcess: g.optBool()}
	if g.chance(0.3) {
		user := "ContainerUser"
		o.RunAsUserName = &user
	}
	return o
}

func (g generator) userID() *int64 {
	if g.chance(0.5) {
		return nil
	}
	v := pick(g, []int64{0, 0, 1, 1000, 65534, -1, 2147483647})
	return &v
}

func (g generator) containerSecurityContext() *corev1.SecurityContext {
	if g.chance(0.15) {
		return nil
	}
	sc := &corev1.SecurityContext{}
	if g.chance(0.3) {
		sc.Privileged = g.optBool()
	}
	sc.AllowPrivilegeEscalation = g.optBool()
	sc.Capabilities = g.capabilities()
	if g.chance(0.4) {
		sc.RunAsNonRoot = g.optBool()
	}
	if g.chance(0.4) {
		sc.RunAsUser = g.userID()
	}
	sc.SeccompProfile = g.seccomp()
	sc.AppArmorProfile = g.appArmor()
	sc.SELinuxOptions = g.seLinux()
	sc.WindowsOptions = g.windowsOptions()
	if g.chance(0.2) {
		p := pick(g, procMounts)
		sc.ProcMount = &p
	}
	if g.chance(0.2) {
		sc.ReadOnlyRootFilesystem = g.optBool()
	}
	return sc
}

func (g generator) handler() (*corev1.HTTPGetAction, *corev1.TCPSocketAction, []string) {
	switch g.r.IntN(3) {
	case 0:
		return &corev1.HTTPGetAction{Host: pick(g, hosts), Path: "/healthz", Port: intstr.FromInt32(8080)}, nil, nil
	case 1:
		return nil, &corev1.TCPSocketAction{Host: pick(g, hosts), Port: intstr.FromString("http")}, nil
	default:
		return nil, nil, []string{"true"}
	}
}

func (g generator) probe() *corev1.Probe {
	if g.chance(0.6) {
		return nil
	}
	http, tcp, command := g.handler()
	p := &corev1.Probe{PeriodSeconds: 10}
	p.HTTPGet, p.TCPSocket = http, tcp
	if command != nil {
		p.Exec = &corev1.ExecAction{Command: command}
	}
	return p
}

func (g generator) lifecycleHandler() *corev1.LifecycleHandler {
	if g.chance(0.7) {
		return nil
	}
	http, tcp, command := g.handler()
	h := &corev1.LifecycleHandler{HTTPGet: http, TCPSocket: tcp}
	if command != nil {
		h.Exec = &corev1.ExecAction{Command: command}
	}
	return h
}

func (g generator) container() corev1.Container {
	c := corev1.Container{Name: pick(g, containerNames), Image: "registry.example.com/app:1.0"}
	for n := g.r.IntN(3); n > 0; n-- {
		port := corev1.ContainerPort{ContainerPort: pick(g, []int32{80, 8080, 53})}
		if g.chance(0.4) {
			port.HostPort = pick(g, []int32{0, 80, 8080, 1})
		}
		c.Ports = append(c.Ports, port)
	}
	c.SecurityContext = g.containerSecurityContext()
	c.LivenessProbe, c.ReadinessProbe, c.StartupProbe = g.probe(), g.probe(), g.probe()
	if post, pre := g.lifecycleHandler(), g.lifecycleHandler(); post != nil || pre != nil || g.chance(0.05) {
		c.Lifecycle = &corev1.Lifecycle{PostStart: post, PreStop: pre}
	}
	return c
}

// volume gives a volume with one source, allowed or not at the restricted level. (A volume without
// any source is never generated: the API server defaults it to an emptyDir before admission.)
func (g generator) volume(i int) corev1.Volume {
	v := corev1.Volume{Name: fmt.Sprintf("v%d", i)}
	s := &v.VolumeSource
	switch g.r.IntN(31) {
	case 0:
		s.ConfigMap = &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}}
	case 1:
		s.CSI = &corev1.CSIVolumeSource{Driver: "csi.example.com"}
	case 2:
		s.DownwardAPI = &corev1.DownwardAPIVolumeSource{}
	case 3:
		s.EmptyDir = &corev1.EmptyDirVolumeSource{}
	case 4:
		s.Ephemeral = &corev1.EphemeralVolumeSource{}
	case 5:
		s.Image = &corev1.ImageVolumeSource{Reference: "registry.example.com/data:1"}
	case 6:
		s.PersistentVolumeClaim = &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data"}
	case 7:
		s.Projected = &corev1.ProjectedVolumeSource{}
	case 8:
		s.Secret = &corev1.SecretVolumeSource{SecretName: "s"}
	case 9, 10, 11:
		s.HostPath = &corev1.HostPathVolumeSource{Path: pick(g, []string{"/var/log", "/", ""})}
	case 12:
		s.GCEPersistentDisk = &corev1.GCEPersistentDiskVolumeSource{PDName: "pd"}
	case 13:
		s.AWSElasticBlockStore = &corev1.AWSElasticBlockStoreVolumeSource{VolumeID: "vol"}
	case 14:
		s.GitRepo = &corev1.GitRepoVolumeSource{Repository: "https://example.com/r.git"}
	case 15:
		s.NFS = &corev1.NFSVolumeSource{Server: "nfs", Path: "/"}
	case 16:
		s.ISCSI = &corev1.ISCSIVolumeSource{TargetPortal: "t", IQN: "i"}
	case 17:
		s.Glusterfs = &corev1.GlusterfsVolumeSource{EndpointsName: "e", Path: "p"}
	case 18:
		s.RBD = &corev1.RBDVolumeSource{CephMonitors: []string{"m"}, RBDImage: "i"}
	case 19:
		s.FlexVolume = &corev1.FlexVolumeSource{Driver: "d"}
	case 20:
		s.Cinder = &corev1.CinderVolumeSource{VolumeID: "v"}
	case 21:
		s.CephFS = &corev1.CephFSVolumeSource{Monitors: []string{"m"}}
	case 22:
		s.Flocker = &corev1.FlockerVolumeSource{DatasetName: "d"}
	case 23:
		s.FC = &corev1.FCVolumeSource{}
	case 24:
		s.AzureFile = &corev1.AzureFileVolumeSource{SecretName: "s", ShareName: "s"}
	case 25:
		s.VsphereVolume = &corev1.VsphereVirtualDiskVolumeSource{VolumePath: "p"}
	case 26:
		s.Quobyte = &corev1.QuobyteVolumeSource{Registry: "r", Volume: "v"}
	case 27:
		s.AzureDisk = &corev1.AzureDiskVolumeSource{DiskName: "d", DataDiskURI: "u"}
	case 28:
		s.PhotonPersistentDisk = &corev1.PhotonPersistentDiskVolumeSource{PdID: "p"}
	case 29:
		s.PortworxVolume = &corev1.PortworxVolumeSource{VolumeID: "v"}
	default:
		if g.chance(0.5) {
			s.ScaleIO = &corev1.ScaleIOVolumeSource{Gateway: "g", System: "s", SecretRef: &corev1.LocalObjectReference{Name: "s"}}
		} else {
			s.StorageOS = &corev1.StorageOSVolumeSource{VolumeName: "v"}
		}
	}
	return v
}

func (g generator) podSecurityContext() *corev1.PodSecurityContext {
	if g.chance(0.2) {
		return nil
	}
	sc := &corev1.PodSecurityContext{}
	if g.chance(0.5) {
		sc.RunAsNonRoot = g.optBool()
	}
	if g.chance(0.4) {
		sc.RunAsUser = g.userID()
	}
	sc.SeccompProfile = g.seccomp()
	sc.AppArmorProfile = g.appArmor()
	sc.SELinuxOptions = g.seLinux()
	sc.WindowsOptions = g.windowsOptions()
	for n := g.r.IntN(4) - 1; n > 0; n-- {
		sc.Sysctls = append(sc.Sysctls, corev1.Sysctl{Name: pick(g, sysctlNames), Value: "1"})
	}
	if g.chance(0.2) {
		group := int64(2000)
		sc.FSGroup = &group
	}
	return sc
}

// pod generates one pod's metadata and spec.
func (g generator) pod(i int) (metav1.ObjectMeta, corev1.PodSpec) {
	spec := corev1.PodSpec{}
	for n := g.r.IntN(3); n > 0; n-- {
		spec.InitContainers = append(spec.InitContainers, g.container())
	}
	for n := 1 + g.r.IntN(3); n > 0; n-- {
		spec.Containers = append(spec.Containers, g.container())
	}
	if g.chance(0.25) {
		for n := 1 + g.r.IntN(2); n > 0; n-- {
			spec.EphemeralContainers = append(spec.EphemeralContainers,
				corev1.EphemeralContainer{EphemeralContainerCommon: corev1.EphemeralContainerCommon(g.container())})
		}
	}
	spec.HostNetwork, spec.HostPID, spec.HostIPC = g.chance(0.1), g.chance(0.1), g.chance(0.1)
	if g.chance(0.3) {
		spec.HostUsers = g.optBool()
	}
	if g.chance(0.4) {
		spec.OS = &corev1.PodOS{Name: corev1.OSName(pick(g, []string{"windows", "windows", "linux", "Windows", ""}))}
	}
	spec.SecurityContext = g.podSecurityContext()
	for n := g.r.IntN(4) - 1; n > 0; n-- {
		spec.Volumes = append(spec.Volumes, g.volume(n))
	}

	meta := metav1.ObjectMeta{Name: fmt.Sprintf("pod-%d", i)}
	if g.chance(0.4) {
		meta.Annotations = map[string]string{"example.com/note": "generated"}
		names := []string{pick(g, containerNames), "missing"}
		for _, c := range spec.Containers {
			names = append(names, c.Name)
		}
		if g.chance(0.5) {
			meta.Annotations["seccomp.security.alpha.kubernetes.io/pod"] = pick(g, seccompAnnotationValues)
		}
		for n := g.r.IntN(3); n > 0; n-- {
			meta.Annotations["container.seccomp.security.alpha.kubernetes.io/"+pick(g, names)] = pick(g, seccompAnnotationValues)
		}
		for n := g.r.IntN(3); n > 0; n-- {
			meta.Annotations["container.apparmor.security.beta.kubernetes.io/"+pick(g, names)] = pick(g, appArmorAnnotationValues)
		}
	}
	return meta, spec
}

// wrap puts the pod in a Pod, or (for one object in four) in the pod template of a workload.
func (g generator) wrap(meta metav1.ObjectMeta, spec corev1.PodSpec) any {
	template := corev1.PodTemplateSpec{ObjectMeta: meta, Spec: spec}
	workload := metav1.ObjectMeta{Name: meta.Name}
	if g.chance(0.3) {
		// Annotations of the workload itself: no check reads them, only the template's.
		workload.Annotations = map[string]string{
			"seccomp.security.alpha.kubernetes.io/pod":           "unconfined",
			"container.apparmor.security.beta.kubernetes.io/app": "unconfined",
		}
	}
	typed := func(apiVersion, kind string) metav1.TypeMeta {
		return metav1.TypeMeta{APIVersion: apiVersion, Kind: kind}
	}
	if !g.chance(0.25) {
		return corev1.Pod{TypeMeta: typed("v1", "Pod"), ObjectMeta: meta, Spec: spec}
	}
	switch g.r.IntN(8) {
	case 0:
		return appsv1.Deployment{TypeMeta: typed("apps/v1", "Deployment"), ObjectMeta: workload, Spec: appsv1.DeploymentSpec{Template: template}}
	case 1:
		return appsv1.StatefulSet{TypeMeta: typed("apps/v1", "StatefulSet"), ObjectMeta: workload, Spec: appsv1.StatefulSetSpec{Template: template}}
	case 2:
		return appsv1.DaemonSet{TypeMeta: typed("apps/v1", "DaemonSet"), ObjectMeta: workload, Spec: appsv1.DaemonSetSpec{Template: template}}
	case 3:
		return appsv1.ReplicaSet{TypeMeta: typed("apps/v1", "ReplicaSet"), ObjectMeta: workload, Spec: appsv1.ReplicaSetSpec{Template: template}}
	case 4:
		return batchv1.Job{TypeMeta: typed("batch/v1", "Job"), ObjectMeta: workload, Spec: batchv1.JobSpec{Template: template}}
	case 5:
		return batchv1.CronJob{TypeMeta: typed("batch/v1", "CronJob"), ObjectMeta: workload,
			Spec: batchv1.CronJobSpec{Schedule: "@daily", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: template}}}}
	case 6:
		return corev1.ReplicationController{TypeMeta: typed("v1", "ReplicationController"), ObjectMeta: workload,
			Spec: corev1.ReplicationControllerSpec{Template: &template}}
	default:
		return corev1.PodTemplate{TypeMeta: typed("v1", "PodTemplate"), ObjectMeta: workload, Template: template}
	}
}

// tidy makes each check's fields compliant with probability 0.7, check by check, so that every
// check sees many pods it allows next to pods other checks deny.
func (g generator) tidy(meta *metav1.ObjectMeta, spec *corev1.PodSpec) {
	each := func(fix func(sc *corev1.SecurityContext, c *corev1.Container)) {
		visit := func(c *corev1.Container) {
			if c.SecurityContext == nil {
				c.SecurityContext = &corev1.SecurityContext{}
			}
			fix(c.SecurityContext, c)
		}
		for i := range spec.InitContainers {
			visit(&spec.InitContainers[i])
		}
		for i := range spec.Containers {
			visit(&spec.Containers[i])
		}
		for i := range spec.EphemeralContainers {
			visit((*corev1.Container)(&spec.EphemeralContainers[i].EphemeralContainerCommon))
		}
	}
	if spec.SecurityContext == nil {
		spec.SecurityContext = &corev1.PodSecurityContext{}
	}
	pod := spec.SecurityContext
	no, yes := false, true
	dropAnnotations := func(prefix string) {
		for key := range meta.Annotations {
			if len(key) >= len(prefix) && key[:len(prefix)] == prefix {
				delete(meta.Annotations, key)
			}
		}
	}
	fixes := []func(){
		func() { spec.HostNetwork, spec.HostPID, spec.HostIPC = false, false, false },
		func() { each(func(sc *corev1.SecurityContext, _ *corev1.Container) { sc.Privileged = nil }) },
		func() {
			each(func(sc *corev1.SecurityContext, _ *corev1.Container) {
				sc.Capabilities = &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}
				if g.chance(0.3) {
					sc.Capabilities.Add = []corev1.Capability{"NET_BIND_SERVICE"}
				}
			})
		},
		func() {
			kept := spec.Volumes[:0]
			for _, v := range spec.Volumes {
				if v.HostPath == nil && (g.chance(0.5) || v.ConfigMap != nil || v.Secret != nil || v.EmptyDir != nil) {
					kept = append(kept, v)
				}
			}
			spec.Volumes = kept
		},
		func() {
			each(func(_ *corev1.SecurityContext, c *corev1.Container) {
				for i := range c.Ports {
					c.Ports[i].HostPort = 0
				}
			})
		},
		func() {
			pod.AppArmorProfile = nil
			each(func(sc *corev1.SecurityContext, _ *corev1.Container) { sc.AppArmorProfile = nil })
			dropAnnotations("container.apparmor.security.beta.kubernetes.io/")
		},
		func() {
			pod.SELinuxOptions = nil
			each(func(sc *corev1.SecurityContext, _ *corev1.Container) { sc.SELinuxOptions = nil })
		},
		func() { each(func(sc *corev1.SecurityContext, _ *corev1.Container) { sc.ProcMount = nil }) },
		func() {
			pod.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
			each(func(sc *corev1.SecurityContext, _ *corev1.Container) { sc.SeccompProfile = nil })
			dropAnnotations("seccomp.security.alpha.kubernetes.io/")
			dropAnnotations("container.seccomp.security.alpha.kubernetes.io/")
		},
		func() { pod.Sysctls = nil },
		func() {
			pod.WindowsOptions = nil
			each(func(sc *corev1.SecurityContext, _ *corev1.Container) { sc.WindowsOptions = nil })
		},
		func() {
			each(func(sc *corev1.SecurityContext, _ *corev1.Container) { sc.AllowPrivilegeEscalation = &no })
		},
		func() {
			pod.RunAsNonRoot = &yes
			each(func(sc *corev1.SecurityContext, _ *corev1.Container) { sc.RunAsNonRoot = nil })
		},
		func() {
			pod.RunAsUser = nil
			each(func(sc *corev1.SecurityContext, _ *corev1.Container) { sc.RunAsUser = nil })
		},
		func() {
			each(func(_ *corev1.SecurityContext, c *corev1.Container) {
				for _, p := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
					if p != nil && p.HTTPGet != nil {
						p.HTTPGet.Host = ""
					}
					if p != nil && p.TCPSocket != nil {
						p.TCPSocket.Host = ""
					}
				}
				c.Lifecycle = nil
			})
		},
	}
	for _, fix := range fixes {
		if g.chance(0.7) {
			fix()
		}
	}
}
