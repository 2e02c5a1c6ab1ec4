//! The `security-context` rules against Pod Security admission's own fixtures.
//!
//! The fixtures (`testdata/conformance/pod-security-admission`, see its SOURCE.md) are one Pod per
//! file at `<level>/v1.<minor>/<pass|fail>/<name>.yaml`. Each file is linted with
//! the level and version its path names (one linter per level and version, shared by that
//! folder's files; folders run on all cores):
//! - a `pass/` file must give no finding from a Pod Security Standards rule;
//! - a `fail/` file (`<check><N>.yaml`) must give at least one finding from the rule of that
//!   check, or of the check paired with it by an override (each value is reported once, by the
//!   baseline rule when it forbids the value, else by the restricted one);
//! - no file may give a finding from a rule of a stricter level than the one selected, nor an
//!   evaluation failure, and every linter must run its rules as one compiled program.
//!
//! The test prints `psa fixtures: N/TOTAL` and fails when N falls below the score recorded in
//! `testdata/psa/score.txt`. Without the fixtures it fails in CI and is skipped elsewhere.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{conformance_data, record_score, repo_root};
use plimsoll_core::{Linter, PssLevel, PssSettings, PssVersion, RuleMeta};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

fn score_file() -> PathBuf {
    repo_root().join("testdata/psa/score.txt")
}

/// Checks that upstream replaces at the restricted level, paired with the check replacing them.
const OVERRIDES: &[(&str, &str)] = &[
    ("capabilities_baseline", "capabilities_restricted"),
    ("hostPathVolumes", "restrictedVolumes"),
    ("procMount", "procMount_restricted"),
    ("seccompProfile_baseline", "seccompProfile_restricted"),
];

/// One fixture file.
struct Fixture {
    /// Path under the corpus, for messages.
    name: String,
    text: String,
    expect_pass: bool,
    /// The lower-cased check ID the file name starts with (`base` for the minimal pods).
    check: String,
}

/// The fixtures of one `<level>/v1.<minor>` folder.
struct Folder {
    settings: PssSettings,
    fixtures: Vec<Fixture>,
}

fn folders(root: &Path) -> Vec<Folder> {
    let mut folders = Vec::new();
    for level_dir in sorted_dirs(root) {
        let level: PssLevel = file_name(&level_dir).parse().expect("a level folder");
        for version_dir in sorted_dirs(&level_dir) {
            let version: PssVersion = file_name(&version_dir).parse().expect("a version folder");
            let mut fixtures = Vec::new();
            for outcome in ["pass", "fail"] {
                for path in sorted_files(&version_dir.join(outcome)) {
                    let stem = file_name(&path).trim_end_matches(".yaml").to_string();
                    fixtures.push(Fixture {
                        name: path.strip_prefix(root).unwrap_or(&path).to_string_lossy().into_owned(),
                        text: std::fs::read_to_string(&path).expect("fixture is readable"),
                        expect_pass: outcome == "pass",
                        check: stem.trim_end_matches(|c: char| c.is_ascii_digit()).to_string(),
                    });
                }
            }
            folders.push(Folder { settings: PssSettings { level, version }, fixtures });
        }
    }
    folders
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    dirs
}

fn sorted_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// What the catalog says about the Pod Security Standards rules.
struct PssRules {
    /// Rule ID → its level.
    level: HashMap<String, PssLevel>,
    /// Lower-cased check ID → the rules that may report a failure of that check.
    reporters: HashMap<String, Vec<String>>,
}

