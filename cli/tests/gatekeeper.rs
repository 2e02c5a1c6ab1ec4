//! Gatekeeper policies end to end: `lint --policy`, broken templates, and `plimsoll test` on our
//! own suites and on the gatekeeper-library corpus.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{conformance_data, plimsoll_in, record_score, root};
use serde_json::Value;
use std::collections::BTreeSet;

const POLICIES: &str = "testdata/policies/gatekeeper/policies";
const MANIFESTS: &str = "testdata/policies/gatekeeper/manifests";

/// `(rule, severity, file, line, "Kind namespace/name")` of each finding.
fn findings(report: &Value) -> Vec<(String, String, String, u64, String)> {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let object = &f["object"];
            let name = format!("{} {}/{}", text(&object["kind"]), text(&object["namespace"]), text(&object["name"]));
            (text(&f["rule"]), text(&f["severity"]), text(&f["file"]), f["line"].as_u64().unwrap(), name)
        })
        .collect()
}

/// Each match field, each enforcement action, parameters and a cross-file inventory, through
/// the real binary: exactly these three objects are reported (see the comments in the manifests).
#[test]
fn constraints_report_exactly_the_objects_they_match() {
    // One built-in rule that finds nothing here keeps the built-in findings out of the way.
    let run =
        plimsoll_in(&root(), &["lint", "--policy", POLICIES, "--only", "images/latest-tag", "-f", "json", MANIFESTS]);
    assert_eq!(run.code, Some(1), "{}", run.transcript());
    let expected = vec![
        (
            "DemoRequiredLabels/web-deployments-need-owner",
            "error",
            "deployments.yaml",
            4,
            "Deployment shop-front/storefront",
        ),
        ("DemoRequiredLabels/shop-namespaces-need-team", "warning", "namespaces.yaml", 12, "Namespace /shop-legacy"),
        ("DemoServiceBackend/prod-services-have-backends", "info", "services.yaml", 14, "Service shop-front/checkout"),
    ];
    let expected: Vec<_> = expected
        .into_iter()
        .map(|(rule, severity, file, line, object)| {
            (rule.to_string(), severity.to_string(), format!("{MANIFESTS}/{file}"), line, object.to_string())
        })
        .collect();
    let report = run.json();
    assert_eq!(findings(&report), expected);
    let messages: Vec<&str> =
        report["findings"].as_array().unwrap().iter().map(|f| f["message"].as_str().unwrap()).collect();
    assert_eq!(
        messages,
        [
            "Deployment storefront has no owner label",
            "Namespace shop-legacy has no team label",
            "Service checkout selects no Deployment's pods"
        ]
    );
}

/// The Service's backend is in another file: linted alone, the inventory lacks it and the
/// referential constraint reports the Service that passes in the full run.
#[test]
fn the_inventory_is_every_object_of_the_run() {
    let services = format!("{MANIFESTS}/services.yaml");
    let args = ["lint", "--policy", POLICIES, "--only", "images/latest-tag", "-f", "json", "--fail-on", "never"];
    let alone = plimsoll_in(&root(), &[&args[..], &[MANIFESTS]].concat());
    let without_deployments =
        plimsoll_in(&root(), &[&args[..], &[&format!("{MANIFESTS}/namespaces.yaml"), &services]].concat());
    let reported = |run: &common::Run| -> BTreeSet<String> {
        findings(&run.json()).into_iter().filter(|f| f.0.starts_with("DemoServiceBackend/")).map(|f| f.4).collect()
    };
    assert_eq!(reported(&alone), BTreeSet::from(["Service shop-front/checkout".to_string()]));
    let expected =
        BTreeSet::from(["Service shop-front/checkout".to_string(), "Service shop-front/storefront".to_string()]);
    assert_eq!(reported(&without_deployments), expected);
}

#[test]
fn a_template_with_invalid_rego_stops_the_run() {
    let run = plimsoll_in(&root(), &["lint", "--policy", "testdata/gatekeeper/broken/invalid-rego", MANIFESTS]);
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    assert_eq!(run.stdout, "", "nothing is linted");
    let file = "testdata/gatekeeper/broken/invalid-rego/template.yaml";
    assert!(run.stderr.contains("ConstraintTemplate \"brokenrego\""), "{}", run.stderr);
    assert!(run.stderr.replace("\n  │ ", "").contains(&format!("{file}:7)")), "{}", run.stderr);
}

