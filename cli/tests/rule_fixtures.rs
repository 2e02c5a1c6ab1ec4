//! Rule fixtures and the meta-tests that keep the rule registry honest.
//!
//! `testdata/rules/<category>/<name>/` mirrors `policies/<category>/<name>.rego`. Each `pass*.yaml`
//! in it must produce no finding when linted with only that rule enabled, each `fail*.yaml` at
//! least one; neither may produce anything else (no `yaml/*` problem, no evaluation failure). For
//! every finding of a fail fixture the test checks, against the fixture's own text, that it is
//! located where rules.md ("Locations") says: at the offending scalar value as written, or, for a
//! field that is not written, at the nearest enclosing node that is (its key, or the sequence item).
//! Each fixture has one insta snapshot next to it, `<fixture stem>.snap`, holding the human
//! diagnostics (`--format human --color never`, `COLUMNS=100`). A fixture that needs settings
//! (an allow-list, say) names the extra `lint` arguments in a first-line comment:
//! `# plimsoll-args: --allowed-registry ghcr.io/acme`.
//!
//! Findings about a missing object (rules with `complete_input` in their metadata, see
//! docs/cross-object-rules.md) are made only when the input is declared complete: their fixtures
//! say `# plimsoll-args: --complete-input`, since each fixture file is a closed world. Every such
//! fixture is also linted without it and must then give no finding of its rule: the same fixture
//! is the rule's partial-input test. A rule whose every finding needs complete input
//! (`complete_input: required`) must declare it on each fail fixture.
//!
//! Every fixture is a test of its own, named `<category>/<rule>/<fixture stem>`, so that one
//! rule's fixtures run alone: `cargo test -p plimsoll --test rule_fixtures -- images/latest-tag`.
//! The tests are found in the fixture tree when the target runs, so it has its own harness
//! (`harness = false` in cli/Cargo.toml; libtest-mimic takes the usual test-harness arguments),
//! and [`main`] lists the meta-tests beside the fixtures.
//!
//! The binary is spawned (`CARGO_BIN_EXE_plimsoll`) from the workspace root so that file names in
//! the output are the stable `testdata/rules/...` paths. To accept new or changed snapshots:
//! `INSTA_UPDATE=always cargo test -p plimsoll --test rule_fixtures` (or `cargo insta review`),
//! then read the `.snap` files.

use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn main() {
    let arguments = Arguments::from_args();
    let meta_tests: [(&str, fn()); 6] = [
        ("existence_fixtures_declare_complete_input", existence_fixtures_declare_complete_input),
        ("fixtures_are_found", fixtures_are_found),
        ("every_rule_has_pass_and_fail_fixtures", every_rule_has_pass_and_fail_fixtures),
        ("every_fixture_folder_names_a_rule", every_fixture_folder_names_a_rule),
        ("fixture_folders_hold_only_fixtures_and_snapshots", fixture_folders_hold_only_fixtures_and_snapshots),
        ("rule_metadata_is_well_formed", rule_metadata_is_well_formed),
    ];
    let mut trials: Vec<Trial> =
        meta_tests.into_iter().map(|(name, test)| Trial::test(name, move || passes(test))).collect();
    trials.extend(fixtures().into_iter().map(|fixture| {
        let name = format!("{}/{}", fixture.rule, fixture.stem);
        Trial::test(name, move || passes(|| check_fixture(&fixture)))
    }));
    libtest_mimic::run(&arguments, trials).exit();
}

/// Runs a test that fails by panicking (the harness reports the panic's message).
fn passes<T>(test: impl FnOnce() -> T) -> Result<(), Failed> {
    test();
    Ok(())
}

/// The workspace root (the parent of `cli/`).
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("cli/ has a parent").to_path_buf()
}

fn rules_dir() -> PathBuf {
    workspace_root().join("testdata/rules")
}