impl PssRules {
    fn from_catalog(catalog: &[RuleMeta]) -> PssRules {
        let mut level = HashMap::new();
        let mut rule_of_check = HashMap::new();
        for rule in catalog {
            if let (Some(check), Some(rule_level)) = (&rule.pss_check, &rule.level) {
                level.insert(rule.id.clone(), rule_level.parse().expect("a PSS level"));
                rule_of_check.insert(check.clone(), rule.id.clone());
            }
        }
        let mut reporters: HashMap<String, Vec<String>> = HashMap::new();
        for (check, rule) in &rule_of_check {
            let mut rules = vec![rule.clone()];
            for (baseline, restricted) in OVERRIDES {
                let partner = match check.as_str() {
                    c if c == *baseline => restricted,
                    c if c == *restricted => baseline,
                    _ => continue,
                };
                rules.push(rule_of_check.get(*partner).cloned().expect("override partners have rules"));
            }
            reporters.insert(check.to_lowercase(), rules);
        }
        PssRules { level, reporters }
    }
}

/// Lints one folder; returns the number of fixtures that conform and the failures.
fn run_folder(folder: &Folder, rules: &PssRules) -> (usize, Vec<String>) {
    let settings = folder.settings;
    let linter = Linter::builder().only(rules.level.keys().cloned()).pss(settings).build().expect("the linter builds");
    let mut failures = Vec::new();
    if linter.evaluation_mode() != "compiled" {
        failures.push(format!(
            "{} {}: rules run interpreted: {}",
            settings.level,
            settings.version,
            linter.fallback_reason().unwrap_or("?")
        ));
    }
    let mut worker = linter.worker();
    let mut passed = 0;
    for fixture in &folder.fixtures {
        let report = worker.lint(&fixture.name, &fixture.text);
        let mut problems = Vec::new();
        let mut reported = Vec::new();
        for finding in &report.findings {
            match rules.level.get(&finding.rule) {
                Some(level) if *level > settings.level => {
                    problems.push(format!("{} reported at level {}", finding.rule, settings.level));
                }
                Some(_) => reported.push(format!("{}: {}", finding.rule, finding.message)),
                // Only the PSS rules run: anything else is a loader problem or an evaluation failure.
                None => problems.push(format!("{}: {}", finding.rule, finding.message)),
            }
        }
        if fixture.expect_pass {
            problems.extend(reported.iter().map(|r| format!("unexpected {r}")));
        } else {
            let expected = rules.reporters.get(&fixture.check).map(Vec::as_slice).unwrap_or_default();
            let hit = report.findings.iter().any(|f| expected.contains(&f.rule));
            if !hit {
                problems.push(format!("no finding from {expected:?} (got {reported:?})"));
            }
        }
        if problems.is_empty() {
            passed += 1;
        } else {
            failures.push(format!("{}: {}", fixture.name, problems.join("; ")));
        }
    }
    (passed, failures)
}

fn recorded_score() -> usize {
    let text = std::fs::read_to_string(score_file()).unwrap_or_default();
    text.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(0)
}

#[test]
fn pod_security_admission_fixtures() {
    let Some(root) = conformance_data("pod-security-admission") else { return };
    let folders = folders(&root);
    let total: usize = folders.iter().map(|f| f.fixtures.len()).sum();
    let catalog = plimsoll_core::rules::builtin_rules().expect("built-in rules");
    let rules = PssRules::from_catalog(&catalog);

    // Folders are independent: each thread takes the next one until none is left.
    let next = AtomicUsize::new(0);
    let results = Mutex::new(BTreeMap::new());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(folder) = folders.get(index) else { break };
                let result = run_folder(folder, &rules);
                results.lock().expect("no thread panicked").insert(index, result);
            });
        }
    });
    let results = results.into_inner().expect("no thread panicked");
    let passed: usize = results.values().map(|(passed, _)| passed).sum();
    let failures: Vec<&String> = results.values().flat_map(|(_, failures)| failures).collect();

    record_score(&format!("psa fixtures: {passed}/{total}"));
    for failure in failures.iter().take(60) {
        println!("  {failure}");
    }
    if failures.len() > 60 {
        println!("  … and {} more", failures.len() - 60);
    }
    let recorded = recorded_score();
    assert!(
        passed >= recorded,
        "psa fixtures: {passed}/{total} is below the recorded {recorded} (testdata/psa/score.txt)"
    );
    if passed > recorded {
        println!("the score went up: record {passed} in testdata/psa/score.txt");
    }
}