/// A constraint whose parameters its template's schema rejects (a string where a list is
/// declared) stops the run, as the API server would refuse it, located at the parameter.
#[test]
fn a_constraint_with_parameters_its_template_rejects_stops_the_run() {
    let run = plimsoll_in(&root(), &["lint", "--policy", "testdata/gatekeeper/broken/bad-parameters", MANIFESTS]);
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    assert_eq!(run.stdout, "", "nothing is linted");
    let stderr = run.stderr.replace("\n  │ ", " ").replace("/ bad", "/bad");
    assert!(stderr.contains("Constraint TeamLabels/every-pod-has-a-team"), "{}", run.stderr);
    assert!(stderr.contains("bad-parameters/constraint.yaml:13)"), "{}", run.stderr);
    assert!(stderr.contains("spec.parameters.labels: expected array, found string \"team\""), "{}", run.stderr);
}

#[test]
fn a_template_without_rego_is_reported_unsupported() {
    let run = plimsoll_in(&root(), &["lint", "--policy", "testdata/gatekeeper/broken/cel-only", MANIFESTS]);
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    assert!(run.stderr.contains("\"celonly\""), "{}", run.stderr);
    assert!(run.stderr.contains("unsupported"), "{}", run.stderr);
    assert!(run.stderr.contains("K8sNativeValidation"), "{}", run.stderr);
}

/// One line per case, a total, and exit 1 when any case fails.
#[test]
fn test_command_reports_each_case() {
    let run = plimsoll_in(&root(), &["test", "testdata/policies/gatekeeper", "testdata/gatekeeper/failing-suite"]);
    insta::assert_snapshot!("gatekeeper_suites", run.transcript());
    let passing = plimsoll_in(&root(), &["test", "testdata/policies/gatekeeper"]);
    assert_eq!(passing.code, Some(0), "{}", passing.transcript());
}

/// A known failure: `<suite under library/>: <test> / <case>`, with why.
fn known_failures() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(root().join("testdata/gatekeeper/known-failures.txt")).unwrap();
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (case, reason) = line.split_once(" | ").unwrap_or_else(|| panic!("no ` | reason` in {line:?}"));
            (case.trim().to_string(), reason.trim().to_string())
        })
        .collect()
}

/// `plimsoll test` over the gatekeeper-library suites (testdata/conformance/gatekeeper-library):
/// every case passes but the known failures (testdata/gatekeeper/known-failures.txt), and each of
/// those still fails.
#[test]
fn gatekeeper_library_suites() {
    if conformance_data("gatekeeper-library").is_none() {
        return;
    }
    let library = "testdata/conformance/gatekeeper-library/library";
    let run = plimsoll_in(&root(), &["test", library]);
    // `PASS  <test> / <case> (<suite>)` and `FAIL  <test> / <case> (<suite>): <why>`.
    let marker = format!(" ({library}/");
    let (mut passed, mut failed) = (0, BTreeSet::new());
    for line in run.stdout.lines() {
        if line.starts_with("PASS  ") {
            assert!(line.contains(&marker), "{line}");
            passed += 1;
        } else if let Some(rest) = line.strip_prefix("FAIL  ") {
            let at = rest.find(&marker).unwrap_or_else(|| panic!("no suite in {line:?}"));
            let after = &rest[at + marker.len()..];
            let suite = &after[..after.find(')').unwrap()];
            failed.insert((format!("{suite}: {}", &rest[..at]), line.to_string()));
        }
    }
    let total = passed + failed.len();
    record_score(&format!("gatekeeper-library: {passed}/{total}"));
    assert_eq!(total, 270, "every case of the corpus runs:\n{}", run.transcript());
    assert_eq!(run.code, Some(if failed.is_empty() { 0 } else { 1 }), "{}", run.transcript());
    let known = known_failures();
    let known_keys: BTreeSet<&str> = known.iter().map(|(case, _)| case.as_str()).collect();
    let new: Vec<&str> =
        failed.iter().filter(|(key, _)| !known_keys.contains(key.as_str())).map(|(_, line)| line.as_str()).collect();
    let failed_keys: BTreeSet<&str> = failed.iter().map(|(key, _)| key.as_str()).collect();
    let now_passing: Vec<&str> = known_keys.iter().filter(|key| !failed_keys.contains(*key)).copied().collect();
    assert!(new.is_empty(), "cases failing that are not known failures:\n{}", new.join("\n"));
    assert!(
        now_passing.is_empty(),
        "known failures that now pass (remove them from known-failures.txt):\n{}",
        now_passing.join("\n")
    );
}