/// The binary, run from the workspace root with a fixed width and no colour.
fn plimsoll(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .args(args)
        .current_dir(workspace_root())
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .output()
        .expect("the plimsoll binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("output is UTF-8")
}

/// One fixture file.
#[derive(Debug, Clone)]
struct Fixture {
    /// Rule ID, from the folder: `<category>/<name>`.
    rule: String,
    /// Path relative to the workspace root, with `/` separators (as given to the binary).
    rel: String,
    abs: PathBuf,
    dir: PathBuf,
    stem: String,
    expect_findings: bool,
}

/// Every `<category>/<name>` folder under testdata/rules, sorted.
fn fixture_folders() -> Vec<(String, PathBuf)> {
    let mut folders = Vec::new();
    for category in sorted_entries(&rules_dir()) {
        if !category.is_dir() {
            continue;
        }
        for folder in sorted_entries(&category) {
            if folder.is_dir() {
                let id = format!("{}/{}", file_name(&category), file_name(&folder));
                folders.push((id, folder));
            }
        }
    }
    folders
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    entries.sort();
    entries
}

fn file_name(path: &Path) -> String {
    path.file_name().expect("a file name").to_string_lossy().into_owned()
}

fn is_fixture_name(name: &str) -> bool {
    (name.starts_with("pass") || name.starts_with("fail")) && name.ends_with(".yaml")
}

/// Every fixture file, sorted by folder then name.
fn fixtures() -> Vec<Fixture> {
    let root = workspace_root();
    let mut fixtures = Vec::new();
    for (rule, folder) in fixture_folders() {
        for path in sorted_entries(&folder) {
            let name = file_name(&path);
            if !path.is_file() || !is_fixture_name(&name) {
                continue;
            }
            let rel = path.strip_prefix(&root).expect("under the workspace").to_string_lossy().replace('\\', "/");
            fixtures.push(Fixture {
                rule: rule.clone(),
                rel,
                abs: path.clone(),
                dir: folder.clone(),
                stem: name.trim_end_matches(".yaml").to_string(),
                expect_findings: name.starts_with("fail"),
            });
        }
    }
    fixtures
}

/// Rule IDs from `plimsoll rules --format json`.
fn catalog() -> Vec<Value> {
    let output = plimsoll(&["rules", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "plimsoll rules failed: {}", text(&output.stderr));
    match serde_json::from_slice(&output.stdout).expect("rules --format json is JSON") {
        Value::Array(rules) => rules,
        other => panic!("rules --format json is not an array: {other}"),
    }
}

fn rule_ids() -> BTreeSet<String> {
    catalog().iter().map(|r| r["id"].as_str().expect("rule id is a string").to_string()).collect()
}

// ---------------------------------------------------------------------------------------------
// The fixtures themselves.

/// A rule whose every finding is about a missing object declares `--complete-input` on each fail
/// fixture; one with some such findings on at least one (so that its partial-input test runs).
fn existence_fixtures_declare_complete_input() {
    let fixtures = fixtures();
    for rule in catalog() {
        let id = rule["id"].as_str().expect("rule id is a string");
        let needs = rule["complete_input"].as_str();
        let declared: Vec<bool> = fixtures
            .iter()
            .filter(|f| f.rule == id && f.expect_findings)
            .map(|f| {
                fixture_args(&std::fs::read_to_string(&f.abs).expect("readable")).contains(&"--complete-input".into())
            })
            .collect();
        match needs {
            Some("required") => assert!(declared.iter().all(|d| *d), "{id}: a fail fixture lacks --complete-input"),
            Some("partly") => assert!(declared.iter().any(|d| *d), "{id}: no fail fixture uses --complete-input"),
            _ => {}
        }
    }
}

/// The fixture tree is where it should be and holds fixtures.
fn fixtures_are_found() {
    assert!(!fixtures().is_empty(), "no fixtures found under {}", rules_dir().display());
}

/// Runs one fixture (JSON for the assertions, human for the snapshot); returns the number of
/// findings whose location was checked.
fn check_fixture(fixture: &Fixture) -> usize {
    let source = std::fs::read_to_string(&fixture.abs).expect("fixture is readable");
    let extra = fixture_args(&source);
    let lint = |format: &str| {
        let mut args = vec!["lint", "--only", &fixture.rule, "--format", format, "--color", "never"];
        args.extend(extra.iter().map(String::as_str));
        args.push(&fixture.rel);
        plimsoll(&args)
    };
    let json_run = lint("json");
    let stderr = text(&json_run.stderr);
    assert!(stderr.is_empty(), "unexpected stderr: {stderr}");
    let report: Value = serde_json::from_slice(&json_run.stdout).expect("--format json prints JSON");
    let findings = report["findings"].as_array().expect("findings is an array").clone();

    // Only the fixture's own rule may speak: a yaml/* problem or an evaluation failure means the
    // fixture (or the loader) is broken, whatever the rule says.
    let foreign: Vec<String> = findings
        .iter()
        .filter(|f| f["rule"] != fixture.rule.as_str())
        .map(|f| format!("{}:{} {} {}", f["line"], f["column"], f["rule"], f["message"]))
        .collect();
    assert!(foreign.is_empty(), "findings from other rules: {foreign:?}");

    if fixture.expect_findings {
        assert!(!findings.is_empty(), "fail fixture produced no finding from {}", fixture.rule);
    } else {
        let listed: Vec<String> =
            findings.iter().map(|f| format!("{}:{} {}", f["line"], f["column"], f["message"])).collect();
        assert!(findings.is_empty(), "pass fixture produced findings: {listed:?}");
    }

    // The exit code follows the default threshold (error).
    let has_error = findings.iter().any(|f| f["severity"] == "error");
    assert_eq!(json_run.status.code(), Some(if has_error { 1 } else { 0 }), "exit code");

    let documents = plimsoll_core::load(&fixture.rel, &source).documents;
    for finding in &findings {
        check_finding(fixture, &source, &documents, finding);
    }

    // Without the complete-input declaration, a fixture of missing objects gives nothing.
    if extra.iter().any(|a| a == "--complete-input") {
        let mut args = vec!["lint", "--only", &fixture.rule, "--format", "json", "--color", "never"];
        args.extend(extra.iter().map(String::as_str).filter(|a| *a != "--complete-input"));
        args.push(&fixture.rel);
        let partial: Value = serde_json::from_slice(&plimsoll(&args).stdout).expect("--format json prints JSON");
        let said: Vec<String> = partial["findings"]
            .as_array()
            .expect("findings is an array")
            .iter()
            .filter(|f| f["rule"] == fixture.rule.as_str())
            .map(|f| format!("{}:{} {}", f["line"], f["column"], f["message"]))
            .collect();
        assert!(said.is_empty(), "without --complete-input the fixture still gives findings: {said:?}");
    }

    // The human rendering: exit code as above, nothing on stderr, one snapshot per fixture.
    let human_run = lint("human");
    assert_eq!(human_run.status.code(), json_run.status.code(), "human and json exit codes differ");
    let stderr = text(&human_run.stderr);
    assert!(stderr.is_empty(), "unexpected stderr (human): {stderr}");
    let human = text(&human_run.stdout);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(&fixture.dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_input_file(&fixture.abs);
    settings.set_omit_expression(true);
    let extra_text: String = extra.iter().map(|a| format!("{a} ")).collect();
    settings.set_description(format!(
        "plimsoll lint --only {} --format human --color never {extra_text}{}",
        fixture.rule, fixture.rel
    ));
    settings.bind(|| insta::assert_snapshot!(fixture.stem.as_str(), human));
    findings.len()
}

/// Extra `lint` arguments from a first-line `# plimsoll-args: …` comment.
fn fixture_args(source: &str) -> Vec<String> {
    let first = source.lines().next().unwrap_or("");
    first
        .strip_prefix("# plimsoll-args:")
        .map(|args| args.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Checking one finding against the fixture text.

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// Parses the report's path syntax: `a.b[0]["x.y"]`.
fn parse_path(path: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("[\"") {
            let end = after.find("\"]").unwrap_or_else(|| panic!("malformed path {path}"));
            segments.push(Segment::Key(after[..end].to_string()));
            rest = &after[end + 2..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']').unwrap_or_else(|| panic!("malformed path {path}"));
            segments.push(Segment::Index(after[..end].parse().unwrap_or_else(|_| panic!("malformed path {path}"))));
            rest = &after[end + 1..];
        } else {
            let body = rest.strip_prefix('.').unwrap_or(rest);
            let end = body.find(['.', '[']).unwrap_or(body.len());
            assert!(end > 0, "malformed path {path}");
            segments.push(Segment::Key(body[..end].to_string()));
            rest = &body[end..];
        }
    }
    segments
}

/// Where each pod-bearing kind keeps its pod spec (rules.md, "Which objects are checked").
fn pod_spec_prefix(api_version: &str, kind: &str) -> &'static str {
    pod_spec_prefix_of(api_version, kind)
        .unwrap_or_else(|| panic!("finding on {api_version} {kind}, which is not a pod-bearing kind"))
}

/// [`pod_spec_prefix`], or `None` for a kind that carries no pod spec.
fn pod_spec_prefix_of(api_version: &str, kind: &str) -> Option<&'static str> {
    let group = api_version.rsplit_once('/').map_or("", |(group, _)| group);
    Some(match (group, kind) {
        ("", "Pod") => "spec.",
        ("", "PodTemplate") => "template.spec.",
        ("batch", "CronJob") => "spec.jobTemplate.spec.template.spec.",
        ("", "ReplicationController")
        | ("apps" | "extensions", "Deployment" | "DaemonSet" | "ReplicaSet")
        | ("apps", "StatefulSet")
        | ("batch", "Job")
        | ("argoproj.io", "Rollout") => "spec.template.spec.",
        _ => return None,
    })
}

/// What each rule reports: the field under the container, and the container lists it covers.
fn rule_scope(rule: &str) -> (&'static str, &'static [&'static str]) {
    match rule {
        "security-context/privileged" => {
            (".securityContext.privileged", &["initContainers", "containers", "ephemeralContainers"])
        }
        "images/latest-tag" => (".image", &["initContainers", "containers", "ephemeralContainers"]),
        "probes/readiness" => (".readinessProbe", &["containers"]),
        "resources/memory-limits" => (".resources.limits.memory", &["initContainers", "containers"]),
        "images/digest" | "images/registry" | "images/signature" => {
            (".image", &["initContainers", "containers", "ephemeralContainers"])
        }
        "probes/liveness" | "probes/identical" => (".livenessProbe", &["containers"]),
        "probes/port" => (".port", &["containers"]),
        "resources/cpu-requests" => (".resources.requests.cpu", &["initContainers", "containers"]),
        "resources/memory-requests" => (".resources.requests.memory", &["initContainers", "containers"]),
        "resources/cpu-limits" => (".resources.limits.cpu", &["initContainers", "containers"]),
        "resources/ephemeral-storage-requests" => {
            (".resources.requests.ephemeral-storage", &["initContainers", "containers"])
        }
        "resources/ephemeral-storage-limits" => {
            (".resources.limits.ephemeral-storage", &["initContainers", "containers"])
        }
        "resources/memory-overcommit" => (".resources.requests.memory", &["initContainers", "containers"]),
        // Any resource name: the path is checked in check_finding.
        "resources/requests-exceed-limits" | "resources/invalid-quantity" => ("", &["initContainers", "containers"]),
        other => panic!("no location expectations for rule {other}: add them to rule_scope()"),
    }
}

/// The fields a pod-spec rule reports, for the rules that look beyond one container field
/// (security-context rules, env vars, ports, pod-level fields): `spec:` paths are under the pod spec, `meta:` paths under the pod's metadata; `{c}`
/// stands for every container list, `{rc}` for regular and init containers only, `*` for an
/// index or key.
fn pod_security_shapes(rule: &str) -> Option<&'static [&'static str]> {
    Some(match rule {
        "security-context/host-process" => {
            &["spec:securityContext.windowsOptions.hostProcess", "spec:{c}.securityContext.windowsOptions.hostProcess"]
        }
        "security-context/host-namespaces" => &["spec:hostNetwork", "spec:hostPID", "spec:hostIPC"],
        "security-context/capabilities-baseline" => &["spec:{c}.securityContext.capabilities.add[*]"],
        "security-context/host-path-volumes" => &["spec:volumes[*].hostPath"],
        "security-context/host-ports" => &["spec:{c}.ports[*].hostPort"],
        "security-context/host-probes-lifecycle" => &[
            "spec:{c}.livenessProbe.httpGet.host",
            "spec:{c}.livenessProbe.tcpSocket.host",
            "spec:{c}.readinessProbe.httpGet.host",
            "spec:{c}.readinessProbe.tcpSocket.host",
            "spec:{c}.startupProbe.httpGet.host",
            "spec:{c}.startupProbe.tcpSocket.host",
            "spec:{c}.lifecycle.postStart.httpGet.host",
            "spec:{c}.lifecycle.postStart.tcpSocket.host",
            "spec:{c}.lifecycle.preStop.httpGet.host",
            "spec:{c}.lifecycle.preStop.tcpSocket.host",
        ],
        "security-context/apparmor-profile" => &[
            "spec:securityContext.appArmorProfile.type",
            "spec:{c}.securityContext.appArmorProfile.type",
            "meta:annotations[*]",
        ],
        "security-context/selinux-options" => &[
            "spec:securityContext.seLinuxOptions.type",
            "spec:securityContext.seLinuxOptions.user",
            "spec:securityContext.seLinuxOptions.role",
            "spec:{c}.securityContext.seLinuxOptions.type",
            "spec:{c}.securityContext.seLinuxOptions.user",
            "spec:{c}.securityContext.seLinuxOptions.role",
        ],
        "security-context/proc-mount" | "security-context/proc-mount-restricted" => {
            &["spec:{c}.securityContext.procMount"]
        }
        "security-context/seccomp-baseline" => &[
            "spec:securityContext.seccompProfile.type",
            "spec:{c}.securityContext.seccompProfile.type",
            "meta:annotations[*]",
        ],
        "security-context/sysctls" => &["spec:securityContext.sysctls[*].name"],
        "security-context/volume-types" => &["spec:volumes[*].*"],
        "security-context/allow-privilege-escalation" => &["spec:{c}.securityContext.allowPrivilegeEscalation"],
        "security-context/run-as-non-root" => {
            &["spec:securityContext.runAsNonRoot", "spec:{c}.securityContext.runAsNonRoot"]
        }
        "security-context/run-as-user" => &["spec:securityContext.runAsUser", "spec:{c}.securityContext.runAsUser"],
        "security-context/seccomp-restricted" => &["spec:{c}.securityContext.seccompProfile.type"],
        "security-context/capabilities-restricted" => {
            &["spec:{c}.securityContext.capabilities.drop", "spec:{c}.securityContext.capabilities.add[*]"]
        }
        "security-context/read-only-root-filesystem" => &["spec:{rc}.securityContext.readOnlyRootFilesystem"],
        "secrets/env-literal" => &["spec:{c}.env[*].value"],
        "secrets/env-secret-ref" => &["spec:{c}.env[*].valueFrom.secretKeyRef", "spec:{c}.envFrom[*].secretRef"],
        "service-account/deprecated-field" => &["spec:serviceAccount"],
        "networking/ssh-port" | "networking/privileged-port" => &["spec:{c}.ports[*].containerPort"],
        "networking/host-aliases" => &["spec:hostAliases"],
        _ => return None,
    })
}

/// The paths a rule reports that judges more than one container field, or objects other than pod
/// specs, as shapes of the whole path: indexes and bracketed keys written `[*]`, a `*` segment for
/// any key; `{pod}` stands for the kind's pod spec (`{pod}.x` for a field in it), `{c}` and `{rc}`
/// as in [`pod_security_shapes`]. Shapes with `{pod}` apply to pod-bearing kinds only.
fn object_shapes(rule: &str) -> Option<&'static [&'static str]> {
    Some(match rule {
        "workloads/selector-mismatch" => &["spec.selector"],
        "workloads/restart-policy" => &["{pod}.restartPolicy", "{pod}"],
        "workloads/duplicate-env" => &["{pod}.{c}.env[*].name"],
        "workloads/job-ttl" | "workloads/cronjob-deadline" => &["spec"],
        "workloads/zero-grace-period" => &["{pod}.terminationGracePeriodSeconds"],
        "images/pull-policy" => &["{pod}.{rc}.imagePullPolicy", "{pod}.{rc}"],
        "metadata/default-namespace" => &["metadata.namespace"],
        "availability/pdb-no-budget" | "availability/pdb-unhealthy-eviction" => &["spec"],
        "availability/hpa-min-replicas" => &["spec.minReplicas", "spec"],
        "availability/hpa-fixed-replicas" => &["spec.maxReplicas"],
        "availability/recreate-strategy" => &["spec.strategy.type", "spec.updateStrategy.type"],
        "availability/spread-constraint-no-selector" => &["{pod}.topologySpreadConstraints[*]"],
        "availability/no-spread" => &["{pod}.affinity", "{pod}"],
        "availability/pdb-blocks-eviction" => &["spec.maxUnavailable", "spec.minAvailable"],
        "availability/hpa-replicas-conflict" => &["spec.replicas"],
        "availability/single-replica" => &["spec.replicas", "spec"],
        "availability/missing-pdb" => &["spec.template.metadata.labels"],
        "rbac/cluster-admin-binding" => &["roleRef.name"],
        "rbac/wildcard" => &["rules[*].verbs[*]", "rules[*].resources[*]"],
        "rbac/pod-exec" => &["rules[*].resources[*]"],
        "rbac/escalation-verbs" | "rbac/secret-access" | "rbac/workload-create" => &["rules[*].verbs[*]"],
        "secrets/configmap-content" => &["data.*", "data[*]"],
        "networking/node-port" | "networking/load-balancer" => &["spec.type"],
        "networking/ingress-tls" => &["spec.tls", "spec"],
        // A pod template's labels (a Pod's own).
        "networking/unisolated-pod" => &[
            "metadata.labels",
            "template.metadata.labels",
            "spec.template.metadata.labels",
            "spec.jobTemplate.spec.template.metadata.labels",
        ],
        "references/ingress-service" => &[
            "spec.defaultBackend.service.name",
            "spec.defaultBackend.service.port.number",
            "spec.defaultBackend.service.port.name",
            "spec.rules[*].http.paths[*].backend.service.name",
            "spec.rules[*].http.paths[*].backend.service.port.number",
            "spec.rules[*].http.paths[*].backend.service.port.name",
        ],
        "references/config-key" => &[
            "{pod}.{rc}.env[*].valueFrom.configMapKeyRef.key",
            "{pod}.{rc}.env[*].valueFrom.configMapKeyRef.name",
            "{pod}.{rc}.env[*].valueFrom.secretKeyRef.key",
            "{pod}.{rc}.env[*].valueFrom.secretKeyRef.name",
        ],
        "references/hpa-target" => &["spec.scaleTargetRef.kind", "spec.scaleTargetRef.name"],
        "references/statefulset-service" => &["spec.serviceName"],
        "references/service-selector" | "references/service-monitor-selector" => &["spec.selector"],
        "references/network-policy-selector" => &["spec.podSelector"],
        "references/network-policy-peer" => {
            &["spec.ingress[*].from[*].podSelector", "spec.egress[*].to[*].podSelector"]
        }
        "references/service-account" => &["{pod}.serviceAccountName", "{pod}.serviceAccount"],
        // The field, or the pod spec itself when it is unset.
        "service-account/automount-token" => &["{pod}.automountServiceAccountToken", "{pod}"],
        "service-account/default" => &["{pod}.serviceAccountName", "{pod}.serviceAccount", "{pod}"],
        _ => return None,
    })
}

/// Checks a finding's path against the rule's [`object_shapes`].
fn check_object_path(rule: &str, shapes: &[&str], at: &str, path: &str, api_version: &str, kind: &str) {
    let shape = bracket_shape(path);
    let pod_spec = pod_spec_prefix_of(api_version, kind).map(|prefix| prefix.trim_end_matches('.'));
    let expected: Vec<String> = shapes
        .iter()
        .flat_map(|s| expand_shape(s))
        .filter_map(|s| match s.contains("{pod}") {
            true => pod_spec.map(|prefix| s.replace("{pod}", prefix)),
            false => Some(s),
        })
        .collect();
    assert!(
        expected.iter().any(|pattern| matches_object_shape(pattern, &shape)),
        "{at}: {rule} does not report {shape} on a {kind} (expected one of {expected:?})"
    );
}

/// A path with every index and bracketed key written `[*]`.
fn bracket_shape(path: &str) -> String {
    let mut shape = String::new();
    let mut in_brackets = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_brackets = true;
                shape.push_str("[*]");
            }
            ']' if in_brackets => in_brackets = false,
            _ if in_brackets => {}
            _ => shape.push(c),
        }
    }
    shape
}

