//! The CLI's one error type: whatever stops a command. Commands return it; `main` renders it on
//! standard error, once, and exits with status 2.
//!
//! Core's errors name settings (`crds`, `images.trusted_keys`); where a flag sets the same thing,
//! [`CliError::from_build`] adds a hint naming the flag.

use crate::config_file::LoadError;
use crate::walk::PathError;
use miette::Diagnostic;
use plimsoll_core::BuildError;
use std::fmt;
use std::io::{self, Write};

/// Why a command stopped.
pub enum CliError {
    /// One line: `plimsoll: <message>`.
    Message(String),
    /// Files that could not be read, one line each: `plimsoll: <path>: <message>`.
    Paths(Vec<PathError>),
    /// Diagnostics with their code, help and source snippet, one after another.
    Diagnostics(Vec<miette::Report>),
}

impl CliError {
    pub fn message(message: impl Into<String>) -> Self {
        CliError::Message(message.into())
    }

    pub fn diagnostic(error: impl Diagnostic + Send + Sync + 'static) -> Self {
        CliError::Diagnostics(vec![miette::Report::new(error)])
    }

    /// A linter that could not be built, with the flag that sets what core's message names.
    pub fn from_build(error: BuildError) -> Self {
        let help = match &error {
            BuildError::Schema(_) => {
                Some("--crd takes CustomResourceDefinition YAML files and JSON schema files or directories")
            }
            BuildError::Setting { key, .. } if key == "images.trusted_keys" => {
                Some("--trusted-key and the configuration's images.trusted_keys name the keys to trust")
            }
            _ => None,
        };
        match help {
            Some(help) => CliError::diagnostic(WithHelp { error, help }),
            None => CliError::diagnostic(error),
        }
    }

    /// Writes the error as the command line shows it.
    pub fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        match self {
            CliError::Message(message) => writeln!(out, "plimsoll: {message}"),
            CliError::Paths(errors) => {
                errors.iter().try_for_each(|e| writeln!(out, "plimsoll: {}: {}", e.path, e.message))
            }
            CliError::Diagnostics(reports) => reports.iter().try_for_each(|report| writeln!(out, "{report:?}")),
        }
    }
}

impl From<LoadError> for CliError {
    fn from(error: LoadError) -> Self {
        match error {
            LoadError::Read { name, message } => {
                CliError::Message(format!("cannot read the configuration {name}: {message}"))
            }
            LoadError::Invalid(errors) => {
                CliError::Diagnostics(errors.0.into_iter().map(miette::Report::new).collect())
            }
        }
    }
}

impl From<Vec<PathError>> for CliError {
    fn from(errors: Vec<PathError>) -> Self {
        CliError::Paths(errors)
    }
}

/// A build error shown with the command line's help instead of core's.
#[derive(Debug)]
struct WithHelp {
    error: BuildError,
    help: &'static str,
}

impl fmt::Display for WithHelp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for WithHelp {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}

impl Diagnostic for WithHelp {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.error.code()
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.help))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(error: &CliError) -> String {
        let mut out = Vec::new();
        error.render(&mut out).expect("writing to memory");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn messages_and_paths_are_one_line_each() {
        assert_eq!(rendered(&CliError::message("no tests found")), "plimsoll: no tests found\n");
        let paths = vec![
            PathError { path: "a.yaml".into(), message: "no such file or directory".into() },
            PathError { path: "b/".into(), message: "permission denied".into() },
        ];
        assert_eq!(
            rendered(&CliError::from(paths)),
            "plimsoll: a.yaml: no such file or directory\nplimsoll: b/: permission denied\n"
        );
    }

    #[test]
    fn build_errors_get_the_flag_as_a_hint() {
        let missing_key = BuildError::Setting {
            key: "images.trusted_keys".into(),
            message: "signature material was given, but no trusted key to verify it with".into(),
        };
        let text = rendered(&CliError::from_build(missing_key));
        assert!(text.contains("plimsoll::setting") && text.contains("--trusted-key"), "{text}");
        let unknown = BuildError::UnknownRule { name: "nope".into(), suggestion: None };
        let text = rendered(&CliError::from_build(unknown));
        assert!(text.contains("unknown rule \"nope\"") && text.contains("`plimsoll rules` lists"), "{text}");
    }
}
