//! Quantities against Kubernetes' own parser: `resource.ParseQuantity` and `Quantity.Cmp` of
//! k8s.io/apimachinery (the oracle `testdata/oracles/quantity`, built by
//! `scripts/build-oracles.sh`) against [`Quantity::parse`] and [`Quantity`]'s ordering.
//!
//! The oracle generates `PLIMSOLL_QUANTITY_CASES` strings (100,000 by default) from
//! `PLIMSOLL_QUANTITY_SEED` (1): signs, digits on either side of the point, every suffix kind,
//! exponents from tiny to huge, white space and noise. Each must be valid for both or for neither,
//! and the valid ones must be ordered identically: the oracle gives each its rank among the
//! distinct values, and every two neighbours in that order must compare the same here (equal, or
//! less), which makes the two orders of all pairs identical. Prints and records
//! `quantity differential: …`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod oracles;

use common::record_score;
use plimsoll_core::k8s::quantity::Quantity;
use serde_json::Value;

struct Case {
    text: String,
    valid: bool,
    rank: i64,
    ours: Option<Quantity>,
}

#[test]
fn generated_quantities() {
    let Some(oracle) = oracles::oracle("quantity") else { return };
    let count = oracles::env_number("PLIMSOLL_QUANTITY_CASES", 100_000);
    let seed = oracles::env_number("PLIMSOLL_QUANTITY_SEED", 1);
    let output = oracles::run(&oracle, &["-seed".into(), seed.to_string(), "-count".into(), count.to_string()], vec![]);
    let cases: Vec<Case> = output
        .lines()
        .map(|line| {
            let record: Value = serde_json::from_str(line).unwrap();
            let text = record["text"].as_str().unwrap().to_string();
            Case {
                ours: Quantity::parse(&text).ok(),
                valid: record["valid"].as_bool().unwrap(),
                rank: record["rank"].as_i64().unwrap(),
                text,
            }
        })
        .collect();
    assert_eq!(cases.len() as u64, count, "the oracle gave fewer strings than asked");

    let mut disagreements = Vec::new();
    for case in &cases {
        if case.valid != case.ours.is_some() {
            let verdict = |valid: bool| if valid { "valid" } else { "invalid" };
            disagreements.push(format!(
                "{:?}: Kubernetes says {}, plimsoll {}",
                case.text,
                verdict(case.valid),
                verdict(case.ours.is_some())
            ));
        }
    }
    let mut ordered: Vec<&Case> = cases.iter().filter(|case| case.valid && case.ours.is_some()).collect();
    ordered.sort_by_key(|case| case.rank);
    for pair in ordered.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let expected = a.rank.cmp(&b.rank);
        let got = a.ours.as_ref().unwrap().cmp(b.ours.as_ref().unwrap());
        if expected != got {
            disagreements
                .push(format!("{:?} vs {:?}: Kubernetes orders {expected:?}, plimsoll {got:?}", a.text, b.text));
        }
    }

    let valid = ordered.len();
    let agreeing = cases.len() - disagreements.len().min(cases.len());
    record_score(&format!(
        "quantity differential: {agreeing}/{} strings agree, {} disagreements ({valid} valid, every pair ordered \
         alike: {}; seed {seed})",
        cases.len(),
        disagreements.len(),
        valid * valid.saturating_sub(1) / 2
    ));
    assert!(
        disagreements.is_empty(),
        "{} disagreements with resource.ParseQuantity:\n{}",
        disagreements.len(),
        disagreements.iter().take(40).map(|d| format!("  {d}\n")).collect::<String>()
    );
    // The generator must keep reaching both outcomes and many distinct values.
    assert!(valid > cases.len() / 4 && valid < cases.len() * 9 / 10, "{valid} of {} valid", cases.len());
    assert!(ordered.last().is_some_and(|case| case.rank > 1000), "too few distinct values");
}
