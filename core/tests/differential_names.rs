//! The names `schema/rejected-value` judges, against Kubernetes' own checks: apimachinery's
//! `IsValidPortName` (container port names), `IsQualifiedName` (label keys) and
//! `IsValidLabelValue` (the oracle `testdata/oracles/names`, built by `scripts/build-oracles.sh`).
//!
//! The oracle generates `PLIMSOLL_NAMES_CASES` strings (20,000 by default) from
//! `PLIMSOLL_NAMES_SEED` (1), most of them near misses: the allowed characters with a few others,
//! the length limits, prefixes with and without dots, hyphens at the edges or doubled. Each string
//! becomes a Pod that uses it as a container port name, a label key and a label value; the rule
//! must report exactly the uses the oracle rejects (an empty port name means no name, as in the
//! API, so it is not compared). Prints and records `names differential: …`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod oracles;

use common::record_score;
use plimsoll_core::Linter;
use serde_json::Value;
use std::collections::BTreeSet;

/// The label that carries the string as its value; the generated strings never equal it.
const VALUE_LABEL: &str = "plimsoll-probe-value";

#[test]
fn generated_names() {
    let Some(oracle) = oracles::oracle("names") else { return };
    let count = oracles::env_number("PLIMSOLL_NAMES_CASES", 20_000);
    let seed = oracles::env_number("PLIMSOLL_NAMES_SEED", 1);
    let output = oracles::run(&oracle, &["-seed".into(), seed.to_string(), "-count".into(), count.to_string()], vec![]);
    let cases: Vec<Value> = output.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(cases.len() as u64, count, "the oracle judged every string");

    let mut source = String::new();
    for (i, case) in cases.iter().enumerate() {
        let text = case["text"].as_str().unwrap();
        assert_ne!(text, VALUE_LABEL);
        let quoted = serde_json::to_string(text).unwrap();
        source.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\n  labels:\n    {quoted}: ok\n    {VALUE_LABEL}: {quoted}\n\
spec:\n  containers:\n    - name: c\n      image: registry.example.com/c:1.0.0\n      ports:\n        - name: {quoted}\n          containerPort: 80\n"
        ));
    }
    let linter = Linter::builder().only(["schema/rejected-value"]).build().unwrap();
    let report = linter.lint_source("names.yaml", &source);
    assert!(report.errors.is_empty(), "{:?}", report.errors.first());

    // (case, what) the rule rejects.
    let mut rejected = BTreeSet::new();
    for finding in &report.findings {
        let name = finding.object.as_ref().and_then(|o| o.name.clone()).unwrap_or_default();
        let index: usize = name.trim_start_matches('p').parse().unwrap_or_else(|_| panic!("{finding:?}"));
        let what = if finding.message.starts_with("port name ") {
            "port_name"
        } else if finding.message.starts_with("label key ") {
            "label_key"
        } else if finding.message.starts_with(&format!("label {VALUE_LABEL:?} has the value")) {
            "label_value"
        } else {
            panic!("unexpected finding: {}", finding.message)
        };
        rejected.insert((index, what));
    }

    let mut compared = 0;
    let mut disagreements = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let text = case["text"].as_str().unwrap();
        for what in ["port_name", "label_key", "label_value"] {
            if what == "port_name" && text.is_empty() {
                continue;
            }
            compared += 1;
            let valid = case[what].as_bool().unwrap();
            if valid == rejected.contains(&(i, what)) {
                disagreements.push(format!("{what} {text:?}: Kubernetes valid={valid}"));
            }
        }
    }
    let line = format!("names differential: {}/{compared} judgements agree", compared - disagreements.len());
    println!("{line}");
    record_score(&line);
    assert!(
        disagreements.is_empty(),
        "{} disagreements, first: {:?}",
        disagreements.len(),
        &disagreements[..disagreements.len().min(10)]
    );
}
