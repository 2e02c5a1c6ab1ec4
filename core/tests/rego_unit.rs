//! Rego unit tests of the built-in policies, through the runner `plimsoll test` uses
//! ([`plimsoll_core::engine::rego_test`]).
//!
//! Every `*_test.rego` file under `policies/` holds OPA-style tests: rules named `test_*` that
//! must evaluate to `true` (typically with `with input as …` and
//! `with data.plimsoll.config.pss as …`). The embedded modules (rules, library and tests) are
//! handed to the runner as a user's files would be; it adds the data and Rust functions the linter
//! gives policies. Rules that read parsed values get the facts core would compute through
//! `with data.plimsoll.facts as …`. The test fails naming every test that is false, undefined or
//! in error, and records the score.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::record_score;
use plimsoll_core::engine::user_policy::PolicyModule;
use plimsoll_core::rules::{BUILTIN_POLICY_FILES, BUILTIN_POLICY_TESTS};

#[test]
fn every_rego_test_passes() {
    let modules: Vec<PolicyModule> = BUILTIN_POLICY_FILES
        .iter()
        .chain(BUILTIN_POLICY_TESTS)
        .map(|(path, text)| PolicyModule { name: format!("policies/{path}"), text: text.to_string() })
        .collect();
    let cases =
        plimsoll_core::engine::rego_test::run(&modules, &[]).unwrap_or_else(|e| panic!("loading the policies: {e}"));
    assert!(cases.len() > 90, "only {} test_* rules found in policies/**/*_test.rego", cases.len());
    let failures: Vec<String> =
        cases.iter().filter(|c| !c.passed()).map(|c| format!("{} ({}): {:?}", c.name, c.file, c.outcome)).collect();
    record_score(&format!("rego tests: {}/{} passed", cases.len() - failures.len(), cases.len()));
    assert!(failures.is_empty(), "{} Rego tests failed:\n  {}", failures.len(), failures.join("\n  "));
}
