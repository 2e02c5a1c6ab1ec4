//! Report renderers, one file per output format. Each writes a whole report to a writer.

pub mod compact;
pub mod human;
pub mod json;

// CI formats.
pub mod github;
pub mod junit;
pub mod sarif;

use plimsoll_core::report::suppress::SuppressedFinding;
use plimsoll_core::{Finding, RuleMeta};

/// What the CI formats need besides the report.
pub struct Context<'a> {
    /// Every built-in rule (rule descriptors, help text).
    pub rules: &'a [RuleMeta],
    /// The rules this run used, sorted.
    pub enabled: &'a [&'a str],
    /// Whether to include suppressed findings (`--show-suppressed`).
    pub show_suppressed: bool,
}

/// `file:line:col`.
pub fn location(finding: &Finding) -> String {
    format!("{}:{}:{}", finding.file, finding.line(), finding.column())
}

/// `annotation: reason` — how a finding was suppressed, and why when a reason was given.
pub fn suppression_note(suppressed: &SuppressedFinding) -> String {
    let kind = suppressed.suppression.kind.as_str();
    match &suppressed.suppression.reason {
        Some(reason) => format!("{kind}: {reason}"),
        None => kind.to_string(),
    }
}