/// Whether a shape matches a pattern of [`object_shapes`] (a `*` segment matches any key).
fn matches_object_shape(pattern: &str, shape: &str) -> bool {
    let (pattern, shape): (Vec<&str>, Vec<&str>) = (pattern.split('.').collect(), shape.split('.').collect());
    pattern.len() == shape.len() && pattern.iter().zip(&shape).all(|(p, s)| *p == "*" || p == s)
}

/// The shapes a pattern of [`pod_security_shapes`] stands for.
fn expand_shape(shape: &str) -> Vec<String> {
    let lists: &[&str] = if shape.contains("{rc}") {
        &["initContainers", "containers"]
    } else if shape.contains("{c}") {
        &["initContainers", "containers", "ephemeralContainers"]
    } else {
        return vec![shape.to_string()];
    };
    lists
        .iter()
        .map(|list| shape.replace("{rc}", &format!("{list}[*]")).replace("{c}", &format!("{list}[*]")))
        .collect()
}

/// A finding's path as `spec:…` (under the pod spec at `prefix`) or `meta:…` (under the pod's
/// metadata, next to the spec), with every index and bracketed key written `[*]`; for
/// volume-types the source key after `volumes[*].` is written `*` as well.
fn path_shape(path: &str, prefix: &str) -> Option<String> {
    let meta_prefix = format!("{}metadata.", prefix.strip_suffix("spec.").unwrap_or(prefix));
    let (area, rest) = if let Some(rest) = path.strip_prefix(prefix) {
        ("spec", rest)
    } else {
        ("meta", path.strip_prefix(meta_prefix.as_str())?)
    };
    let mut shape = String::new();
    let mut in_brackets = false;
    for c in rest.chars() {
        match c {
            '[' => {
                in_brackets = true;
                shape.push_str("[*]");
            }
            ']' if in_brackets => in_brackets = false,
            _ if in_brackets => {}
            _ => shape.push(c),
        }
    }
    if shape.strip_prefix("volumes[*].").is_some_and(|source| !source.contains('.') && source != "hostPath") {
        shape = "volumes[*].*".to_string();
    }
    Some(format!("{area}:{shape}"))
}

