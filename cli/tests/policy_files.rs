//! A policy file is read by what it is, not by the option that named it: ConstraintTemplates,
//! Constraints and Rego modules named directly with `--policy`, in `policies:` of `.plimsoll.yaml`
//! and to `plimsoll test` give what the folder that holds them gives, and a file that is none of
//! them is a clear error naming it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{plimsoll_in, root, work_tree, write_files};
use serde_json::Value;
use std::path::Path;

const GATEKEEPER: &str = "testdata/policies/gatekeeper";
const POLICIES: &str = "testdata/policies/gatekeeper/policies";
const MANIFESTS: &str = "testdata/policies/gatekeeper/manifests";
const REGO: &str = "testdata/policies/conftest/v1/main.rego";

/// `(rule, file, line, column)` of each finding of a JSON report.
fn placed(report: &Value) -> Vec<(String, String, u64, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let text = |key: &str| f[key].as_str().unwrap().to_string();
            (text("rule"), text("file"), f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap())
        })
        .collect()
}

/// The findings of `lint` with the given policy arguments on the Gatekeeper demo manifests, with
/// the built-in rules off; the run must find something (exit 1 with errors among them, 0 without).
fn lint_with(policy_args: &[&str]) -> Vec<(String, String, u64, u64)> {
    let mut args = vec!["lint", "--no-builtin", "-f", "json"];
    args.extend_from_slice(policy_args);
    args.push(MANIFESTS);
    let run = plimsoll_in(&root(), &args);
    assert!(matches!(run.code, Some(0 | 1)), "{}", run.transcript());
    let findings = placed(&run.json());
    assert!(!findings.is_empty(), "{}", run.transcript());
    findings
}

fn folder_findings() -> Vec<(String, String, u64, u64)> {
    let findings = lint_with(&["--policy", POLICIES]);
    let rules: Vec<&str> = findings.iter().map(|f| f.0.as_str()).collect();
    assert!(rules.contains(&"DemoRequiredLabels/web-deployments-need-owner"), "{findings:?}");
    assert!(rules.contains(&"DemoServiceBackend/prod-services-have-backends"), "{findings:?}");
    findings
}

#[test]
fn templates_and_constraints_named_directly_give_what_their_folder_gives() {
    let named = lint_with(&[
        "--policy",
        &format!("{POLICIES}/required-labels.yaml"), // a template and its constraints in one file
        "--policy",
        &format!("{POLICIES}/service-backend-template.yaml"), // a template alone
        "--policy",
        &format!("{POLICIES}/service-backend-constraint.yaml"), // a constraint alone
    ]);
    assert_eq!(named, folder_findings());
}

#[test]
fn a_rego_file_and_a_template_named_together_both_run() {
    let findings = lint_with(&["--policy", REGO, "--policy", &format!("{POLICIES}/required-labels.yaml")]);
    let rules: Vec<&str> = findings.iter().map(|f| f.0.as_str()).collect();
    assert!(rules.contains(&"main/warn"), "{findings:?}");
    assert!(rules.contains(&"DemoRequiredLabels/web-deployments-need-owner"), "{findings:?}");
}

#[test]
fn a_rego_module_without_the_rego_extension_is_read_as_rego() {
    let dir = work_tree();
    let text = std::fs::read_to_string(root().join(REGO)).unwrap();
    write_files(dir.path(), &[("policy.txt", &text)]);
    let policy = dir.path().join("policy.txt");
    let from_txt = lint_with(&["--policy", policy.to_str().unwrap()]);
    assert_eq!(from_txt, lint_with(&["--policy", REGO]));
    assert!(!from_txt.is_empty());
}

#[test]
fn a_named_file_that_is_no_policy_is_an_error_naming_it() {
    for (file, expected) in [
        (format!("{MANIFESTS}/services.yaml"), "holds no ConstraintTemplate or Constraint"),
        ("README.md".to_string(), "holds no ConstraintTemplate or Constraint"),
    ] {
        let run = plimsoll_in(&root(), &["lint", "--no-builtin", "--policy", &file, MANIFESTS]);
        assert_eq!(run.code, Some(2), "{}", run.transcript());
        assert!(run.stderr.contains(&format!("plimsoll: {file}: not a policy: ")), "{}", run.transcript());
        assert!(run.stderr.contains(expected), "{}", run.transcript());
        assert!(run.stdout.is_empty(), "nothing is linted: {}", run.transcript());
    }
}

#[test]
fn a_constraint_without_its_template_is_the_error_its_folder_would_give() {
    let run = plimsoll_in(
        &root(),
        &["lint", "--no-builtin", "--policy", &format!("{POLICIES}/service-backend-constraint.yaml"), MANIFESTS],
    );
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    let message: Vec<&str> = run.stderr.split_whitespace().filter(|word| *word != "│").collect();
    assert!(
        message.join(" ").contains("no ConstraintTemplate defines kind DemoServiceBackend"),
        "{}",
        run.transcript()
    );
}

