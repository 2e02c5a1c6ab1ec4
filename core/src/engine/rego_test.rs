//! Rego unit tests, run the way `opa test` runs them: every rule named `test_*` (without
//! arguments) must evaluate to `true`; `with input as …` and `with data.… as …` overrides work
//! inside them.
//!
//! Data flow: the frontend hands in the modules it found (`(name, text)` pairs, tests and the
//! policies they test) and the data documents; [`run`] loads them into one interpreting engine
//! with what the linter gives policies (plimsoll's Rust functions, `data.plimsoll.kinds`, an empty
//! `data.plimsoll.config`, the built-in library), then evaluates each test on a fresh clone of it
//! and returns one [`TestCase`] per test, in file order. Tests of rules that read
//! `data.plimsoll.facts` provide the facts themselves with `with data.plimsoll.facts as …`.
//!
//! Other kinds of test files (Gatekeeper `suite.yaml`) have runners of their own; all of them
//! report [`TestCase`]s so that a frontend prints and counts them alike.

use crate::engine::user_policy::{add_module, PolicyError, PolicyModule, UserPolicies};
use crate::rules::{rego_package, BUILTIN_POLICY_FILES};
use regorus::unstable::{Rule, RuleHead};
use regorus::Value as RegoValue;
use std::collections::BTreeSet;

/// One test and how it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCase {
    /// The file that defines the test.
    pub file: String,
    /// The test's name: `data.<package>.<rule>` for a Rego test.
    pub name: String,
    pub outcome: TestOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestOutcome {
    Passed,
    /// Why the test failed: false, undefined, or an evaluation error.
    Failed(String),
}

impl TestCase {
    pub fn passed(&self) -> bool {
        self.outcome == TestOutcome::Passed
    }
}

/// Loads `modules` (every module must parse; v0 modules are recognised as the linter does) with
/// the data documents, and runs every `test_*` rule they define.
pub fn run(modules: &[PolicyModule], data: &[(String, serde_json::Value)]) -> Result<Vec<TestCase>, PolicyError> {
    let (engine, tests) = prepare(modules, data)?;
    Ok(tests.into_iter().map(|(file, name)| evaluate(&engine, file, name)).collect())
}

/// The engine and `(file, data.<package>.<test>)` for every test, in file and definition order.
fn prepare(
    modules: &[PolicyModule],
    data: &[(String, serde_json::Value)],
) -> Result<(regorus::Engine, Vec<(String, String)>), PolicyError> {
    let mut user = UserPolicies::default();
    for (name, document) in data {
        user.add_data(name, document.clone())?;
    }
    let mut engine = regorus::Engine::new();
    crate::engine::functions::register(&mut engine, None).map_err(|e| PolicyError::from_engine("functions", &e))?;
    let base = crate::engine::evaluate::base_data(&serde_json::Map::new(), &user.data);
    engine
        .add_data(crate::engine::convert::to_rego(&base))
        .map_err(|e| PolicyError::from_engine("data", &e.to_string()))?;
    let mut packages = BTreeSet::new();
    for module in modules {
        packages.insert(add_module(&mut engine, &module.name, &module.text)?.1);
    }
    add_builtin_modules(&mut engine, &packages)?;
    let tests = test_rules(&mut engine, modules.len());
    Ok((engine, tests))
}

/// The built-in library and rules, except packages the given modules define themselves (testing
/// a copy of `policies/` replaces the embedded one rather than clashing with it).
fn add_builtin_modules(engine: &mut regorus::Engine, given: &BTreeSet<String>) -> Result<(), PolicyError> {
    for (path, text) in BUILTIN_POLICY_FILES {
        let package = rego_package(text).unwrap_or_default();
        if given.contains(&package) {
            continue;
        }
        let name = format!("(built in) policies/{path}");
        engine
            .add_policy(name.clone(), text.to_string())
            .map_err(|e| PolicyError::from_engine(&name, &e.to_string()))?;
    }
    Ok(())
}

/// The `test_*` rules of the first `count` modules (the given ones), each named once.
fn test_rules(engine: &mut regorus::Engine, count: usize) -> Vec<(String, String)> {
    let mut seen = BTreeSet::new();
    let mut tests = Vec::new();
    for module in engine.get_modules().iter().take(count) {
        let file = module.package.span.source.file().to_string();
        let package = module.package.refr.span().text().to_string();
        for rule in &module.policy {
            let Rule::Spec { head: RuleHead::Compr { refr, .. }, .. } = rule.as_ref() else { continue };
            let rule_name = refr.span().text();
            if !rule_name.starts_with("test_") || rule_name.contains(['.', '[']) {
                continue;
            }
            let name = format!("data.{package}.{rule_name}");
            if seen.insert(name.clone()) {
                tests.push((file.clone(), name));
            }
        }
    }
    tests
}

fn evaluate(engine: &regorus::Engine, file: String, name: String) -> TestCase {
    let mut engine = engine.clone();
    let outcome = match engine.eval_rule(name.clone()) {
        Ok(RegoValue::Bool(true)) => TestOutcome::Passed,
        Ok(RegoValue::Undefined) => TestOutcome::Failed("undefined: a condition did not hold".into()),
        Ok(other) => TestOutcome::Failed(format!("evaluated to {other}, not true")),
        Err(error) => TestOutcome::Failed(PolicyError::from_engine(&file, &error.to_string()).to_string()),
    };
    TestCase { file, name, outcome }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(name: &str, text: &str) -> PolicyModule {
        PolicyModule { name: name.into(), text: text.into() }
    }

    #[test]
    fn tests_pass_fail_and_see_with_overrides_and_data() {
        let policy = module("p.rego", "package main\ndeny contains \"no\" if input.kind == data.banned\n");
        let tests = module(
            "p_test.rego",
            "package main\ntest_banned if { deny[\"no\"] with input as {\"kind\": \"Pod\"} }\ntest_allowed if { count(deny) == 0 with input as {\"kind\": \"Pod\"} }\ntest_error if { 1 / 0 }\n",
        );
        let data = vec![("d.yaml".to_string(), serde_json::json!({"banned": "Pod"}))];
        let results = run(&[policy, tests], &data).unwrap_or_default();
        let summary: Vec<(&str, bool)> = results.iter().map(|t| (t.name.as_str(), t.passed())).collect();
        assert_eq!(
            summary,
            vec![("data.main.test_banned", true), ("data.main.test_allowed", false), ("data.main.test_error", false)]
        );
    }
}