/// Whether the rule's scope is pod specs (`custom.scope: pod-spec` in the catalog).
fn judges_pod_specs(rule: &str) -> bool {
    static POD_SPEC_RULES: std::sync::OnceLock<BTreeSet<String>> = std::sync::OnceLock::new();
    POD_SPEC_RULES
        .get_or_init(|| {
            catalog()
                .iter()
                .filter(|r| r["scope"] == "pod-spec")
                .filter_map(|r| r["id"].as_str().map(str::to_string))
                .collect()
        })
        .contains(rule)
}

/// Rules implemented in Rust rather than Rego (their categories hold no Rego rule).
fn is_native_rule(rule: &str) -> bool {
    rule.starts_with("schema/")
        || rule.starts_with("kustomize/")
        || is_render_rule(rule)
        // Configured with regular expressions, which the built-in Rego program leaves out.
        || matches!(rule, "metadata/required-labels" | "metadata/required-annotations")
}

/// The render rules judge charts and kustomizations, folders a single fixture file cannot be:
/// cli/tests/render.rs tests them on folders, with the renderers.
fn is_render_rule(rule: &str) -> bool {
    rule.starts_with("render/")
}

/// The path: the kind's pod spec, a container list the rule covers, the rule's field.
fn check_container_path(fixture: &Fixture, at: &str, path: &str, api_version: &str, kind: &str) {
    let prefix = pod_spec_prefix(api_version, kind);
    if let Some(shapes) = pod_security_shapes(&fixture.rule) {
        let shape = path_shape(path, prefix).unwrap_or_else(|| panic!("{at}: path {path} is not under {kind}'s pod"));
        assert!(
            shapes.iter().flat_map(|s| expand_shape(s)).any(|s| s == shape),
            "{at}: {} does not report {shape} (path {path})",
            fixture.rule
        );
    } else {
        let (suffix, lists) = rule_scope(&fixture.rule);
        assert!(path.starts_with(prefix), "{at}: path {path} is not under {kind}'s pod spec {prefix}");
        assert!(path.ends_with(suffix), "{at}: path {path} does not end with {suffix}");
        let list = path[prefix.len()..].split('[').next().unwrap_or("");
        assert!(lists.contains(&list), "{at}: {} does not cover {list} (path {path})", fixture.rule);
    }
    if fixture.rule.starts_with("probes/") {
        assert!(!matches!(kind, "Job" | "CronJob"), "{at}: probes are not checked for {kind}");
    }
}

