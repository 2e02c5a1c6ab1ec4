//! Gatekeeper in the CLI: `lint --policy PATH` and `plimsoll test`.
//!
//! [`load_policies`] reads the ConstraintTemplates and Constraints under the `--policy` paths
//! (YAML and JSON files; other documents are left alone) and compiles them with core; a broken
//! policy stops the run before linting. [`test`] finds gator `suite.yaml` files, runs each with
//! core's suite runner (reading the files a suite names relative to it) and prints one line per
//! case and a total.

use crate::args::TestArgs;
use crate::commands::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::walk;
use plimsoll_core::gatekeeper::suite::{run_suite, CaseResult};
use plimsoll_core::gatekeeper::{self, PolicySet};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The Gatekeeper policies under `paths`; `Err` holds the exit code after the error is printed.
pub fn load_policies(paths: &[PathBuf]) -> Result<Option<PolicySet>, u8> {
    if paths.is_empty() {
        return Ok(None);
    }
    let collected = walk::collect(paths);
    for error in &collected.errors {
        eprintln!("plimsoll: {}: {}", error.path, error.message);
    }
    if !collected.errors.is_empty() {
        return Err(EXIT_ERROR);
    }
    let mut documents = Vec::new();
    for source in &collected.sources {
        let loaded = plimsoll_core::load(&source.name, &source.text);
        if let Some(problem) = loaded.problems.first() {
            eprintln!("plimsoll: policy {}:{}: {}", source.name, problem.span.start.line, problem.message);
            return Err(EXIT_ERROR);
        }
        documents.extend(loaded.documents.into_iter().filter(|d| gatekeeper::is_policy_document(&d.value)));
    }
    match PolicySet::from_documents(&documents) {
        Ok(set) => Ok(Some(set)),
        Err(error) => {
            eprintln!("{:?}", miette::Report::new(error));
            Err(EXIT_ERROR)
        }
    }
}

/// `plimsoll test`: runs every gator suite under the paths.
pub fn test(args: &TestArgs) -> u8 {
    let suites = match find_suites(&args.paths) {
        Ok(suites) if suites.is_empty() => {
            eprintln!("plimsoll: no suite.yaml found");
            return EXIT_ERROR;
        }
        Ok(suites) => suites,
        Err(message) => {
            eprintln!("plimsoll: {message}");
            return EXIT_ERROR;
        }
    };
    let mut out = io::stdout().lock();
    let mut tally = Tally::default();
    for suite in &suites {
        if let Err(error) = run_one(suite, &mut tally, &mut out) {
            if error.kind() == io::ErrorKind::BrokenPipe {
                break;
            }
        }
    }
    let total = tally.passed + tally.failed;
    let summary = format!(
        "gatekeeper suites: {}/{total} cases passed ({} failed, {} skipped, {} suites)",
        tally.passed,
        tally.failed,
        tally.skipped,
        suites.len()
    );
    let _ = writeln!(out, "{summary}");
    if tally.failed > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    skipped: usize,
}

/// Runs one suite and prints its cases.
fn run_one(suite: &Path, tally: &mut Tally, out: &mut dyn Write) -> io::Result<()> {
    let name = suite.to_string_lossy();
    let name = name.strip_prefix("./").unwrap_or(&name);
    let text = match std::fs::read_to_string(suite) {
        Ok(text) => text,
        Err(error) => {
            tally.failed += 1;
            return writeln!(out, "FAIL {name}: cannot read: {error}");
        }
    };
    let dir = suite.parent().map(Path::to_path_buf).unwrap_or_default();
    let read = |relative: &str| std::fs::read_to_string(dir.join(relative)).map_err(|e| e.to_string());
    let cases = match run_suite(&text, &read) {
        Ok(cases) => cases,
        Err(error) => {
            tally.failed += 1;
            return writeln!(out, "FAIL {name}: {error}");
        }
    };
    for case in cases {
        let label = format!("{name}: {} / {}", case.test, case.case);
        match case.result {
            CaseResult::Pass => {
                tally.passed += 1;
                writeln!(out, "ok   {label}")?;
            }
            CaseResult::Skip => {
                tally.skipped += 1;
                writeln!(out, "skip {label}")?;
            }
            CaseResult::Fail(reason) => {
                tally.failed += 1;
                writeln!(out, "FAIL {label}: {}", reason.replace('\n', " "))?;
            }
        }
    }
    Ok(())
}

/// `suite.yaml` files: named ones as given, and those under directories, in sorted order.
fn find_suites(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut suites = Vec::new();
    for path in paths {
        if path.is_file() {
            suites.push(path.clone());
        } else if path.is_dir() {
            for entry in WalkDir::new(path).sort_by_file_name() {
                let entry = entry.map_err(|e| e.to_string())?;
                if entry.file_type().is_file() && entry.file_name() == "suite.yaml" {
                    suites.push(entry.into_path());
                }
            }
        } else {
            return Err(format!("{}: no such file or directory", path.display()));
        }
    }
    Ok(suites)
}
