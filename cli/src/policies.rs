//! Reading the user's policies (`--policy`), data files (`--data`) and test files
//! (`plimsoll test`) from disk; core parses and runs them.
//!
//! A named file is taken whatever its extension; a directory contributes its `.rego` files (data:
//! `.yaml`, `.yml`, `.json`), walked recursively in sorted order. Every YAML document of a data
//! file is one data document (conftest merges them all into `data`).

use crate::walk::{self, PathError};
use plimsoll_core::engine::user_policy::PolicyModule;
use plimsoll_core::load::read_documents;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The Rego modules under `paths`.
pub fn read_policies(paths: &[PathBuf]) -> Result<Vec<PolicyModule>, Vec<PathError>> {
    let collected = walk::collect_files(paths, &is_rego);
    if !collected.errors.is_empty() {
        return Err(collected.errors);
    }
    Ok(collected.sources.into_iter().map(|s| PolicyModule { name: s.name, text: s.text }).collect())
}

/// Every document of every data file under `paths`, named by its file.
pub fn read_data(paths: &[PathBuf]) -> Result<Vec<(String, Value)>, Vec<PathError>> {
    let collected = walk::collect_files(paths, &walk::is_manifest);
    let mut errors = collected.errors;
    let mut documents = Vec::new();
    for source in collected.sources {
        for document in read_documents(&source.text) {
            match document.result {
                Ok(Some((value, _))) => documents.push((source.name.clone(), value)),
                Ok(None) => {}
                Err(problem) => errors.push(PathError {
                    path: format!("{}:{}:{}", source.name, problem.span.start.line, problem.span.start.column),
                    message: problem.message,
                }),
            }
        }
    }
    if errors.is_empty() {
        Ok(documents)
    } else {
        Err(errors)
    }
}

pub fn is_rego(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "rego")
}