fn check_finding(fixture: &Fixture, source: &str, documents: &[plimsoll_core::Document], finding: &Value) {
    let line = finding["line"].as_u64().expect("line") as usize;
    let column = finding["column"].as_u64().expect("column") as usize;
    let at = format!("{}:{line}:{column}", fixture.rel);
    assert_eq!(finding["file"], fixture.rel.as_str(), "{at}: file");
    let path = finding["path"].as_str().unwrap_or_else(|| panic!("{at}: finding without a path"));
    let object = &finding["object"];
    let api_version = object["apiVersion"].as_str().unwrap_or_else(|| panic!("{at}: no object.apiVersion"));
    let kind = object["kind"].as_str().unwrap_or_else(|| panic!("{at}: no object.kind"));

    // Rules about containers: the path is under the kind's pod spec. Other rules (schema,
    // kustomize, metadata, rules about other kinds) report any field of any object; only their
    // location is checked below, and the object-level shapes where a rule declares them.
    if let Some(shapes) = object_shapes(&fixture.rule) {
        check_object_path(&fixture.rule, shapes, &at, path, api_version, kind);
    } else if judges_pod_specs(&fixture.rule) {
        check_container_path(fixture, &at, path, api_version, kind);
    }
    let resource_under = match fixture.rule.as_str() {
        "resources/requests-exceed-limits" => Some(".resources.requests"),
        "resources/invalid-quantity" if path.contains(".resources.limits") => Some(".resources.limits"),
        "resources/invalid-quantity" => Some(".resources.requests"),
        _ => None,
    };
    if let Some(under) = resource_under {
        let rest = path.split_once(under).map_or("", |(_, rest)| rest);
        assert!(
            rest.starts_with('.') || rest.starts_with("[\""),
            "{at}: path {path} does not name a resource under {under}"
        );
    }
    if fixture.template_expected() {
        assert!(finding["template"].is_string(), "{at}: a Helm document's finding has no template");
    }

    // The object the finding names, as loaded.
    let candidates: Vec<&plimsoll_core::Document> = documents
        .iter()
        .filter(|d| {
            let r = d.object_ref();
            r.api_version == api_version
                && r.kind == kind
                && r.name.as_deref() == object["name"].as_str()
                && r.namespace.as_deref() == object["namespace"].as_str()
        })
        .collect();
    assert_eq!(candidates.len(), 1, "{at}: the fixture must hold exactly one {kind} named {}", object["name"]);
    let value = &candidates[0].value;

    // The deepest part of the path that is written in the document.
    let segments = parse_path(path);
    let mut node = value;
    let mut deepest: Option<&Segment> = None;
    let mut complete = true;
    for segment in &segments {
        let next = match segment {
            Segment::Key(key) => node.get(key.as_str()),
            Segment::Index(i) => node.get(*i),
        };
        match next {
            Some(child) => {
                node = child;
                deepest = Some(segment);
            }
            None => {
                complete = false;
                break;
            }
        }
    }

    let source_line = source.lines().nth(line - 1).unwrap_or_else(|| panic!("{at}: no such line"));
    let chars: Vec<char> = source_line.chars().collect();
    assert!(column >= 1 && column <= chars.len() + 1, "{at}: column beyond the line {source_line:?}");
    let before: String = chars[..column - 1].iter().collect();
    let rest: String = chars[column - 1..].iter().collect();
    let before_trimmed = before.trim_end();
    let key_written_before = |key: &str| {
        [format!("{key}:"), format!("\"{key}\":"), format!("'{key}':")]
            .iter()
            .any(|k| before_trimmed.ends_with(k.as_str()))
    };
    let key_written_here = |key: &str| {
        [format!("{key}:"), format!("\"{key}\":"), format!("'{key}':")].iter().any(|k| rest.starts_with(k.as_str()))
    };
    let context = format!("{at}: path {path}, line {source_line:?}");

    match (deepest, complete, node) {
        // The field is written with a scalar value: the finding points at that value.
        (Some(Segment::Key(key)), true, scalar) if !scalar.is_object() && !scalar.is_array() => {
            if scalar.is_null() && rest.starts_with(':') && before_trimmed.ends_with(key.as_str()) {
                // An empty value (`key:` and nothing): located just after the key.
                return;
            }
            if scalar.is_null() && key_written_here(key) {
                return;
            }
            assert!(key_written_before(key), "{context}: expected the value of `{key}:` at the location");
            assert!(scalar_written(scalar, &rest), "{context}: expected {scalar} written at the location");
        }
        // The nearest written node is a mapping or sequence under a key: the finding points at the key.
        (Some(Segment::Key(key)), _, collection) if collection.is_object() || collection.is_array() => {
            assert!(key_written_here(key), "{context}: expected the key `{key}:` at the location");
        }
        // The nearest written node is a sequence item (the container), or the finding is about a
        // whole item (a topology spread constraint): the finding points at the item.
        (Some(Segment::Index(_)), complete, item) if !complete || item.is_object() => {
            let opened =
                before_trimmed.ends_with('-') || before_trimmed.ends_with('[') || before_trimmed.ends_with(',');
            assert!(opened, "{context}: expected the start of a sequence item at the location");
            let starts_item = rest.starts_with('&')
                || rest.starts_with('{')
                || rest.starts_with("<<")
                || item.as_object().is_some_and(|map| map.keys().any(|k| key_written_here(k)));
            assert!(starts_item, "{context}: expected the container's first key at the location");
        }
        // A scalar item of a sequence (a capability in `add: [...]`): the finding points at it.
        (Some(Segment::Index(_)), true, scalar) if !scalar.is_object() && !scalar.is_array() => {
            let opened =
                before_trimmed.ends_with('-') || before_trimmed.ends_with('[') || before_trimmed.ends_with(',');
            assert!(opened, "{context}: expected a sequence item at the location");
            assert!(scalar_written(scalar, &rest), "{context}: expected {scalar} written at the location");
        }
        _ => panic!("{context}: unexpected shape of the located node ({node})"),
    }
}

