//! What the editor shows: findings as diagnostics (rule ID as `code`, the rule's page as
//! `codeDescription`, the severity mapped, the range of the offending text in the negotiated
//! encoding), configuration problems as diagnostics on the configuration file, and a rule's
//! explanation on hover.

use super::text::{Encoding, Text};
use super::workspace::{ConfigProblem, Folder};
use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Hover, HoverContents, Location,
    MarkupContent, MarkupKind, NumberOrString, Position, Range, Url,
};
use plimsoll_core::{Finding, Severity};
use std::collections::HashSet;

/// Where rule pages are: a URL with `{rule}`, `{category}` and `{name}` to fill in, for the
/// rules that have a page (the built-in ones; not the loader's, not user policies').
pub struct RulePages<'a> {
    pub template: &'a str,
    pub documented: &'a HashSet<String>,
}

impl RulePages<'_> {
    pub fn url(&self, rule: &str) -> Option<Url> {
        if !self.documented.contains(rule) {
            return None;
        }
        let (category, name) = rule.split_once('/')?;
        let url = self.template.replace("{rule}", rule).replace("{category}", category).replace("{name}", name);
        Url::parse(&url).ok()
    }
}

/// A finding as a diagnostic. Findings about one container of an object point back at the
/// object's name (related information), so that a list of diagnostics says which object it is.
pub fn diagnostic(finding: &Finding, text: &Text, encoding: Encoding, pages: &RulePages<'_>, uri: &Url) -> Diagnostic {
    let range = text.range(finding.span.start.offset as usize, finding.span.end.offset as usize, encoding);
    let related = finding.object.as_ref().map(|object| {
        let name = [object.namespace.as_deref(), object.name.as_deref()].into_iter().flatten();
        let name = name.collect::<Vec<_>>().join("/");
        let path = finding.path.as_ref().map(|p| format!(" at {p}")).unwrap_or_default();
        vec![DiagnosticRelatedInformation {
            location: Location { uri: uri.clone(), range },
            message: format!("{} {name}{path}", object.kind),
        }]
    });
    Diagnostic {
        range,
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.rule.clone())),
        code_description: pages.url(&finding.rule).map(|href| CodeDescription { href }),
        source: Some("plimsoll".to_string()),
        message: finding.message.clone(),
        related_information: related,
        ..Diagnostic::default()
    }
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// A configuration problem on the configuration file's text, to the end of its line.
pub fn config_diagnostic(problem: &ConfigProblem, text: &Text, encoding: Encoding) -> Diagnostic {
    let line = problem.line.saturating_sub(1) as usize;
    let line_text = text.line_text(line);
    let column =
        line_text.char_indices().nth(problem.column.saturating_sub(1) as usize).map_or(line_text.len(), |(at, _)| at);
    let start = text.line_start(line) + column;
    let end = text.line_start(line) + line_text.len();
    Diagnostic {
        range: text.range(start, end.max(start), encoding),
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String("config".to_string())),
        source: Some("plimsoll".to_string()),
        message: problem.message.clone(),
        ..Diagnostic::default()
    }
}

/// The explanation of every finding at `position`: the message, then the rule's documentation.
pub fn hover(
    findings: &[Finding],
    folder: &Folder,
    text: &Text,
    position: Position,
    encoding: Encoding,
) -> Option<Hover> {
    let offset = text.offset(position, encoding) as u32;
    let here: Vec<&Finding> =
        findings.iter().filter(|f| f.span.start.offset <= offset && offset <= f.span.end.offset).collect();
    let first = here.first()?;
    let mut markdown = String::new();
    for finding in &here {
        markdown.push_str(&format!("**{}** ({}): {}\n\n", finding.rule, finding.severity, finding.message));
        if let Some(rule) = folder.rule(&finding.rule) {
            markdown.push_str(&format!("```text\n{}```\n\n", crate::rule_docs::explain_text(rule)));
        }
    }
    let range: Range = text.range(first.span.start.offset as usize, first.span.end.offset as usize, encoding);
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: markdown }),
        range: Some(range),
    })
}
