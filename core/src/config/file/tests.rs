//! Reading and applying configuration files: every key, and the errors for mistakes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::linter::{Linter, LinterBuilder};
use serde_json::json;

/// The linter builder the file's settings configure.
fn builder(config: &Config) -> Result<LinterBuilder, ConfigErrors> {
    Ok(config.settings()?.builder().unwrap())
}

fn parse(text: &str) -> Config {
    Config::parse(".plimsoll.yaml", text).unwrap_or_else(|e| panic!("{e}"))
}

/// The errors' messages as `line:column: message`.
fn errors(text: &str) -> Vec<String> {
    match Config::parse(".plimsoll.yaml", text) {
        Ok(config) => match config.settings() {
            Ok(_) => Vec::new(),
            Err(errors) => errors.0.iter().map(|e| format!("{}:{}: {}", e.line, e.column, e.message)).collect(),
        },
        Err(errors) => errors.0.iter().map(|e| format!("{}:{}: {}", e.line, e.column, e.message)).collect(),
    }
}

const FULL: &str = "\
rules:
  profile: all
  disable: [probes, resources/memory-limits]
  severity:
    images/latest-tag: error
fail_on: warning
pss: {level: baseline, version: v1.30}
images:
  allowed_registries: [registry.example.com, ghcr.io/example]
settings:
  custom: {threshold: 3}
