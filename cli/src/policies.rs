//! Reading the user's policies (`--policy`, `policies:`), data files (`--data`, `data:`) and test
//! files (`plimsoll test`) from disk; core parses and runs them.
//!
//! A policy path is read by what it is, not by the option that named it ([`PolicyPath::of`]): a
//! folder contributes its `.rego` files and its YAML/JSON files (ConstraintTemplates and
//! Constraints among them), walked recursively in sorted order; a named `.rego` file is a Rego
//! module; a named `.yaml`, `.yml` or `.json` file holds Kubernetes objects and must hold a
//! ConstraintTemplate or a Constraint. A named file with another extension is a Rego module when
//! its first statement is a `package` declaration, and is read as objects otherwise. Every YAML
//! document of a data file is one data document (conftest merges them all into `data`).

use crate::walk::{self, PathError};
use plimsoll_core::engine::user_policy::PolicyModule;
use plimsoll_core::load::read_documents;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// What a path given as a policy holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyPath {
    /// A folder (or a path that does not exist: the walk reports it): searched for both kinds.
    Folder,
    /// A Rego module.
    Rego,
    /// Kubernetes objects: ConstraintTemplates and Constraints, or a gator suite for `plimsoll test`.
    Objects,
}

impl PolicyPath {
    /// Judges `path` by its extension, and a file with another extension by its first statement.
    pub fn of(path: &Path) -> PolicyPath {
        if !path.is_file() {
            return PolicyPath::Folder;
        }
        if is_rego(path) {
            return PolicyPath::Rego;
        }
        if walk::is_manifest(path) {
            return PolicyPath::Objects;
        }
        match std::fs::read_to_string(path) {
            Ok(text) if starts_with_package(&text) => PolicyPath::Rego,
            _ => PolicyPath::Objects,
        }
    }
}

/// The paths of `paths` that may hold `wanted` (folders always may).
pub fn paths_holding(paths: &[PathBuf], wanted: PolicyPath) -> Vec<PathBuf> {
    paths
        .iter()
        .filter(|path| {
            let holds = PolicyPath::of(path);
            holds == PolicyPath::Folder || holds == wanted
        })
        .cloned()
        .collect()
}

/// Whether the first statement of `text` (after blank lines and comments) declares a package.
fn starts_with_package(text: &str) -> bool {
    let statement = text.lines().map(str::trim).find(|line| !line.is_empty() && !line.starts_with('#'));
    statement.is_some_and(|line| line.strip_prefix("package").is_some_and(|rest| rest.starts_with([' ', '\t'])))
}

/// The Rego modules under `paths`: named Rego files, and the `.rego` files of folders.
pub fn read_policies(paths: &[PathBuf]) -> Result<Vec<PolicyModule>, Vec<PathError>> {
    let collected = walk::collect_files(&paths_holding(paths, PolicyPath::Rego), &is_rego);
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

#[cfg(test)]
mod tests {
    use super::starts_with_package;

    #[test]
    fn a_package_declaration_after_comments_makes_a_rego_module() {
        assert!(starts_with_package("# METADATA\n# title: x\n\npackage main\n"));
        assert!(starts_with_package("package\tmain"));
        assert!(!starts_with_package("packages: [a]\n"));
        assert!(!starts_with_package("apiVersion: v1\npackage main\n"));
        assert!(!starts_with_package(""));
    }
}
