//! The loader against kubectl's own reading of YAML (the k8syaml oracle in `testdata/loader/oracle`:
//! sigs.k8s.io/yaml at the version kubectl uses, YAML 1.1 as go-yaml v2 reads it).
//!
//! - `goldens`: every `testdata/loader/oracle/cases/*.yaml` must give, document for document, the JSON
//!   recorded from the oracle in `expected/<name>.json` (errors must be errors; messages may differ).
//! - `differential_corpora`: the oracle is built (`build-oracle.sh`: Go and the module proxy), and
//!   every YAML/JSON file of the vendored conformance data (`testdata/conformance`) is read by both
//!   and compared the same way. Without Go it fails in CI and is skipped elsewhere.
//!
//! Disagreements that are genuine parser differences are listed, with their reason, in
//! `testdata/loader/oracle/known-differences.txt` (keys `cases/<file>#<n>`, `conformance/<path>#<n>`).
//! Both tests fail on any other disagreement, listing all of them, and on a listed one that is gone.
//!
//! Both compare per the oracle's document splitting, which the loader mirrors: one outcome per
//! non-empty document, where ours skips documents that hold nothing (`Ok(None)`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{conformance_data, record_score, repo_root, skip_or_fail};
use plimsoll_core::load::read_documents;
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// What one document turned into.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Value(Value),
    Error(String),
    /// An oracle line serde_json cannot read back (nested deeper than its 128 levels); never agrees.
    Unreadable(String),
}

impl Outcome {
    fn agrees_with(&self, expected: &Outcome) -> bool {
        match (self, expected) {
            (Outcome::Value(ours), Outcome::Value(theirs)) => ours == theirs,
            (Outcome::Error(_), Outcome::Error(_)) => true,
            _ => false,
        }
    }

    fn show(&self) -> String {
        let text = match self {
            Outcome::Value(value) => value.to_string(),
            Outcome::Error(message) => format!("error: {message}"),
            Outcome::Unreadable(line) => format!("unreadable JSON: {line}"),
        };
        shorten(&text, 300)
    }
}

fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

fn oracle_dir() -> PathBuf {
    repo_root().join("testdata/loader/oracle")
}

/// Our outcome for each non-empty document of `text`.
fn ours(text: &str) -> Vec<Outcome> {
    read_documents(text)
        .into_iter()
        .filter_map(|document| match document.result {
            Ok(None) => None,
            Ok(Some((value, _))) => Some(Outcome::Value(value)),
            Err(problem) => Some(Outcome::Error(problem.message)),
        })
        .collect()
}

/// The oracle's outcomes from its output: one JSON value per line, `{"error": …}` for failures.
fn theirs(output: &str) -> Result<Vec<Outcome>, String> {
    output
        .lines()
        .map(|line| {
            let value: Value = match serde_json::from_str(line) {
                Ok(value) => value,
                Err(e) if e.to_string().contains("recursion limit") => {
                    return Ok(Outcome::Unreadable(line.to_string()));
                }
                Err(e) => return Err(format!("bad oracle line {line:?}: {e}")),
            };
            Ok(match value {
                Value::Object(ref map) if map.len() == 1 && map.get("error").is_some_and(Value::is_string) => {
                    Outcome::Error(map["error"].as_str().unwrap_or_default().to_string())
                }
                value => Outcome::Value(value),
            })
        })
        .collect()
}

/// Compares one file's outcomes; returns how many documents agree and appends the disagreements
/// (`name#index`, expected, got) to `mismatches`.
fn compare(name: &str, ours: &[Outcome], theirs: &[Outcome], mismatches: &mut Vec<Mismatch>) -> usize {
    let mut agree = 0;
    for index in 0..ours.len().max(theirs.len()) {
        let (got, expected) = (ours.get(index), theirs.get(index));
        match (got, expected) {
            (Some(got), Some(expected)) if got.agrees_with(expected) => agree += 1,
            _ => mismatches.push(Mismatch {
                key: format!("{name}#{index}"),
                expected: expected.map_or_else(|| "(no document)".to_string(), Outcome::show),
                got: got.map_or_else(|| "(no document)".to_string(), Outcome::show),
                at: match (got, expected) {
                    (Some(Outcome::Value(ours)), Some(Outcome::Value(theirs))) => first_difference(ours, theirs, "$"),
                    _ => None,
                },
            }),
        }
    }
    agree
}

/// Where two JSON values first differ, as `$.path: expected X, got Y` (values are long; the path
/// is what one needs to see).
fn first_difference(ours: &Value, theirs: &Value, path: &str) -> Option<String> {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            keys.into_iter().find_map(|key| match (a.get(key), b.get(key)) {
                (Some(x), Some(y)) => first_difference(x, y, &format!("{path}.{key}")),
                (x, y) => Some(format!("{path}.{key}: expected {y:?}, got {x:?}")),
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().find_map(|(i, (x, y))| first_difference(x, y, &format!("{path}[{i}]")))
        }
        (a, b) if a == b => None,
        (a, b) => {
            let (expected, got) = (shorten(&b.to_string(), 200), shorten(&a.to_string(), 200));
            Some(format!("{path}: expected {expected}, got {got}"))
        }
    }
}