/// Whether `rest` (the source from the reported column on) starts with `value` as YAML writes it.
fn scalar_written(value: &Value, rest: &str) -> bool {
    let token: String = rest.chars().take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '}' | ']')).collect();
    match value {
        Value::String(s) => {
            rest.starts_with(s.as_str())
                || rest.starts_with(&format!("\"{s}\""))
                || rest.starts_with(&format!("'{s}'"))
                // A block scalar (`|`, `>`) starts at its indicator.
                || (s.contains('\n') && (rest.starts_with('|') || rest.starts_with('>')))
        }
        Value::Bool(true) => ["true", "yes", "on", "y"].contains(&token.to_lowercase().as_str()),
        Value::Bool(false) => ["false", "no", "off", "n"].contains(&token.to_lowercase().as_str()),
        Value::Null => ["null", "~"].contains(&token.to_lowercase().as_str()),
        Value::Number(n) => token == n.to_string(),
        _ => false,
    }
}

impl Fixture {
    /// Helm fixtures (`fail-helm*.yaml`) render every document from a `# Source:` template.
    fn template_expected(&self) -> bool {
        self.stem.contains("helm")
    }
}

// ---------------------------------------------------------------------------------------------
// Meta-tests: the registry and the fixture tree agree.

fn every_rule_has_pass_and_fail_fixtures() {
    let fixtures = fixtures();
    let mut missing = Vec::new();
    for id in rule_ids().into_iter().filter(|id| !is_render_rule(id)) {
        for kind in ["pass", "fail"] {
            if !fixtures.iter().any(|f| f.rule == id && f.stem.starts_with(kind)) {
                missing.push(format!("testdata/rules/{id}/{kind}*.yaml"));
            }
        }
    }
    assert!(missing.is_empty(), "rules without fixtures: {missing:?}");
}

