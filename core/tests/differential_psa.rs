//! The Pod Security Standards rules against Pod Security admission's own code, check by check.
//!
//! The oracle (`testdata/oracles/psa`, built by `scripts/build-oracles.sh`) generates pods and pod
//! templates of workloads from a seed, covering every field a check reads with allowed, forbidden
//! and borderline values, and evaluates each with `k8s.io/pod-security-admission/policy` at both
//! levels and every version from v1.0 to the newest. This test lints the same objects with one
//! linter per level and version (only the Pod Security Standards rules) and compares, for every
//! check upstream runs at that level and version, whether it allows the object.
//!
//! plimsoll names each check's rule in its metadata (`pss_check`). Where a restricted check
//! overrides a baseline one (upstream then skips the baseline check), plimsoll's baseline rule
//! still reports the values it forbids, so its findings count for the overriding check.
//!
//! - `generated_pods`: `PLIMSOLL_PSA_PODS` objects (10,000 by default) from `PLIMSOLL_PSA_SEED`
//!   (1); prints and records `psa differential: …`. Disagreeing objects are written, with the
//!   oracle's verdicts, to `psa-disagreements.jsonl` under the test target directory.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod oracles;

use common::record_score;
use plimsoll_core::{Linter, PssLevel, PssSettings, PssVersion, Worker};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::sync::Mutex;

/// Restricted checks that replace a baseline check, with the check they replace.
const OVERRIDES: &[(&str, &str)] = &[
    ("capabilities_restricted", "capabilities_baseline"),
    ("restrictedVolumes", "hostPathVolumes"),
    ("procMount_restricted", "procMount"),
    ("seccompProfile_restricted", "seccompProfile_baseline"),
];

const LEVELS: [PssLevel; 2] = [PssLevel::Baseline, PssLevel::Restricted];

/// Check IDs for each level and minor version, expanded from the oracle's runs
/// (`[[minor, [ids]], …]`, each run lasting until the next).
#[derive(Clone)]
struct PerVersion(Vec<Vec<BTreeSet<String>>>);

impl PerVersion {
    fn from_runs(value: &Value, newest: u32) -> PerVersion {
        let levels = LEVELS
            .iter()
            .map(|level| {
                let runs = value[level.as_str()].as_array().expect("runs per level");
                let mut per_minor = Vec::new();
                for minor in 0..=newest {
                    let run = runs.iter().rev().find(|run| run[0].as_u64().unwrap() <= u64::from(minor));
                    let ids =
                        run.map(|run| run[1].as_array().unwrap().iter().map(|id| id.as_str().unwrap().to_string()));
                    per_minor.push(ids.map(Iterator::collect).unwrap_or_default());
                }
                per_minor
            })
            .collect();
        PerVersion(levels)
    }

    fn get(&self, level: usize, minor: u32) -> &BTreeSet<String> {
        &self.0[level][minor as usize]
    }
}

/// What the catalog and the oracle's header say.
struct Setup {
    newest: u32,
    /// The checks upstream runs at each level and version.
    evaluated: PerVersion,
    /// Rule ID → its check.
    check_of_rule: HashMap<String, String>,
    /// One linter per level and minor version.
    linters: Vec<Vec<Linter>>,
}

impl Setup {
    fn new(header: &Value) -> Setup {
        let newest = u32::try_from(header["newest"].as_u64().expect("newest version")).unwrap();
        assert_eq!(
            PssVersion::LATEST,
            PssVersion::v1(newest).unwrap(),
            "plimsoll's latest policy version is not upstream's newest (v1.{newest})"
        );
        let catalog = plimsoll_core::rules::builtin_rules().expect("built-in rules");
        let check_of_rule: HashMap<String, String> =
            catalog.iter().filter_map(|rule| Some((rule.id.clone(), rule.pss_check.clone()?))).collect();
        let linters = LEVELS
            .iter()
            .map(|&level| {
                (0..=newest)
                    .map(|minor| {
                        let settings = PssSettings { level, version: PssVersion::v1(minor).unwrap() };
                        let linter =
                            Linter::builder().only(check_of_rule.keys().cloned()).pss(settings).build().unwrap();
                        assert_eq!(linter.evaluation_mode(), "compiled", "{level} v1.{minor} runs interpreted");
                        linter
                    })
                    .collect()
            })
            .collect();
        Setup { newest, evaluated: PerVersion::from_runs(&header["checks"], newest), check_of_rule, linters }
    }

    fn workers(&self) -> Vec<Vec<Worker>> {
        self.linters.iter().map(|per_level| per_level.iter().map(Linter::worker).collect()).collect()
    }

    fn evaluations_per_object(&self) -> usize {
        LEVELS.len() * (self.newest as usize + 1)
    }
}

/// The outcome of comparing objects.
#[derive(Default)]
struct Tally {
    objects: usize,
    /// Object × level × version evaluations, and those where every check agrees.
    evaluations: usize,
    agreeing: usize,
    /// Check verdicts compared.
    verdicts: usize,
    /// `(object line, descriptions of its disagreements)`.
    disagreements: Vec<(String, Vec<String>)>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.objects += other.objects;
        self.evaluations += other.evaluations;
        self.agreeing += other.agreeing;
        self.verdicts += other.verdicts;
        self.disagreements.extend(other.disagreements);
    }
}