exemptions:
  - rules: [privileged]
    namespaces: [kube-system]
    kinds: [DaemonSet]
    names: [\"node-*\"]
    containers: [agent]
    reason: the node agent manages host networking
ignore_paths: [vendor/, \"*.generated.yaml\"]
inline_ignores: false
";

#[test]
fn every_key_is_read() {
    let config = parse(FULL);
    assert_eq!(config.rules.profile.as_ref().map(|p| p.value.as_str()), Some("all"));
    assert_eq!(config.rules.disable.len(), 2);
    assert_eq!(config.rules.severity[0].1, Severity::Error);
    assert_eq!(config.fail_on(), Some(FailOn::Warning));
    assert_eq!(config.pss, Some(json!({"level": "baseline", "version": {"major": 1, "minor": 30}})));
    assert_eq!(config.images, Some(json!({"allowed_registries": ["registry.example.com", "ghcr.io/example"]})));
    assert_eq!(config.settings.get("custom"), Some(&json!({"threshold": 3})));
    assert_eq!(config.exemptions[0].names, ["node-*"]);
    assert_eq!(config.exemptions[0].reason.as_deref(), Some("the node agent manages host networking"));
    assert_eq!(config.inline_ignores, Some(false));
    assert!(config.ignores_path("vendor/chart/a.yaml"));
    assert!(config.ignores_path("deploy/app.generated.yaml"));
    assert!(!config.ignores_path("deploy/app.yaml"));
}

#[test]
fn applying_selects_rules_by_profile_category_and_id() {
    let linter = builder(&parse(FULL)).unwrap().build().unwrap();
    let enabled = linter.enabled_rules();
    assert!(enabled.contains(&"security-context/privileged"), "{enabled:?}");
    assert!(enabled.contains(&"images/latest-tag"), "{enabled:?}");
    assert!(!enabled.iter().any(|id| id.starts_with("probes/")), "{enabled:?}");
    assert!(!enabled.contains(&"resources/memory-limits"), "{enabled:?}");

    let only = builder(&parse("rules:\n  only: [images]\n  enable: [privileged]\n")).unwrap();
    let only = only.build().unwrap();
    let mut expected: Vec<&str> =
        only.catalog().iter().filter(|r| r.id.starts_with("images/")).map(|r| r.id.as_str()).collect();
    expected.push("security-context/privileged");
    expected.sort_unstable();
    assert_eq!(only.enabled_rules(), expected);
}

#[test]
fn command_line_options_applied_later_win() {
    let builder = builder(&parse("rules:\n  only: [privileged]\n")).unwrap();
    let linter = builder.only(["latest-tag"]).build().unwrap();
    assert_eq!(linter.enabled_rules(), ["images/latest-tag"]);
}

#[test]
fn an_empty_file_changes_nothing() {
    for text in ["", "# only a comment\n", "---\n"] {
        let config = parse(text);
        assert_eq!(config.rules, RuleConfig::default());
        let defaults = Linter::builder().build().unwrap();
        let configured = builder(&config).unwrap().build().unwrap();
        assert_eq!(configured.enabled_rules(), defaults.enabled_rules());
    }
}

#[test]
fn unknown_keys_name_their_line_and_a_likely_spelling() {
    assert_eq!(
        errors("fail_on: error\nrulse:\n  enable: [x]\n"),
        ["2:1: unknown key \"rulse\" (did you mean \"rules\"?)"]
    );
    assert_eq!(
        errors("rules:\n  enabel: [privileged]\n"),
        ["2:3: unknown key \"enabel\" in rules (did you mean \"enable\"?)"]
    );
    assert_eq!(errors("fail-on: warning\n"), ["1:1: unknown key \"fail-on\" (did you mean \"fail_on\"?)"]);
    assert_eq!(
        errors("exemptions:\n  - kinds: [Pod]\n    namespace: [a]\n"),
        ["3:5: unknown key \"namespace\" in exemptions[] (did you mean \"namespaces\"?)"]
    );
    // Nothing close: no guess.
    assert_eq!(errors("colour: red\n"), ["1:1: unknown key \"colour\""]);
    let error = Config::parse("x.yaml", "rulse: {}\n").unwrap_err();
    assert_eq!(error.0[0].to_string(), "x.yaml:1:1: unknown key \"rulse\" (did you mean \"rules\"?)");
    assert!(error.0[0].help.as_deref().is_some_and(|h| h.contains("rules, fail_on")), "{:?}", error.0[0].help);
}

#[test]
fn bad_values_name_their_key_and_line() {
    assert_eq!(
        errors("fail_on: eror\n"),
        ["1:10: fail_on: \"eror\" is not one of error, warning, info, never (did you mean \"error\"?)"]
    );
    assert_eq!(
        errors("inline_ignores: sometimes\n"),
        ["1:17: inline_ignores must be true or false, not the string \"sometimes\""]
    );
    assert_eq!(errors("ignore_paths: vendor\n"), ["1:15: ignore_paths must be a list of strings, e.g. [a, b]"]);
    assert_eq!(errors("rules: [privileged]\n"), ["1:8: rules must be a mapping of keys to values"]);
    assert_eq!(
        errors("rules:\n  severity:\n    privileged: fatal\n"),
        ["3:17: rules.severity.privileged: \"fatal\" is not one of error, warning, info"]
    );
    assert_eq!(
        errors("pss:\n  level: restrcted\n"),
        ["2:10: pss.level: \"restrcted\" is not one of baseline, restricted (did you mean \"restricted\"?)"]
    );
    assert_eq!(
        errors("pss:\n  version: 1.30\n"),
        ["2:12: pss.version must be a string such as v1.30 or latest, not the number 1.3"]
    );
    assert_eq!(
        errors("pss:\n  version: v2\n"),
        ["2:12: pss.version: unknown Pod Security Standards version \"v2\" (expected v1.0 … v1.37 or latest)"]
    );
    assert_eq!(
        errors("rules:\n  profile: strict\n"),
        ["2:12: rules.profile: \"strict\" is not one of default, all, supply-chain, availability, hardening"]
    );
    assert_eq!(errors("[1, 2]\n"), ["1:1: the configuration must be a mapping of keys to values"]);
}

#[test]
fn unknown_rules_are_found_when_applying() {
    assert_eq!(
        errors("rules:\n  disable:\n    - probes\n    - privilegd\n"),
        ["4:7: unknown rule \"privilegd\" (did you mean \"privileged\"?)"]
    );
    assert_eq!(
        errors("rules:\n  severity:\n    image/latest-tag: error\n"),
        ["3:5: unknown rule \"image/latest-tag\" (did you mean \"images/latest-tag\"?)"]
    );
    assert_eq!(errors("exemptions:\n  - rules: [nope]\n    kinds: [Pod]\n"), ["2:13: unknown rule \"nope\""]);
}

#[test]
fn conflicting_or_unsupported_settings_are_errors() {
    assert_eq!(
        errors("rules:\n  profile: all\n  only: [privileged]\n"),
        ["2:12: rules.profile and rules.only both choose the starting set of rules; keep one"]
    );
    assert_eq!(
        errors("kube_version: 1.30\n"),
        ["1:15: kube_version must be a string such as \"1.30\", not the number 1.3"]
    );
    assert!(
        errors("kube_version: \"2.0\"\n")[0].starts_with("1:15: kube_version: "),
        "{:?}",
        errors("kube_version: \"2.0\"\n")
    );
    assert_eq!(
        errors("settings:\n  pss: {level: baseline}\n"),
        ["2:3: settings.pss: set this with the top-level `pss` key, which is checked"]
    );
    assert_eq!(
        errors("exemptions:\n  - rules: [privileged]\n    reason: everywhere\n"),
        ["2:5: exemptions[0] matches no objects: give namespaces, kinds, names or containers"]
    );
}

#[test]
fn yaml_problems_are_errors_too() {
    assert_eq!(errors("rules: {}\nrules: {}\n"), ["2:1: key \"rules\" is set twice (first on line 1)"]);
    let syntax = errors("rules:\n  enable: [a\n");
    assert_eq!(syntax.len(), 1);
    assert!(syntax[0].contains("not valid YAML"), "{syntax:?}");
}

#[test]
fn every_error_is_reported_in_file_order() {
    let found = errors("rulse: {}\nfail_on: sometimes\ninline_ignores: 3\n");
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(
        found[0].starts_with("1:1:") && found[1].starts_with("2:10:") && found[2].starts_with("3:17:"),
        "{found:?}"
    );
}

#[test]
fn suggestions_need_to_be_close() {
    assert_eq!(suggest("rulse", ["rules", "images"]), Some("rules"));
    assert_eq!(suggest("x", ["rules"]), None);
    assert_eq!(suggest("IMAGES", ["images"]), Some("images"));
}

#[test]
fn known_keys_are_dotted_paths() {
    let keys = known_keys();
    assert!(keys.contains(&"rules.enable".to_string()));
    assert!(keys.contains(&"exemptions[].containers".to_string()));
    assert!(keys.contains(&"fail_on".to_string()));
}

#[test]
fn kube_version_and_paths_are_read() {
    let config = Config::parse(
        FILE_NAME,
        "kube_version: \"1.29\"\npolicies: [policy/]\ndata: [policy/data.yaml]\ncrds: [crds/]\n",
    )
    .unwrap();
    assert_eq!(config.kube_version, Some("1.29".parse().unwrap()));
    let values = |list: &[Spanned<String>]| list.iter().map(|s| s.value.clone()).collect::<Vec<_>>();
    assert_eq!(
        (values(&config.policies), values(&config.data), values(&config.crds)),
        (vec!["policy/".to_string()], vec!["policy/data.yaml".to_string()], vec!["crds/".to_string()])
    );
}

#[test]
fn rule_parameters_are_checked_at_their_line() {
    let text = "\
settings:
  metadata/required-labels:
    labels:
      - key: team
        value: \"^[a-z-+$\"
      - {kee: tier}
    kind: [Deployment]
  required-annotations: {annotations: [{key: owner}]}
  metadata/required-label: {}
  my-policy: {anything: 1}
  acme/thing: {x: 1}
";
    assert_eq!(
        errors(text),
        [
            "5:16: settings.metadata/required-labels.labels[0].value: \"^[a-z-+$\" is not a valid regular expression: unclosed character class",
            "6:9: settings.metadata/required-labels.labels[1]: key is required here",
            "6:10: settings.metadata/required-labels.labels[1].kee: metadata/required-labels has no field \"kee\"; did you mean \"key\"?",
            "7:5: settings.metadata/required-labels.kind: metadata/required-labels has no parameter \"kind\"; did you mean \"kinds\"?",
            "8:3: settings.required-annotations: a rule's settings are keyed by its ID: write metadata/required-annotations",
            "9:3: settings.metadata/required-label: no built-in rule has this ID (did you mean \"metadata/required-labels\"?)",
        ]
    );
}

#[test]
fn rule_parameters_turn_their_rule_on_and_reach_it() {
    let config = parse("settings:\n  metadata/required-labels: {labels: [{key: team}]}\n");
    let linter: Linter = builder(&config).unwrap().build().unwrap();
    let found = linter.lint_source("web.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n");
    let rules: Vec<&str> = found.findings.iter().map(|f| f.rule.as_str()).collect();
    assert!(rules.contains(&"metadata/required-labels"), "{rules:?}");
    // Without the setting the rule stays off.
    let linter: Linter = builder(&parse("fail_on: error\n")).unwrap().build().unwrap();
    let found = linter.lint_source("web.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n");
    assert!(found.findings.iter().all(|f| f.rule != "metadata/required-labels"));
}

#[test]
fn the_builder_checks_parameters_from_any_frontend() {
    let error = LinterBuilder::default()
        .config("metadata/required-labels", json!({"labels": [{"key": 3}]}))
        .build()
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        error.as_deref(),
        Some("setting settings.metadata/required-labels.labels[0].key: expected a string, found 3")
    );
}
