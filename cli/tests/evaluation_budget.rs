//! The evaluation budget, end to end: users' policies that loop or build values without end are
//! stopped on each object within the budget (`--evaluation-budget-ms`, `evaluation_budget_ms` in
//! `.plimsoll.yaml`), and the object gets a `plimsoll/evaluation` error instead of a hang. The
//! policies are in `testdata/policies/budget/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{plimsoll_in, root, Run};
use serde_json::Value;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn dir() -> PathBuf {
    root().join("testdata/policies/budget")
}

/// Runs `plimsoll lint --no-config --no-builtin -f json <args>` in the budget test data, timed.
fn lint(args: &[&str]) -> (Run, Duration) {
    let mut all = vec!["lint", "--no-builtin", "-f", "json"];
    if !args.contains(&"--config") {
        all.push("--no-config");
    }
    all.extend_from_slice(args);
    let started = Instant::now();
    let run = plimsoll_in(&dir(), &all);
    (run, started.elapsed())
}

fn findings(run: &Run) -> Vec<Value> {
    run.json()["findings"].as_array().cloned().unwrap_or_default()
}

/// A generous ceiling for a run whose budget is a fraction of a second: the machine may be busy.
const CEILING: Duration = Duration::from_secs(60);

#[test]
fn a_looping_conftest_policy_is_stopped_within_the_budget_the_flag_sets() {
    let (run, took) = lint(&["--policy", "loop.rego", "--evaluation-budget-ms", "300", "pod.yaml"]);
    assert_eq!(run.code, Some(1), "{}", run.transcript());
    assert!(took < CEILING, "took {took:?}");
    let findings = findings(&run);
    assert_eq!(findings.len(), 1, "{}", run.transcript());
    let finding = &findings[0];
    assert_eq!(finding["rule"], "plimsoll/evaluation");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["object"]["name"], "web");
    let message = finding["message"].as_str().unwrap();
    assert!(message.contains("evaluation budget exceeded"), "{message}");
}

#[test]
fn the_configuration_file_sets_the_budget_and_the_flag_overrides_it() {
    let config = tempfile::tempdir().unwrap();
    let file = config.path().join(".plimsoll.yaml");
    std::fs::write(&file, "evaluation_budget_ms: 250\n").unwrap();
    let file = file.to_str().unwrap();
    let (run, took) = lint(&["--config", file, "--policy", "loop.rego", "pod.yaml"]);
    assert!(took < CEILING, "took {took:?}");
    let message = findings(&run)[0]["message"].as_str().unwrap_or_default().to_string();
    assert!(message.contains("evaluation budget exceeded"), "{}", run.transcript());

    // The budget stops only what runs away: a quick policy reports as usual under a small one.
    let (run, _) = lint(&["--config", file, "--evaluation-budget-ms", "50", "--policy", "quick.rego", "pod.yaml"]);
    let findings = findings(&run);
    assert_eq!(findings.len(), 1, "{}", run.transcript());
    assert_eq!(findings[0]["message"], "pod web");
}

#[test]
fn a_budget_that_is_not_a_positive_whole_number_is_refused_where_it_is_written() {
    let config = tempfile::tempdir().unwrap();
    let file = config.path().join(".plimsoll.yaml");
    std::fs::write(&file, "evaluation_budget_ms: 0\n").unwrap();
    let (run, _) = lint(&["--config", file.to_str().unwrap(), "--policy", "quick.rego", "pod.yaml"]);
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    let stderr = run.stderr.split_whitespace().filter(|w| *w != "│").collect::<Vec<_>>().join(" ");
    assert!(
        stderr.contains(".plimsoll.yaml:1:23: evaluation_budget_ms must be a whole number"),
        "{}",
        run.transcript()
    );
    assert!(stderr.contains("not the number 0"), "{}", run.transcript());
    let (run, _) = lint(&["--evaluation-budget-ms", "0", "--policy", "quick.rego", "pod.yaml"]);
    assert_eq!(run.code, Some(2), "{}", run.transcript());
}

#[test]
fn a_looping_gatekeeper_template_is_stopped_within_the_budget() {
    let (run, took) = lint(&["--policy", "template.yaml", "--evaluation-budget-ms", "300", "pod.yaml"]);
    assert_eq!(run.code, Some(1), "{}", run.transcript());
    assert!(took < CEILING, "took {took:?}");
    let findings = findings(&run);
    assert_eq!(findings.len(), 1, "{}", run.transcript());
    assert_eq!(findings[0]["rule"], "K8sSpin/spin");
    let message = findings[0]["message"].as_str().unwrap();
    assert!(message.contains("evaluation budget exceeded"), "{message}");
}
