//! Constraints: an instance of a template's kind, with parameters, a match and an action.
//!
//! [`Constraint::from_document`] reads `spec.parameters` (handed to the template as
//! `input.parameters`, `{}` when absent), `spec.match` (see [`super::matching`]) and
//! `spec.enforcementAction`, which sets the severity of its findings.

use super::matching::Match;
use super::{GatekeeperError, Origin};
use crate::engine::convert::to_rego;
use crate::load::Document;
use crate::report::finding::Severity;
use regorus::Value as RegoValue;
use serde_json::Value;

/// What Gatekeeper does with a violation, and so how severe a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnforcementAction {
    /// Reject the request: an error.
    Deny,
    /// Admit with a warning: a warning.
    Warn,
    /// Only record it: an info.
    Dryrun,
}

impl EnforcementAction {
    pub fn severity(self) -> Severity {
        match self {
            EnforcementAction::Deny => Severity::Error,
            EnforcementAction::Warn => Severity::Warning,
            EnforcementAction::Dryrun => Severity::Info,
        }
    }
}

/// A Constraint, ready to match and evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    /// The template's kind.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    pub parameters: RegoValue,
    pub matcher: Match,
    pub action: EnforcementAction,
    pub origin: Origin,
}

impl Constraint {
    /// Reads a Constraint document (`constraints.gatekeeper.sh`).
    pub fn from_document(document: &Document) -> Result<Constraint, GatekeeperError> {
        let value = &document.value;
        let origin = Origin::of(document);
        let kind = value.get("kind").and_then(Value::as_str).unwrap_or_default().to_string();
        let name = value.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default().to_string();
        let error = |message: String| GatekeeperError::Constraint {
            kind: kind.clone(),
            name: name.clone(),
            file: origin.file.clone(),
            line: origin.line,
            message,
        };
        if name.is_empty() {
            return Err(error("metadata.name is missing".into()));
        }
        let spec = value.get("spec");
        let parameters = match spec.and_then(|s| s.get("parameters")) {
            None | Some(Value::Null) => RegoValue::new_object(),
            Some(parameters @ Value::Object(_)) => to_rego(parameters),
            Some(_) => return Err(error("spec.parameters is not a mapping".into())),
        };
        let matcher = match spec.and_then(|s| s.get("match")) {
            None | Some(Value::Null) => Match::default(),
            Some(value) => Match::from_value(value).map_err(|message| error(format!("spec.match: {message}")))?,
        };
        let action = match spec.and_then(|s| s.get("enforcementAction")).and_then(Value::as_str) {
            None | Some("") => EnforcementAction::Deny,
            Some(action) => match action.to_ascii_lowercase().as_str() {
                "deny" => EnforcementAction::Deny,
                "warn" => EnforcementAction::Warn,
                "dryrun" => EnforcementAction::Dryrun,
                _ => {
                    return Err(error(format!("enforcementAction {action:?} is not supported (deny, warn or dryrun)")))
                }
            },
        };
        Ok(Constraint { kind, name, parameters, matcher, action, origin })
    }

    /// The ID findings carry: `<Kind>/<name>`.
    pub fn rule_id(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }
}
