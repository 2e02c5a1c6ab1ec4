//! Users' own policies, end to end: conftest-style Rego (`--policy`, `--data`, `--namespace`,
//! `--all-namespaces`, `--no-builtin`) linted by the real binary, and `plimsoll test` running Rego
//! unit tests. Inputs live in `testdata/policies/conftest/` (the working directory of every run);
//! each test asserts the exact findings: rule, severity, object, line and column, path.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{plimsoll_in, root, Run};
use serde_json::Value;
use std::path::PathBuf;

fn dir() -> PathBuf {
    root().join("testdata/policies/conftest")
}

/// Runs in the conftest test data; `lint` ignores any configuration file around.
fn run(args: &[&str]) -> Run {
    let mut all = args.to_vec();
    if args.first() == Some(&"lint") {
        all.insert(1, "--no-config");
    }
    plimsoll_in(&dir(), &all)
}

/// `plimsoll lint --no-config <args> -f json manifests`: (rule, severity, kind/name, line:column,
/// path) per finding.
fn findings(args: &[&str]) -> Vec<(String, String, String, String, String)> {
    let mut all = vec!["lint", "-f", "json"];
    all.extend_from_slice(args);
    all.push("manifests");
    let run = run(&all);
    assert_eq!(run.code, Some(1), "{}", run.transcript());
    let text = |v: &Value| v.as_str().unwrap_or("").to_string();
    run.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                text(&f["rule"]),
                text(&f["severity"]),
                format!("{}/{}", text(&f["object"]["kind"]), text(&f["object"]["name"])),
                format!("{}:{}", f["line"], f["column"]),
                text(&f["path"]),
            )
        })
        .collect()
}

fn row(rule: &str, severity: &str, object: &str, at: &str, path: &str) -> (String, String, String, String, String) {
    (rule.into(), severity.into(), object.into(), at.into(), path.into())
}

/// Rego v1: a set of strings (`deny`, named by its METADATA custom.id), of objects with a dotted
/// path (`warn`, at the nearest written ancestor of a missing field) and with an array path
/// (`violation_replicas`, at the value).
#[test]
fn rego_v1_strings_objects_and_paths() {
    assert_eq!(
        findings(&["--no-builtin", "--policy", "v1/main.rego"]),
        vec![
            row("acme/latest-tag", "error", "Deployment/web", "3:1", ""),
            row("main/warn", "warning", "Deployment/web", "3:1", "metadata.labels"),
            row("main/violation_replicas", "error", "Deployment/web", "7:13", "spec.replicas"),
        ]
    );
}

/// Complete rules are read as conftest reads them: a set or an array of messages reports, an
/// object does not, and a boolean rule (which conftest counts as passing) never reports but gets
/// a note on standard error, located at the rule, unless `--quiet`.
#[test]
fn complete_rules_report_their_messages_and_boolean_rules_get_a_note() {
    assert_eq!(
        findings(&["--no-builtin", "--policy", "complete"]),
        vec![
            row("main/warn_names", "warning", "Deployment/web", "3:1", ""),
            row("main/deny_kinds", "error", "Service/web", "18:1", ""),
        ]
    );
    let compact = run(&["lint", "--no-builtin", "--policy", "complete", "-f", "compact", "manifests"]);
    assert!(compact.stdout.contains("no Services here"), "{}", compact.transcript());
    let notes: Vec<&str> = compact.stderr.lines().filter(|l| l.starts_with("plimsoll: note: ")).collect();
    assert_eq!(notes.len(), 2, "{}", compact.transcript());
    assert!(
        notes[0].starts_with("plimsoll: note: complete/rules.rego:21:1: `deny_boolean` is a boolean rule"),
        "{}",
        notes[0]
    );
    assert!(
        notes[1].starts_with("plimsoll: note: complete/rules.rego:23:1: `warn_flag` is a boolean rule"),
        "{}",
        notes[1]
    );
    let quiet = run(&["lint", "--no-builtin", "--policy", "complete", "--quiet", "manifests"]);
    assert!(!quiet.stderr.contains("note:"), "{}", quiet.transcript());
}