#[derive(Debug)]
struct Mismatch {
    /// `file#document-index` (index among the non-empty documents).
    key: String,
    expected: String,
    got: String,
    /// The first differing path when both are values.
    at: Option<String>,
}

/// The keys of known-differences.txt that start with `prefix` (`<key>  <reason>` lines; `#` starts a
/// comment line).
fn known_differences(prefix: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(oracle_dir().join("known-differences.txt")).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|key| key.starts_with(prefix))
        .map(str::to_string)
        .collect()
}

/// Fails on disagreements not listed as known, and on known ones (under `prefix`) that are gone.
fn check(prefix: &str, mismatches: Vec<Mismatch>) {
    let known = known_differences(prefix);
    let seen: BTreeSet<&String> = mismatches.iter().map(|m| &m.key).collect();
    let stale: Vec<&String> = known.iter().filter(|key| !seen.contains(key)).collect();
    let new: Vec<Mismatch> = mismatches.into_iter().filter(|m| !known.contains(&m.key)).collect();
    let mut failure = String::new();
    if !new.is_empty() {
        let _ = write!(failure, "{} disagreements with the oracle:\n{}", new.len(), report(&new));
    }
    if !stale.is_empty() {
        let _ = writeln!(failure, "known differences that no longer differ (remove them): {stale:?}");
    }
    assert!(failure.is_empty(), "{failure}");
}

fn report(mismatches: &[Mismatch]) -> String {
    let mut text = String::new();
    for m in mismatches {
        let _ = writeln!(text, "{}\n  expected: {}\n  got:      {}", m.key, m.expected, m.got);
        if let Some(at) = &m.at {
            let _ = writeln!(text, "  differs:  {at}");
        }
    }
    text
}

#[test]
fn goldens() {
    let cases = oracle_dir().join("cases");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&cases)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no cases in {}", cases.display());
    let (mut mismatches, mut agree, mut total) = (Vec::new(), 0, 0);
    for case in names {
        let stem = case.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&case).unwrap();
        let golden = oracle_dir().join("expected").join(format!("{stem}.json"));
        let expected = theirs(&std::fs::read_to_string(&golden).unwrap()).unwrap();
        total += expected.len();
        agree += compare(&format!("cases/{stem}.yaml"), &ours(&text), &expected, &mut mismatches);
    }
    record_score(&format!("k8syaml goldens: {agree}/{total} documents agree"));
    check("cases/", mismatches);
}

/// Builds the oracle (or finds it up to date); `None`, with the reason shown, when it cannot be built here.
fn oracle_binary() -> Option<PathBuf> {
    let output =
        Command::new("bash").arg(oracle_dir().join("build-oracle.sh")).stderr(Stdio::inherit()).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let path = String::from_utf8(output.stdout).ok()?;
    Some(PathBuf::from(path.trim()))
}

fn run_oracle(binary: &Path, input: &[u8]) -> String {
    use std::io::Write;
    let mut child =
        Command::new(binary).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    // Feed stdin from another thread so a large output cannot deadlock against a full pipe.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(output.status.success(), "oracle failed");
    String::from_utf8(output.stdout).unwrap()
}

fn corpus_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            corpus_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json") {
            files.push(path);
        }
    }
}

/// One corpus file through both readers: its disagreements, and how many of the oracle's
/// documents agree, out of how many.
fn compare_file(binary: &Path, data: &Path, file: &Path) -> (Vec<Mismatch>, usize, usize) {
    let bytes = std::fs::read(file).unwrap();
    // The loader takes text; the CLI reports other files itself.
    let Ok(text) = std::str::from_utf8(&bytes) else {
        println!("not UTF-8, skipped: {}", file.display());
        return (Vec::new(), 0, 0);
    };
    let name = format!("conformance/{}", file.strip_prefix(data).unwrap_or(file).to_string_lossy());
    let expected = theirs(&run_oracle(binary, &bytes)).unwrap();
    let mut mismatches = Vec::new();
    let agree = compare(&name, &ours(text), &expected, &mut mismatches);
    (mismatches, agree, expected.len())
}

#[test]
fn differential_corpora() {
    let Some(data) = conformance_data("") else { return };
    let Some(binary) = oracle_binary() else {
        return skip_or_fail("the k8syaml oracle cannot be built here (testdata/loader/oracle/build-oracle.sh)");
    };
    let mut files = Vec::new();
    corpus_files(&data, &mut files);
    files.sort();
    assert!(!files.is_empty(), "no YAML or JSON files under {}", data.display());
    // Most of the time goes to starting the oracle once per file: keep a few going per core.
    let next = AtomicUsize::new(0);
    let results = Mutex::new((Vec::new(), 0usize, 0usize));
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).max(2) * 2;
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(file) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let (mismatches, agree, total) = compare_file(&binary, &data, file);
                    let mut results = results.lock().unwrap();
                    results.0.extend(mismatches);
                    results.1 += agree;
                    results.2 += total;
                }
            });
        }
    });
    let (mut mismatches, agree, total) = results.into_inner().unwrap();
    mismatches.sort_by(|a, b| a.key.cmp(&b.key));
    record_score(&format!("k8syaml differential: {agree}/{total} documents agree ({} files)", files.len()));
    check("conformance/", mismatches);
}
