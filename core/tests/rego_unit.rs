//! Runs the Rego unit tests of the built-in policies: every `test_*` rule of every
//! `policies/**/*_test.rego` file must evaluate to `true`.
//!
//! The tests run in the interpreter, with the library, every rule and the Rust functions
//! (`plimsoll.quantity.parse`, …) loaded as the linter loads them, and `data.plimsoll.kinds`
//! set. A test provides its object with `with input as …` and, for rules that read parsed values,
//! the facts core would compute with `with data.plimsoll.facts as …` (built from the same
//! functions). All failures are reported together, one line each.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use plimsoll_core::rules::{policy_file_kind, rego_package, PolicyFileKind, BUILTIN_POLICY_FILES};

fn engine() -> regorus::Engine {
    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(false);
    if let Err(error) = plimsoll_core::functions::register(&mut engine) {
        panic!("registering the functions: {error}");
    }
    let kinds = serde_json::json!({"plimsoll": {
        "kinds": {"pod_spec_paths": plimsoll_core::kinds::pod_spec_paths_json()},
        "config": {},
    }});
    engine.add_data(regorus::Value::from(kinds)).expect("base data");
    for (path, source) in BUILTIN_POLICY_FILES {
        engine.add_policy(format!("policies/{path}"), source.to_string()).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    engine
}

/// The `test_*` rule names a test module defines, in order, once each.
fn test_names(source: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in source.lines() {
        let name: String = line.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if name.starts_with("test_") && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

#[test]
fn rego_unit_tests_pass() {
    let engine = engine();
    let mut failures = Vec::new();
    let mut count = 0;
    for (path, source) in BUILTIN_POLICY_FILES.iter().filter(|(p, _)| policy_file_kind(p) == PolicyFileKind::Test) {
        let package = rego_package(source).unwrap_or_else(|| panic!("{path}: no package"));
        let names = test_names(source);
        assert!(!names.is_empty(), "{path}: a test file without test_ rules");
        for name in names {
            count += 1;
            let mut engine = engine.clone();
            match engine.eval_rule(format!("data.{package}.{name}")) {
                Ok(regorus::Value::Bool(true)) => {}
                Ok(other) => failures.push(format!("{path}: {name} is {other}")),
                Err(error) => failures.push(format!("{path}: {name} failed: {error}")),
            }
        }
    }
    eprintln!("rego unit tests: {count} run, {} failed", failures.len());
    assert!(count > 0, "no Rego unit tests found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