/// Rego v0 syntax (`deny[msg] { … }`) is recognised per module; `warn_<name>` is a warning rule.
#[test]
fn rego_v0_modules_and_suffixed_rules() {
    assert_eq!(
        findings(&["--no-builtin", "--policy", "v0"]),
        vec![
            row("main/warn_replicas", "warning", "Deployment/web", "7:13", "spec.replicas"),
            row("main/deny", "error", "Service/web", "18:1", ""),
        ]
    );
}

/// A Rego file named directly (not through its directory) is read as Rego only, even when its text
/// is not valid YAML (ConstraintTemplates are looked for in manifest files).
#[test]
fn a_rego_file_given_by_name() {
    let args = [
        "--no-builtin",
        "--policy",
        "namespaces/registry.rego",
        "--data",
        "data/registries.yaml",
        "--namespace",
        "kubernetes.images",
    ];
    assert_eq!(
        findings(&args),
        vec![row("acme/registry", "error", "Deployment/web", "12:18", "spec.template.spec.containers[0].image")]
    );
}

/// `--data` documents are readable under `data`; `--namespace` picks the package (and leaves
/// `main` out); the package METADATA names the rule.
#[test]
fn data_and_a_chosen_namespace() {
    let only_images = [
        "--no-builtin",
        "--policy",
        "namespaces",
        "--data",
        "data/registries.yaml",
        "--namespace",
        "kubernetes.images",
    ];
    assert_eq!(
        findings(&only_images),
        vec![row("acme/registry", "error", "Deployment/web", "12:18", "spec.template.spec.containers[0].image")]
    );
    let all = ["--no-builtin", "--policy", "namespaces", "--data", "data", "--all-namespaces"];
    assert_eq!(
        findings(&all),
        vec![
            row("main/warn", "warning", "Deployment/web", "3:1", ""),
            row("acme/registry", "error", "Deployment/web", "12:18", "spec.template.spec.containers[0].image"),
            row("main/warn", "warning", "Service/web", "18:1", ""),
        ]
    );
}

/// User rules run in the same pass as the built-in ones, and the usual rule selection and inline
/// suppression apply to them.
#[test]
fn user_rules_run_with_the_builtin_rules_and_can_be_selected() {
    let with_builtin = findings(&["--policy", "v1"]);
    let rules: Vec<&str> = with_builtin.iter().map(|f| f.0.as_str()).collect();
    assert!(rules.contains(&"acme/latest-tag") && rules.contains(&"images/latest-tag"), "{rules:?}");
    assert_eq!(
        findings(&["--policy", "v1", "--only", "acme/latest-tag", "--only", "violation_replicas"]),
        vec![
            row("acme/latest-tag", "error", "Deployment/web", "3:1", ""),
            row("main/violation_replicas", "error", "Deployment/web", "7:13", "spec.replicas"),
        ]
    );
    let disabled = run(&[
        "lint",
        "--no-builtin",
        "--policy",
        "v1",
        "--disable",
        "acme/latest-tag",
        "--disable",
        "main/violation_replicas",
        "-f",
        "compact",
        "manifests",
    ]);
    assert_eq!(
        (disabled.code, disabled.stdout.as_str()),
        (Some(0), "manifests/deployment.yaml:3:1: warning[main/warn] object has no team label\n")
    );
}

/// The human report shows a user finding like any other.
#[test]
fn human_output() {
    let run = run(&["lint", "--no-builtin", "--policy", "v0", "manifests"]);
    insta::assert_snapshot!("user_policies_human", run.transcript());
}