fn every_fixture_folder_names_a_rule() {
    let ids = rule_ids();
    let folders = fixture_folders();
    assert!(!folders.is_empty());
    let unknown: Vec<&String> = folders.iter().map(|(id, _)| id).filter(|id| !ids.contains(*id)).collect();
    assert!(unknown.is_empty(), "fixture folders that name no rule: {unknown:?} (rules: {ids:?})");
    // Nothing but category folders at the top, nothing but rule folders in a category.
    for category in sorted_entries(&rules_dir()) {
        assert!(category.is_dir(), "stray file {}", category.display());
        for entry in sorted_entries(&category) {
            assert!(entry.is_dir(), "stray file {}", entry.display());
        }
    }
}

fn fixture_folders_hold_only_fixtures_and_snapshots() {
    let mut problems = Vec::new();
    for (_, folder) in fixture_folders() {
        let names: BTreeSet<String> = sorted_entries(&folder).iter().map(|p| file_name(p)).collect();
        for name in &names {
            // A fixture without a snapshot fails its insta assertion in `rule_fixtures`.
            if is_fixture_name(name) {
                continue;
            }
            if let Some(stem) = name.strip_suffix(".snap") {
                if !names.contains(&format!("{stem}.yaml")) {
                    problems.push(format!("{}/{name}: snapshot of no fixture", folder.display()));
                }
            } else {
                // Includes pending `.snap.new` files: review them, never leave them behind.
                problems.push(format!("{}/{name}: neither pass*.yaml, fail*.yaml nor a snapshot", folder.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn rule_metadata_is_well_formed() {
    let rules = catalog();
    assert!(!rules.is_empty());
    let mut seen = BTreeSet::new();
    for rule in &rules {
        let id = rule["id"].as_str().expect("id");
        assert!(seen.insert(id.to_string()), "duplicate rule {id}");
        let (category, name) = id.split_once('/').unwrap_or_else(|| panic!("{id}: not <category>/<name>"));
        for part in [category, name] {
            assert!(
                !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{id}: IDs are lower-case kebab-case"
            );
        }
        for field in ["title", "description", "remediation"] {
            let value = rule[field].as_str().unwrap_or_else(|| panic!("{id}: no {field}"));
            assert!(!value.trim().is_empty(), "{id}: empty {field}");
        }
        assert!(
            matches!(rule["severity"].as_str(), Some("error" | "warning" | "info")),
            "{id}: severity {}",
            rule["severity"]
        );
        assert!(rule["default"].is_boolean(), "{id}: default is not a boolean");
        for link in rule["related_resources"].as_array().unwrap_or_else(|| panic!("{id}: related_resources")) {
            assert!(link.as_str().is_some_and(|l| l.starts_with("https://")), "{id}: link {link}");
        }
        if category == "security-context" && !rule["pss_check"].is_null() {
            assert!(matches!(rule["level"].as_str(), Some("baseline" | "restricted")), "{id}: PSA level");
        }
        match rule["engine"].as_str() {
            Some("rego") => {
                assert!(
                    Path::new(&workspace_root()).join(format!("policies/{id}.rego")).is_file(),
                    "{id}: no policy file"
                )
            }
            Some("native") => {
                assert!(is_native_rule(id), "{id}: a rule implemented in Rust outside the known ones")
            }
            other => panic!("{id}: engine {other:?}"),
        }

        // `explain` knows it by ID and by short name (when the short name is unambiguous: no other
        // rule has it, and no category is named so, since a category name selects the category).
        let by_id = plimsoll(&["explain", id]);
        assert_eq!(by_id.status.code(), Some(0), "explain {id}: {}", text(&by_id.stderr));
        assert!(text(&by_id.stdout).starts_with(&format!("{id} — ")), "explain {id} starts with the ID");
        let same_name =
            rules.iter().filter(|r| r["id"].as_str().is_some_and(|o| o.ends_with(&format!("/{name}")))).count();
        let names_a_category =
            rules.iter().any(|r| r["id"].as_str().is_some_and(|o| o.starts_with(&format!("{name}/"))));
        if same_name == 1 && !names_a_category {
            let by_name = plimsoll(&["explain", name]);
            assert_eq!(by_name.stdout, by_id.stdout, "explain {name} and explain {id} differ");
        }
    }
    let listed: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    let mut sorted = listed.clone();
    sorted.sort_unstable();
    assert_eq!(listed, sorted, "rules are listed sorted by ID");
}
