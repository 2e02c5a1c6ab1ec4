//! Image references against the Docker reference grammar's own parser:
//! `reference.ParseNormalizedNamed` of github.com/distribution/reference (the oracle
//! `testdata/oracles/image`, built by `scripts/build-oracles.sh`) against [`ImageRef::parse`].
//!
//! The oracle generates `PLIMSOLL_IMAGE_CASES` references (100,000 by default) from
//! `PLIMSOLL_IMAGE_SEED` (1): with and without a registry, ports, IPv6 hosts, `localhost`,
//! Docker Hub's names (`docker.io`, `index.docker.io`, `library/`), upper case, separators in every
//! position, long names and tags, valid and invalid digests of every algorithm. Each must be valid
//! for both or for neither, and a valid one must give the same registry, repository, tag and
//! digest. Prints and records `image differential: …`.
//!
//! One difference is explained rather than removed: a first component that looks like a host
//! (it has a `.`) but that the grammar cannot read as one (`my_registry.io/app`, an underscore)
//! while it is a valid path component. `ParseNormalizedNamed` then returns no domain and the whole
//! name as the path; container runtimes still contact that host (containerd takes everything
//! before the first `/`), and plimsoll names it as the registry. There the test compares
//! plimsoll's full name (`registry/repository`) with the oracle's path.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod oracles;

use common::record_score;
use plimsoll_core::k8s::image::ImageRef;
use serde_json::Value;

/// What differs between the oracle's reading of one reference and ours, if anything.
fn difference(record: &Value) -> Option<String> {
    let text = record["text"].as_str().unwrap();
    let ours = ImageRef::parse(text);
    let valid = record["valid"].as_bool().unwrap();
    if valid != ours.is_valid() {
        return Some(match valid {
            true => format!("{text:?}: valid for Kubernetes, plimsoll says {:?}", ours.error),
            false => format!("{text:?}: invalid for Kubernetes ({}), plimsoll accepts it", record["error"]),
        });
    }
    if !valid {
        return None;
    }
    let field = |name: &str| record.get(name).and_then(Value::as_str).map(str::to_string);
    let theirs = (field("domain"), field("path"), field("tag"), field("digest"));
    let mine = match theirs.0 {
        // No domain: a host its grammar cannot read (`my_registry.io`) stays in the path. The name
        // is the same; runtimes contact that host, which is the registry plimsoll names.
        None => (None, Some(ours.name.clone()), ours.tag.clone(), ours.digest.clone()),
        Some(_) => (Some(ours.registry.clone()), Some(ours.repository.clone()), ours.tag.clone(), ours.digest.clone()),
    };
    (theirs != mine).then(|| format!("{text:?}: Kubernetes reads {theirs:?}, plimsoll {mine:?}"))
}

#[test]
fn generated_references() {
    let Some(oracle) = oracles::oracle("image") else { return };
    let count = oracles::env_number("PLIMSOLL_IMAGE_CASES", 100_000);
    let seed = oracles::env_number("PLIMSOLL_IMAGE_SEED", 1);
    let output = oracles::run(&oracle, &["-seed".into(), seed.to_string(), "-count".into(), count.to_string()], vec![]);
    let records: Vec<Value> = output.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(records.len() as u64, count, "the oracle gave fewer references than asked");

    let disagreements: Vec<String> = records.iter().filter_map(difference).collect();
    let valid = records.iter().filter(|r| r["valid"] == true).count();
    record_score(&format!(
        "image differential: {}/{} references agree, {} disagreements ({valid} valid; seed {seed})",
        records.len() - disagreements.len(),
        records.len(),
        disagreements.len()
    ));
    assert!(
        disagreements.is_empty(),
        "{} disagreements with reference.ParseNormalizedNamed:\n{}",
        disagreements.len(),
        disagreements.iter().take(40).map(|d| format!("  {d}\n")).collect::<String>()
    );
    assert!(valid > records.len() / 10 && valid < records.len() * 9 / 10, "{valid} of {} valid", records.len());
}