/// Lints one oracle line's object at every level and version and compares with its verdicts.
fn compare_object(setup: &Setup, workers: &mut [Vec<Worker>], line: &str, tally: &mut Tally) {
    let record: Value = serde_json::from_str(line).expect("an oracle line is JSON");
    let denied = PerVersion::from_runs(&record["denied"], setup.newest);
    let loaded = plimsoll_core::load("generated.json", &record["object"].to_string());
    let mut problems = Vec::new();
    let Some(document) = loaded.documents.first() else {
        tally.disagreements.push((line.to_string(), vec!["the object does not load".to_string()]));
        return;
    };
    for (level_index, level) in LEVELS.iter().enumerate() {
        for minor in 0..=setup.newest {
            let report = workers[level_index][minor as usize].lint_document(document);
            let evaluated = setup.evaluated.get(level_index, minor);
            let upstream = denied.get(level_index, minor);
            let at = format!("{level} v1.{minor}");
            let mut ours = BTreeSet::new();
            let before = problems.len();
            if let Some(error) = &report.error {
                problems.push(format!("{at}: evaluation failed: {}", error.message()));
            }
            let findings = report.findings;
            for finding in &findings {
                match report_check(setup, evaluated, &finding.rule) {
                    Some(check) => {
                        ours.insert(check);
                    }
                    None => problems.push(format!("{at}: {} reports ({})", finding.rule, finding.message)),
                }
            }
            for check in evaluated {
                tally.verdicts += 1;
                match (upstream.contains(check), ours.contains(check)) {
                    (true, false) => problems.push(format!("{at}: {check} denies, plimsoll allows")),
                    (false, true) => {
                        let why: Vec<&str> = findings
                            .iter()
                            .filter(|f| report_check(setup, evaluated, &f.rule).as_ref() == Some(check))
                            .map(|f| f.message.as_str())
                            .collect();
                        problems.push(format!("{at}: {check} allows, plimsoll denies: {why:?}"));
                    }
                    _ => {}
                }
            }
            tally.evaluations += 1;
            if problems.len() == before {
                tally.agreeing += 1;
            }
        }
    }
    tally.objects += 1;
    if !problems.is_empty() {
        tally.disagreements.push((line.to_string(), problems));
    }
}

/// The upstream check a finding of `rule` speaks for at a level and version whose checks are
/// `evaluated`: its own check, or the restricted check overriding it; `None` when upstream runs
/// neither (or the rule is no Pod Security Standards rule).
fn report_check(setup: &Setup, evaluated: &BTreeSet<String>, rule: &str) -> Option<String> {
    let check = setup.check_of_rule.get(rule)?;
    if evaluated.contains(check) {
        return Some(check.clone());
    }
    OVERRIDES
        .iter()
        .find(|(overriding, overridden)| overridden == check && evaluated.contains(*overriding))
        .map(|(overriding, _)| overriding.to_string())
}

/// Compares every object line `lines` yields, on all cores.
fn compare_lines(setup: &Setup, lines: impl Iterator<Item = String> + Send) -> Tally {
    let lines = Mutex::new(lines);
    let total = Mutex::new(Tally::default());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut workers = setup.workers();
                let mut tally = Tally::default();
                loop {
                    let Some(line) = lines.lock().unwrap().next() else { break };
                    compare_object(setup, &mut workers, &line, &mut tally);
                }
                total.lock().unwrap().add(tally);
            });
        }
    });
    total.into_inner().unwrap()
}

fn report(tally: &Tally) -> String {
    let mut text =
        format!("{} of {} objects disagree with Pod Security admission:\n", tally.disagreements.len(), tally.objects);
    for (line, problems) in tally.disagreements.iter().take(20) {
        let record: Value = serde_json::from_str(line).unwrap();
        text.push_str(&format!("- {}\n", oracles::shorten(&record["object"].to_string(), 1500)));
        for problem in problems.iter().take(8) {
            text.push_str(&format!("    {problem}\n"));
        }
    }
    text
}

#[test]
fn generated_pods() {
    let Some(oracle) = oracles::oracle("psa") else { return };
    let count = oracles::env_number("PLIMSOLL_PSA_PODS", 10_000);
    let seed = oracles::env_number("PLIMSOLL_PSA_SEED", 1);
    let mut child = oracles::spawn(&oracle, &["-seed".into(), seed.to_string(), "-count".into(), count.to_string()]);
    let mut lines = BufReader::with_capacity(1 << 20, child.stdout.take().unwrap()).lines().map(Result::unwrap);
    let setup = Setup::new(&serde_json::from_str(&lines.next().expect("a header line")).unwrap());
    let tally = compare_lines(&setup, lines);
    assert!(child.wait().unwrap().success(), "the oracle failed");
    assert_eq!(tally.objects as u64, count, "the oracle gave fewer objects than asked");

    record_score(&format!(
        "psa differential: {}/{} pod evaluations agree ({} pods from seed {seed} × {} levels and versions, {} check \
         verdicts)",
        tally.agreeing,
        tally.evaluations,
        tally.objects,
        setup.evaluations_per_object(),
        tally.verdicts
    ));
    if !tally.disagreements.is_empty() {
        let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("psa-disagreements.jsonl");
        let mut file = std::fs::File::create(&path).unwrap();
        for (line, _) in &tally.disagreements {
            writeln!(file, "{line}").unwrap();
        }
        panic!("{}(all of them, with the oracle's verdicts: {})", report(&tally), path.display());
    }
}
