//! What the editor shows: findings as diagnostics (rule ID as `code`, the rule's page as
//! `codeDescription`, the severity mapped, the range of the offending text in the negotiated
//! encoding, related locations in this or another file of the folder), configuration problems as diagnostics on the configuration file, and a rule's
//! explanation on hover.

use super::text::{Encoding, Text};
use super::workspace::{ConfigProblem, Folder};
use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Hover, HoverContents, Location,
    MarkupContent, MarkupKind, NumberOrString, Position, Range, Url,
};
use plimsoll_core::{Finding, RelatedLocation, Severity};
use std::collections::HashMap;

/// The page of each rule that has one (the built-in rules; not the loader's, not user
/// policies'), made once from a URL template with `{rule}`, `{category}` and `{name}` to fill in.
pub struct RulePages {
    urls: HashMap<String, Url>,
}

impl RulePages {
    pub fn new(template: &str, documented: impl IntoIterator<Item = String>) -> Self {
        let url = |rule: &str| {
            let (category, name) = rule.split_once('/')?;
            Url::parse(&template.replace("{rule}", rule).replace("{category}", category).replace("{name}", name)).ok()
        };
        let urls = documented.into_iter().filter_map(|rule| Some((url(&rule)?, rule))).map(|(u, r)| (r, u)).collect();
        RulePages { urls }
    }

    pub fn url(&self, rule: &str) -> Option<Url> {
        self.urls.get(rule).cloned()
    }
}

/// The files a document's findings point into: the document itself and, for related locations
/// (the Service an Ingress names), the folder's saved manifests, by the names findings give them.
pub struct Places<'a> {
    uri: &'a Url,
    name: &'a str,
    text: &'a Text,
    /// The other files related locations name, with their text when the folder holds it.
    others: HashMap<&'a str, (Option<Url>, Option<Text>)>,
}

impl<'a> Places<'a> {
    /// The places of `findings`, a lint of `text` (named `name` in findings) in `folder`.
    pub fn new(uri: &'a Url, name: &'a str, text: &'a Text, folder: &'a Folder, findings: &'a [Finding]) -> Self {
        let mut others = HashMap::new();
        for file in findings.iter().flat_map(|f| &f.related).map(|r| &*r.file).filter(|&file| file != name) {
            others.entry(file).or_insert_with(|| {
                let saved = folder.manifests.iter().find(|(n, _)| n == file).map(|(_, t)| Text::new(t.clone()));
                (Url::from_file_path(folder.root.join(file)).ok(), saved)
            });
        }
        Places { uri, name, text, others }
    }

    /// A related location in the editor's terms; `None` for a file that is not a path.
    fn location(&self, related: &RelatedLocation, encoding: Encoding) -> Option<Location> {
        let span = related.span;
        if &*related.file == self.name {
            let range = self.text.range(span.start.offset as usize, span.end.offset as usize, encoding);
            return Some(Location { uri: self.uri.clone(), range });
        }
        let (uri, text) = self.others.get(&*related.file)?;
        let range = match text {
            Some(text) => text.range(span.start.offset as usize, span.end.offset as usize, encoding),
            // Not among the texts held (it changed meanwhile): the report's line and column.
            None => {
                let at = Position {
                    line: span.start.line.saturating_sub(1),
                    character: span.start.column.saturating_sub(1),
                };
                Range { start: at, end: at }
            }
        };
        Some(Location { uri: uri.clone()?, range })
    }
}

/// A finding as a diagnostic. Its related locations (the object another one names, the key a
/// value came from) are its related information; findings about an object also point back at the
/// object's name, so that a list of diagnostics says which object it is.
pub fn diagnostic(finding: &Finding, places: &Places<'_>, encoding: Encoding, pages: &RulePages) -> Diagnostic {
    let span = finding.span;
    let range = places.text.range(span.start.offset as usize, span.end.offset as usize, encoding);
    let object = finding.object.as_ref().map(|object| {
        let name = [object.namespace.as_deref(), object.name.as_deref()].into_iter().flatten();
        let name = name.collect::<Vec<_>>().join("/");
        let path = finding.path.as_ref().map(|p| format!(" at {p}")).unwrap_or_default();
        DiagnosticRelatedInformation {
            location: Location { uri: places.uri.clone(), range },
            message: format!("{} {name}{path}", object.kind),
        }
    });
    let related = finding.related.iter().filter_map(|related| {
        let location = places.location(related, encoding)?;
        Some(DiagnosticRelatedInformation { location, message: related.message.clone() })
    });
    let related: Vec<DiagnosticRelatedInformation> = object.into_iter().chain(related).collect();
    Diagnostic {
        range,
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.rule.clone())),
        code_description: pages.url(&finding.rule).map(|href| CodeDescription { href }),
        source: Some("plimsoll".to_string()),
        message: finding.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
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
