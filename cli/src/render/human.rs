//! `--format human`: miette's graphical report for each finding, with the source snippet and a
//! label on the offending field, then a one-line summary.

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use plimsoll_core::{Finding, Report, RuleMeta, Severity};
use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};

/// How human output looks.
pub struct Style {
    pub color: bool,
    pub width: usize,
    /// List suppressed findings before the summary (`--show-suppressed`).
    pub show_suppressed: bool,
    /// End with the summary line (off with `--quiet`).
    pub summary: bool,
}

/// Renders every finding, then the summary.
pub fn render(
    report: &Report,
    texts: &HashMap<&str, &str>,
    rules: &[RuleMeta],
    style: &Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    Renderer::new(rules, style).findings(&report.findings, texts, out)?;
    render_end(report, style, out)
}

/// Renders findings as they come, each with its source's text.
pub struct Renderer {
    handler: GraphicalReportHandler,
    help: HashMap<String, String>,
}

impl Renderer {
    pub fn new(rules: &[RuleMeta], style: &Style) -> Renderer {
        let theme = if style.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
        let handler = GraphicalReportHandler::new_themed(theme).with_width(style.width).with_links(false);
        // User policies may give no remediation: no empty help line then.
        let help = rules
            .iter()
            .filter(|r| !r.remediation.trim().is_empty())
            .map(|r| (r.id.clone(), first_paragraph(&r.remediation)))
            .collect();
        Renderer { handler, help }
    }

    /// Renders `findings`, whose sources' texts `texts` holds.
    pub fn findings(&self, findings: &[Finding], texts: &HashMap<&str, &str>, out: &mut dyn Write) -> io::Result<()> {
        for finding in findings {
            let text = texts.get(&*finding.file).copied().unwrap_or("");
            let help = self.help.get(finding.rule.as_str()).map(String::as_str);
            let diagnostic = FindingDiagnostic::new(finding, text, help);
            let mut rendered = String::new();
            if self.handler.render_report(&mut rendered, &diagnostic).is_err() {
                rendered = format!("{}:{}:{}: {}\n", finding.file, finding.line(), finding.column(), finding.message);
            }
            writeln!(out, "{rendered}")?;
            self.related(finding, texts, out)?;
        }
        Ok(())
    }

    /// Shows the places a finding names besides its own (a rendered field's values-file key) as
    /// snippets of their own.
    fn related(&self, finding: &Finding, texts: &HashMap<&str, &str>, out: &mut dyn Write) -> io::Result<()> {
        for related in &finding.related {
            let text = texts.get(&*related.file).copied().unwrap_or("");
            let mut shown = String::new();
            if self.handler.render_report(&mut shown, &RelatedDiagnostic::new(related, text)).is_ok() {
                writeln!(out, "{shown}")?;
            }
        }
        Ok(())
    }
}

/// What follows the findings: the suppressed ones if asked for, then the summary.
pub fn render_end(report: &Report, style: &Style, out: &mut dyn Write) -> io::Result<()> {
    if style.show_suppressed && !report.suppressed.is_empty() {
        writeln!(out, "suppressed:")?;
        for suppressed in &report.suppressed {
            let finding = &suppressed.finding;
            let note = super::suppression_note(suppressed);
            writeln!(out, "  {}: {} {} ({note})", super::location(finding), finding.rule, finding.message)?;
        }
        writeln!(out)?;
    }
    if style.summary {
        writeln!(out, "{}", summary_line(report))?;
    }
    Ok(())
}

/// The first paragraph of a rule's remediation, as one line (miette wraps it to the width).
fn first_paragraph(text: &str) -> String {
    text.split("\n\n").next().unwrap_or(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `2 errors, 1 warning in 3 files (5 documents)` or `no problems in …`.
pub fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut scope = format!("{} ({})", plural(s.files, "file"), plural(s.documents, "document"));
    if s.suppressed > 0 {
        scope.push_str(&format!("; {} suppressed", s.suppressed));
    }
    if s.findings == 0 {
        return format!("no problems in {scope}");
    }
    let mut parts = Vec::new();
    for (count, word) in [(s.errors, "error"), (s.warnings, "warning"), (s.infos, "info")] {
        if count > 0 {
            parts.push(if word == "info" { format!("{count} info") } else { plural(count, word) });
        }
    }
    format!("{} in {scope}", parts.join(", "))
}

/// A finding dressed as a miette diagnostic.
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: NamedSource<String>,
    span: SourceSpan,
    help: Option<&'a str>,
}

impl<'a> FindingDiagnostic<'a> {
    fn new(finding: &'a Finding, text: &str, help: Option<&'a str>) -> Self {
        let start = (finding.span.start.offset as usize).min(text.len());
        // Label one line at most: a missing field points at its whole enclosing object.
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let end = (finding.span.end.offset as usize).clamp(start, line_end);
        // A rendered finding's file is the one to edit; the label says which render found it.
        let name = match (&finding.rendered, &finding.template) {
            (None, Some(template)) => format!("{} (from {template})", finding.file),
            _ => finding.file.to_string(),
        };
        FindingDiagnostic {
            finding,
            source: NamedSource::new(name, text.to_string()),
            span: SourceSpan::new(start.into(), end - start),
            help,
        }
    }
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.finding.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help.map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let mut label = match &self.finding.path {
            Some(path) if !path.segments().is_empty() => path.to_string(),
            _ => self.finding.severity.to_string(),
        };
        if let Some(rendered) = &self.finding.rendered {
            let set = rendered.value_set.as_deref().map(|set| format!(", values {set}")).unwrap_or_default();
            let exact = if rendered.exact { "" } else { "; the object's first line, the field's own is not known" };
            label = format!("{label} (in {} output of {}{set}{exact})", rendered.renderer, rendered.root);
        }
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(Some(label), self.span))))
    }
}

/// A related location (a values-file key, a template line) shown as a second, labelled snippet
/// under its finding.
struct RelatedDiagnostic {
    message: String,
    source: NamedSource<String>,
    span: SourceSpan,
}

impl RelatedDiagnostic {
    fn new(related: &plimsoll_core::RelatedLocation, text: &str) -> Self {
        // Related places carry lines and columns; the offset is found from them.
        let line_start: usize =
            text.split_inclusive('\n').take(related.span.start.line.saturating_sub(1) as usize).map(str::len).sum();
        let line = text.get(line_start..).unwrap_or("");
        let column: usize =
            line.chars().take(related.span.start.column.saturating_sub(1) as usize).map(char::len_utf8).sum();
        let start = (line_start + column).min(text.len());
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        RelatedDiagnostic {
            message: format!("related: {}", related.message),
            source: NamedSource::new(&related.file, text.to_string()),
            span: SourceSpan::new(start.into(), end - start),
        }
    }
}

impl fmt::Debug for RelatedDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for RelatedDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RelatedDiagnostic {}

impl Diagnostic for RelatedDiagnostic {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(Some("here".to_string()), self.span))))
    }
}
