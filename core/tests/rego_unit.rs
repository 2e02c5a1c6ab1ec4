//! Rego unit tests of the built-in policies.
//!
//! Every `*_test.rego` file under `policies/` holds OPA-style tests: rules named `test_*` that
//! must evaluate to `true` (typically with `with input as …` and
//! `with data.plimsoll.config.pss as …`). This test loads every built-in module (rules, library
//! and tests) into one interpreting regorus engine, with the data the linter provides
//! (`data.plimsoll.kinds`, an empty `data.plimsoll.config`) and the Rust functions
//! (`plimsoll.quantity.parse`, …), evaluates each test rule on a fresh clone of it and fails naming
//! every test that is false, undefined or in error. Rules that read parsed values get the facts
//! core would compute through `with data.plimsoll.facts as …`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::record_score;
use plimsoll_core::rules::{policy_file_kind, rego_package, PolicyFileKind, BUILTIN_POLICY_FILES};
use regorus::{Engine, Value};

/// The engine with every built-in module and the linter's base data.
fn engine() -> Engine {
    let mut engine = Engine::new();
    engine.set_rego_v0(false);
    if let Err(error) = plimsoll_core::functions::register(&mut engine, None) {
        panic!("registering the functions: {error}");
    }
    let data = serde_json::json!({"plimsoll": {
        "kinds": {"pod_spec_paths": plimsoll_core::kinds::pod_spec_paths_json()},
        "config": {},
    }});
    engine.add_data(Value::from(data)).expect("base data");
    for (path, source) in BUILTIN_POLICY_FILES {
        engine.add_policy(format!("policies/{path}"), source.to_string()).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    engine
}

/// `(file, data.<package>.<rule>)` for every `test_*` rule, in file order.
fn test_rules() -> Vec<(&'static str, String)> {
    let mut tests = Vec::new();
    for (path, source) in BUILTIN_POLICY_FILES {
        if policy_file_kind(path) != PolicyFileKind::Test {
            continue;
        }
        let package = rego_package(source).unwrap_or_else(|| panic!("{path}: no package"));
        let mut names: Vec<&str> = source
            .lines()
            .filter(|line| line.starts_with("test_"))
            .map(|line| line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next().unwrap_or(""))
            .collect();
        names.dedup();
        tests.extend(names.into_iter().map(|name| (*path, format!("data.{package}.{name}"))));
    }
    tests
}

#[test]
fn every_rego_test_passes() {
    let engine = engine();
    let tests = test_rules();
    assert!(!tests.is_empty(), "no test_* rules found in policies/**/*_test.rego");
    let mut failures = Vec::new();
    for (file, rule) in &tests {
        let mut engine = engine.clone();
        match engine.eval_rule(rule.clone()) {
            Ok(Value::Bool(true)) => {}
            Ok(Value::Undefined) => failures.push(format!("{rule} ({file}): undefined (a condition failed)")),
            Ok(other) => failures.push(format!("{rule} ({file}): {other}")),
            Err(error) => failures.push(format!("{rule} ({file}): error: {error}")),
        }
    }
    record_score(&format!("rego tests: {}/{} passed", tests.len() - failures.len(), tests.len()));
    assert!(failures.is_empty(), "{} Rego tests failed:\n  {}", failures.len(), failures.join("\n  "));
}
