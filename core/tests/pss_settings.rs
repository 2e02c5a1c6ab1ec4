//! The Pod Security Standards settings seen from the linter's API: defaults, level selection,
//! version selection, and compilation of the whole rule set to one RVM program.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use plimsoll_core::{Linter, LinterBuilder, PssLevel, PssSettings, PssVersion};

/// A pod that breaks restricted checks only, with a sysctl that is safe from v1.37 on.
const POD: &str = r#"
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  securityContext:
    sysctls:
      - name: net.ipv4.tcp_notsent_lowat
        value: "16384"
  containers:
    - name: app
      image: registry.example.com/app:1.0
"#;

/// The security-context rules' findings for `POD`, as `rule: message`, sorted.
fn findings(builder: LinterBuilder) -> Vec<String> {
    let linter = builder.build().expect("the linter builds");
    let mut found: Vec<String> = linter
        .lint_source("pod.yaml", POD)
        .findings
        .into_iter()
        .filter(|f| f.rule.starts_with("security-context/"))
        .map(|f| format!("{}: {}", f.rule, f.message))
        .collect();
    found.sort();
    found
}

#[test]
fn every_rule_compiles_into_one_program() {
    let linter = Linter::builder().build().expect("the linter builds");
    assert_eq!(linter.evaluation_mode(), "compiled", "fell back to the interpreter: {:?}", linter.fallback_reason());
    let baseline = Linter::builder().pss_level(PssLevel::Baseline).pss_version(PssVersion::v1(0).unwrap()).build();
    assert_eq!(baseline.expect("the linter builds").evaluation_mode(), "compiled");
}

#[test]
fn the_policies_default_to_the_builders_default() {
    assert_eq!(findings(Linter::builder()), findings(Linter::builder().pss(PssSettings::default())));
    assert_eq!(PssSettings::default(), PssSettings { level: PssLevel::Restricted, version: PssVersion::LATEST });
}

#[test]
fn baseline_runs_only_baseline_rules() {
    let restricted = findings(Linter::builder());
    assert!(restricted.iter().any(|f| f.starts_with("security-context/run-as-non-root")), "{restricted:?}");
    let baseline = findings(Linter::builder().pss_level(PssLevel::Baseline));
    // read-only-root-filesystem is not a Pod Security Standards check: it runs at every level.
    assert_eq!(
        baseline,
        ["security-context/read-only-root-filesystem: container \"app\" does not set readOnlyRootFilesystem to true"]
    );
}

#[test]
fn the_version_selects_the_variant() {
    let at =
        |minor| findings(Linter::builder().pss_level(PssLevel::Baseline).pss_version(PssVersion::v1(minor).unwrap()));
    let sysctl = |found: &[String]| found.iter().any(|f| f.contains("net.ipv4.tcp_notsent_lowat"));
    assert!(sysctl(&at(36)), "{:?}", at(36));
    assert!(!sysctl(&at(37)), "{:?}", at(37));
}