#[test]
fn a_syntax_error_is_located_and_stops_the_run() {
    let run = run(&["lint", "--policy", "errors/syntax", "manifests"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("errors/syntax/broken.rego:5:1: expecting expression"), "{}", run.stderr);
}

/// regorus notices a call to an unknown function only when evaluation reaches it; plimsoll
/// reports it at load time, located at the call.
#[test]
fn an_unknown_function_is_located_and_stops_the_run() {
    let run = run(&["lint", "--policy", "errors/unknown-function", "manifests"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("errors/unknown-function/policy.rego:7:25: unknown function `acme.describe`"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_id_of_a_builtin_rule_is_refused() {
    let run = run(&["lint", "--policy", "errors/id-clash", "manifests"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("errors/id-clash/policy.rego:8:1: rule ID \"images/latest-tag\" is a built-in"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_policy_and_data_files_are_errors() {
    for flag in ["--policy", "--data"] {
        let run = run(&["lint", flag, "no/such.rego", "manifests"]);
        assert_eq!((run.code, run.stdout.as_str()), (Some(2), ""), "{flag}");
        assert_eq!(run.stderr, "plimsoll: no/such.rego: no such file or directory\n", "{flag}");
    }
}

/// `plimsoll test`: a line per test, a total, exit 1 when one fails.
#[test]
fn rego_unit_tests_report_each_case() {
    let run = run(&["test", "tests"]);
    insta::assert_snapshot!("user_policies_test_command", run.transcript());
}

/// The built-in policies' own Rego tests run through `plimsoll test`, with the library and data
/// they need.
#[test]
fn the_builtin_policies_pass_their_rego_tests() {
    let run = plimsoll_in(&root(), &["test", "policies"]);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    let test_rules = count_test_rules();
    let passed = run.stdout.lines().filter(|l| l.starts_with("PASS ")).count();
    assert_eq!(passed, test_rules, "{}", run.stdout);
    assert!(run.stdout.ends_with(&format!("{test_rules} tests: {test_rules} passed, 0 failed\n")), "{}", run.stdout);
    assert!(test_rules > 90, "only {test_rules} test rules found");
}

/// `test_*` rule heads in `policies/**/*_test.rego`, counted from the text (each name once).
fn count_test_rules() -> usize {
    let mut count = 0;
    let mut dirs = vec![root().join("policies")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.to_string_lossy().ends_with("_test.rego") {
                let text = std::fs::read_to_string(&path).unwrap();
                let mut names: Vec<&str> = text
                    .lines()
                    .filter(|l| l.starts_with("test_"))
                    .map(|l| l.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next().unwrap_or(""))
                    .collect();
                names.sort_unstable();
                names.dedup();
                count += names.len();
            }
        }
    }
    count
}

/// Annotations and comments suppress user rules by ID or short name, and a baseline records them.
#[test]
fn user_findings_can_be_suppressed_and_baselined() {
    let args = ["lint", "--no-builtin", "--policy", "v1", "-f", "compact"];
    let suppressed = run(&[&args[..], &["suppressed"]].concat());
    assert_eq!(
        (suppressed.code, suppressed.stdout.as_str()),
        (Some(0), "suppressed/deployment.yaml:3:1: warning[main/warn] object has no team label\n"),
        "{}",
        suppressed.transcript()
    );
    let work = tempfile::tempdir().expect("temporary directory");
    let baseline = work.path().join("baseline.json");
    let baseline = baseline.to_str().expect("UTF-8 path");
    let written = run(&[&args[..], &["--write-baseline", baseline, "manifests"]].concat());
    assert_eq!(written.code, Some(0), "{}", written.transcript());
    let recorded = std::fs::read_to_string(baseline).expect("baseline written");
    for rule in ["acme/latest-tag", "main/warn", "main/violation_replicas"] {
        assert!(recorded.contains(rule), "{rule} not in {recorded}");
    }
    let again = run(&[&args[..], &["--baseline", baseline, "manifests"]].concat());
    assert_eq!((again.code, again.stdout.as_str()), (Some(0), ""), "{}", again.transcript());
}
