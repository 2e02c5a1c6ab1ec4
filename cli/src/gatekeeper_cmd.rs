//! Gatekeeper in the CLI: `lint --policy PATH` and the suites of `plimsoll test`.
//!
//! [`load_policies`] reads the ConstraintTemplates and Constraints under the policy paths (the
//! YAML and JSON files of folders, whose other documents are left alone, and files named directly,
//! which must hold a policy) and compiles them with core; a broken policy stops the run before
//! linting. [`run_suites`] runs gator `suite.yaml` files with core's suite runner, reading the files
//! a suite names relative to it; [`suites_for_named_file`] finds the suites a file named to
//! `plimsoll test` stands for.

use crate::error::CliError;
use crate::policies::PolicyPath;
use crate::walk::{self, PathError};
use plimsoll_core::engine::gatekeeper::suite::{run_suite, CaseResult};
use plimsoll_core::engine::gatekeeper::{self, PolicySet};
use plimsoll_core::engine::rego_test::{TestCase, TestOutcome};
use plimsoll_core::load::read_documents;
use plimsoll_core::{Document, Source};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The Gatekeeper policies under `paths`. Folders contribute whatever policy documents their YAML
/// and JSON files hold; a file named directly must hold at least one ConstraintTemplate or
/// Constraint.
pub fn load_policies(paths: &[PathBuf]) -> Result<Option<PolicySet>, CliError> {
    // Each path is judged once: judging a file of another extension reads it.
    let (mut folders, mut named) = (Vec::new(), Vec::new());
    for path in paths {
        match PolicyPath::of(path) {
            PolicyPath::Folder => folders.push(path.clone()),
            PolicyPath::Objects => named.push(path.clone()),
            PolicyPath::Rego => {}
        }
    }
    if folders.is_empty() && named.is_empty() {
        return Ok(None);
    }
    let mut documents = policy_documents(&folders, false)?;
    documents.extend(policy_documents(&named, true)?);
    PolicySet::from_documents(&documents).map(Some).map_err(CliError::diagnostic)
}

/// The ConstraintTemplates and Constraints of the manifests under `paths`; with `required`, a
/// file holding none is an error (it was named as a policy and would otherwise do nothing).
fn policy_documents(paths: &[PathBuf], required: bool) -> Result<Vec<Document>, CliError> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let collected = walk::collect(paths);
    if !collected.errors.is_empty() {
        return Err(CliError::Paths(collected.errors));
    }
    let mut documents = Vec::new();
    for source in &collected.sources {
        let loaded = plimsoll_core::load(&source.name, &source.text);
        // A YAML or JSON file with a syntax error is a policy with a typo; a file of another kind
        // that does not read as YAML is no policy at all.
        let unreadable = !loaded.problems.is_empty() && !walk::is_manifest(Path::new(&source.name));
        if let Some(problem) = loaded.problems.first().filter(|_| !unreadable) {
            let line = problem.span.start.line;
            return Err(CliError::message(format!("policy {}:{line}: {}", source.name, problem.message)));
        }
        let before = documents.len();
        documents.extend(loaded.documents.into_iter().filter(|d| gatekeeper::is_policy_document(&d.value)));
        if required && (unreadable || documents.len() == before) {
            return Err(CliError::message(format!(
                "{}: not a policy: it holds no ConstraintTemplate or Constraint, and is not a Rego module (a \
                 `.rego` file, or one that starts with `package`); data files are given as data",
                source.name
            )));
        }
    }
    Ok(documents)
}

/// One test case per case of each suite (skipped cases are left out); a suite that cannot be
/// read is one failed case.
pub fn run_suites(suites: &[Source]) -> Vec<TestCase> {
    let mut cases = Vec::new();
    for suite in suites {
        let dir = Path::new(&suite.name).parent().map(Path::to_path_buf).unwrap_or_default();
        let read = |relative: &str| std::fs::read_to_string(dir.join(relative)).map_err(|e| e.to_string());
        let case = |name: String, outcome| TestCase { file: suite.name.clone(), name, outcome };
        match run_suite(&suite.text, &read) {
            Err(error) => cases.push(case("(suite)".into(), TestOutcome::Failed(error))),
            Ok(outcomes) => cases.extend(outcomes.into_iter().filter_map(|o| {
                let outcome = match o.result {
                    CaseResult::Pass => TestOutcome::Passed,
                    CaseResult::Fail(why) => TestOutcome::Failed(why.replace('\n', " ")),
                    CaseResult::Skip => return None,
                };
                Some(case(format!("{} / {}", o.test, o.case), outcome))
            })),
        }
    }
    cases
}

/// What a YAML or JSON file named to `plimsoll test` stands for: itself when it is a gator suite
/// (`kind: Suite`, whatever the file's name), and the suites that test it when it is a
/// ConstraintTemplate (`suite.yaml` or `suite.yml` in its folder or the folder above, naming it as
/// a test's `template`). Anything else is an error naming the file.
pub fn suites_for_named_file(source: Source) -> Result<Vec<Source>, PathError> {
    let values: Vec<Value> =
        read_documents(&source.text).into_iter().filter_map(|d| d.result.ok().flatten().map(|(v, _)| v)).collect();
    let error = |message: &str| PathError { path: source.name.clone(), message: message.to_string() };
    if values.iter().any(|value| value.get("kind").and_then(Value::as_str) == Some("Suite")) {
        return Ok(vec![source]);
    }
    if !values.iter().any(gatekeeper::is_template) {
        return Err(error("nothing to test: not a Rego module, a gator suite (`kind: Suite`) or a ConstraintTemplate"));
    }
    let suites = suites_testing(Path::new(&source.name));
    if suites.is_empty() {
        return Err(error(
            "a ConstraintTemplate that no suite.yaml in its folder or the folder above tests: name the suite",
        ));
    }
    Ok(suites)
}

/// The suite files in `template`'s folder and the folder above whose tests name `template`.
fn suites_testing(template: &Path) -> Vec<Source> {
    let Ok(target) = template.canonicalize() else { return Vec::new() };
    let folder = template.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let above = match folder.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) if folder != Path::new(".") => parent.to_path_buf(),
        _ => folder.join(".."),
    };
    let mut suites = Vec::new();
    for dir in [folder, above.as_path()] {
        for name in ["suite.yaml", "suite.yml"] {
            let path = dir.join(name);
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            if names_template(&text, dir, &target) {
                let name = path.to_string_lossy();
                suites.push(Source { name: name.strip_prefix("./").unwrap_or(&name).to_string(), text });
            }
        }
    }
    suites
}

/// Whether a test of the suite `text` (in `dir`) names the template file `target` (canonical).
fn names_template(text: &str, dir: &Path, target: &Path) -> bool {
    let Ok(Some(suite)) = plimsoll_core::load::parse_yaml_value(text) else { return false };
    let tests = suite.get("tests").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    tests
        .iter()
        .filter_map(|test| test.get("template").and_then(Value::as_str))
        .any(|template| dir.join(template).canonicalize().is_ok_and(|path| path == target))
}
