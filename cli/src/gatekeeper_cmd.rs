//! Gatekeeper in the CLI: `lint --policy PATH` and the suites of `plimsoll test`.
//!
//! [`load_policies`] reads the ConstraintTemplates and Constraints under the `--policy` paths
//! (YAML and JSON files; other documents are left alone) and compiles them with core; a broken
//! policy stops the run before linting. [`run_suites`] runs gator `suite.yaml` files with core's
//! suite runner, reading the files a suite names relative to it.

use crate::error::CliError;
use crate::walk;
use plimsoll_core::engine::gatekeeper::suite::{run_suite, CaseResult};
use plimsoll_core::engine::gatekeeper::{self, PolicySet};
use plimsoll_core::engine::rego_test::{TestCase, TestOutcome};
use plimsoll_core::Source;
use std::path::{Path, PathBuf};

/// The Gatekeeper policies under `paths`.
pub fn load_policies(paths: &[PathBuf]) -> Result<Option<PolicySet>, CliError> {
    // Rego files named directly are the conftest loader's; walking a directory picks manifests only.
    let paths: Vec<PathBuf> = paths.iter().filter(|path| !crate::policies::is_rego(path)).cloned().collect();
    if paths.is_empty() {
        return Ok(None);
    }
    let collected = walk::collect(&paths);
    if !collected.errors.is_empty() {
        return Err(CliError::Paths(collected.errors));
    }
    let mut documents = Vec::new();
    for source in &collected.sources {
        let loaded = plimsoll_core::load(&source.name, &source.text);
        if let Some(problem) = loaded.problems.first() {
            let line = problem.span.start.line;
            return Err(CliError::message(format!("policy {}:{line}: {}", source.name, problem.message)));
        }
        documents.extend(loaded.documents.into_iter().filter(|d| gatekeeper::is_policy_document(&d.value)));
    }
    PolicySet::from_documents(&documents).map(Some).map_err(CliError::diagnostic)
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
