//! Settings that change which rules run: the image allow-list turns images/registry on, and its
//! entries are checked when the linter is built.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use plimsoll_core::{BuildError, Linter};
use serde_json::json;

/// A Pod from quay.io/example that passes the default rules as they are today (restricted Pod
/// Security Standards included). The tests compare runs with and without the allow-list, so a rule
/// added to the default catalog that reports this Pod does not change their verdict.
const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n  containers:\n    - name: a\n      image: quay.io/example/app:1.0\n      resources: {requests: {cpu: 1, memory: 1Gi}, limits: {memory: 1Gi}}\n      readinessProbe: {tcpSocket: {port: 80}}\n      livenessProbe: {tcpSocket: {port: 80}, failureThreshold: 6}\n      securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}\n";

/// The rules that report the Pod, sorted.
fn rules_reported(linter: &Linter) -> Vec<String> {
    let mut rules: Vec<String> = linter.lint_source("pod.yaml", POD).findings.iter().map(|f| f.rule.clone()).collect();
    rules.sort();
    rules
}

/// What the default linter reports for the Pod; never images/registry.
fn reported_by_default() -> Vec<String> {
    let linter = Linter::builder().build().expect("default linter");
    assert!(!linter.enabled_rules().contains(&"images/registry"));
    let reported = rules_reported(&linter);
    assert!(!reported.iter().any(|rule| rule == "images/registry"), "{reported:?}");
    reported
}

#[test]
fn an_allow_list_turns_the_registry_rule_on() {
    let by_default = reported_by_default();

    // An allow-list that does not cover quay.io adds exactly the registry finding.
    let linter = Linter::builder().allowed_registries(["ghcr.io/acme"]).build().expect("linter with an allow-list");
    assert!(linter.enabled_rules().contains(&"images/registry"));
    let mut expected = by_default.clone();
    expected.push("images/registry".to_string());
    expected.sort();
    assert_eq!(rules_reported(&linter), expected);

    let allowed = Linter::builder().allowed_registries(["quay.io"]).build().expect("linter with an allow-list");
    assert_eq!(rules_reported(&allowed), by_default);
}

#[test]
fn the_setting_can_be_given_as_configuration_too() {
    let linter = Linter::builder()
        .config("images", json!({"allowed_registries": ["quay.io/example"]}))
        .build()
        .expect("linter with an allow-list");
    assert!(linter.enabled_rules().contains(&"images/registry"));
    assert_eq!(rules_reported(&linter), reported_by_default());
}

#[test]
fn an_empty_allow_list_or_an_explicit_disable_leaves_the_rule_off() {
    let empty = Linter::builder().allowed_registries(Vec::<String>::new()).build().expect("linter");
    assert!(!empty.enabled_rules().contains(&"images/registry"));
    let disabled = Linter::builder().allowed_registries(["ghcr.io"]).disable("registry").build().expect("linter");
    assert!(!disabled.enabled_rules().contains(&"images/registry"));
}

#[test]
fn malformed_entries_are_build_errors() {
    for entry in ["", "nginx:1.27", "Acme/App", "bad host!"] {
        let error = Linter::builder().allowed_registries([entry]).build().err();
        assert!(
            matches!(error, Some(BuildError::Setting { ref key, .. }) if key == "images.allowed_registries"),
            "{entry:?}: {error:?}"
        );
    }
    let error = Linter::builder().config("images", json!({"allowed_registries": "ghcr.io"})).build().err();
    assert!(matches!(error, Some(BuildError::Setting { .. })), "{error:?}");
}

#[test]
fn every_built_in_rule_runs_compiled() {
    // A construct the RVM compiler cannot handle would silently fall back to the (several times
    // slower) interpreter: keep the whole catalog compilable.
    let all: Vec<String> = plimsoll_core::rules::builtin_rules().expect("catalog").into_iter().map(|r| r.id).collect();
    let linter = Linter::builder().only(all.clone()).allowed_registries(["ghcr.io"]).build().expect("linter");
    assert_eq!(linter.enabled_rules().len(), all.len());
    assert_eq!(linter.evaluation_mode(), "compiled");
    assert_eq!(Linter::builder().build().expect("default linter").evaluation_mode(), "compiled");
}