/// `policies:` entries of `.plimsoll.yaml`, relative to the file, are read the same way: the
/// templates they name are Gatekeeper policies, not Rego.
#[test]
fn policies_in_the_configuration_file_are_read_by_what_they_are() {
    let dir = work_tree();
    let policies = root().join(POLICIES).canonicalize().unwrap();
    let rego = root().join(REGO).canonicalize().unwrap();
    let config = format!(
        "policies:\n  - {}\n  - {}\n  - {}\n  - {}\n",
        policies.join("required-labels.yaml").display(),
        policies.join("service-backend-template.yaml").display(),
        policies.join("service-backend-constraint.yaml").display(),
        rego.display(),
    );
    write_files(dir.path(), &[(".plimsoll.yaml", &config)]);
    let manifests = root().join(MANIFESTS).canonicalize().unwrap();
    let run = plimsoll_in(dir.path(), &["lint", "--no-builtin", "-f", "json", manifests.to_str().unwrap()]);
    assert_eq!(run.code, Some(1), "{}", run.transcript());
    let rules: Vec<String> = placed(&run.json()).into_iter().map(|f| f.0).collect();
    let gatekeeper: Vec<String> =
        folder_findings().into_iter().map(|f| f.0).filter(|r| r.starts_with("Demo")).collect();
    let configured: Vec<String> = rules.iter().filter(|r| r.starts_with("Demo")).cloned().collect();
    assert_eq!(configured, gatekeeper);
    assert!(rules.len() > gatekeeper.len(), "the Rego module's findings come too: {rules:?}");
}

/// The PASS/FAIL lines of `plimsoll test`, without the total.
fn test_lines(args: &[&str]) -> Vec<String> {
    let mut all = vec!["test"];
    all.extend_from_slice(args);
    let run = plimsoll_in(&root(), &all);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    let lines: Vec<String> =
        run.stdout.lines().filter(|l| l.starts_with("PASS") || l.starts_with("FAIL")).map(String::from).collect();
    assert!(!lines.is_empty(), "{}", run.transcript());
    lines
}

#[test]
fn test_takes_a_suite_or_a_template_named_directly() {
    let folder = test_lines(&[GATEKEEPER]);
    let suite = test_lines(&[&format!("{GATEKEEPER}/suite.yaml")]);
    let template = test_lines(&[&format!("{POLICIES}/service-backend-template.yaml")]);
    let suite_cases: Vec<&String> = folder.iter().filter(|l| l.contains("suite.yaml")).collect();
    assert_eq!(suite.iter().collect::<Vec<_>>(), suite_cases);
    assert_eq!(template, suite, "a template runs the suite beside it that tests it");
}

#[test]
fn a_suite_under_another_name_is_read_by_its_kind() {
    let dir = work_tree();
    copy_tree(&root().join(GATEKEEPER), dir.path());
    std::fs::rename(dir.path().join("suite.yaml"), dir.path().join("checks.yaml")).unwrap();
    let run = plimsoll_in(dir.path(), &["test", "checks.yaml"]);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    let renamed: Vec<String> = run.stdout.lines().filter(|l| l.starts_with("PASS")).map(String::from).collect();
    let original: Vec<String> =
        test_lines(&[&format!("{GATEKEEPER}/suite.yaml")]).iter().map(|l| l.replace(GATEKEEPER, "")).collect();
    let original: Vec<String> = original.iter().map(|l| l.replace("/suite.yaml", "checks.yaml")).collect();
    assert_eq!(renamed, original);
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn test_refuses_a_named_file_with_nothing_to_test() {
    for file in [format!("{MANIFESTS}/services.yaml"), format!("{POLICIES}/service-backend-constraint.yaml")] {
        let run = plimsoll_in(&root(), &["test", &file]);
        assert_eq!(run.code, Some(2), "{}", run.transcript());
        assert!(run.stderr.contains(&format!("plimsoll: {file}: nothing to test")), "{}", run.transcript());
    }
    let dir = work_tree();
    let template = root().join(POLICIES).join("service-backend-template.yaml");
    std::fs::copy(template, dir.path().join("template.yaml")).unwrap();
    let run = plimsoll_in(dir.path(), &["test", "template.yaml"]);
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    assert!(
        run.stderr.contains("plimsoll: template.yaml: a ConstraintTemplate that no suite.yaml"),
        "{}",
        run.transcript()
    );
    assert!(Path::new(&dir.path().join("template.yaml")).exists());
}
