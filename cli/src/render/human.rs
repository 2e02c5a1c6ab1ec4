//! `--format human`: miette's graphical report for each finding, with the source snippet and a
//! label on the offending field, then a one-line summary.
//!
//! miette is handed only the few lines around each finding ([`Excerpt`]), never the whole text:
//! it finds a span's line by walking its source from the first byte, so a long file (a `kind:
//! List` of thousands of items, a rendered chart on standard input) with many findings would cost
//! time quadratic in its length. Related locations carry a line, not an offset; their lines are
//! found through an index of line starts kept for the last text one was shown from.

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode,
    SourceSpan, SpanContents,
};
use plimsoll_core::{Finding, Report, RuleMeta, Severity};
use std::cell::RefCell;
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
    /// Line starts of the last text a related location was found in (related locations of a
    /// file's findings mostly point into the same few texts).
    lines: RefCell<Option<TextLines>>,
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
        Renderer { handler, help, lines: RefCell::new(None) }
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
            let start = self.related_start(related, text);
            if self.handler.render_report(&mut shown, &RelatedDiagnostic::new(related, text, start)).is_ok() {
                writeln!(out, "{shown}")?;
            }
        }
        Ok(())
    }

    /// The byte offset of a related location in `text`, found from its line and column.
    fn related_start(&self, related: &plimsoll_core::RelatedLocation, text: &str) -> usize {
        let line = related.span.start.line.saturating_sub(1) as usize;
        let mut cached = self.lines.borrow_mut();
        let lines = match cached.take() {
            Some(lines) if lines.is_of(text) => lines,
            _ => TextLines::new(text),
        };
        let line_start = lines.start_of(line).unwrap_or(text.len());
        *cached = Some(lines);
        let rest = text.get(line_start..).unwrap_or("");
        let column: usize =
            rest.chars().take(related.span.start.column.saturating_sub(1) as usize).map(char::len_utf8).sum();
        (line_start + column).min(text.len())
    }
}

/// The byte offset at which each `\n`-ended line of one text starts, 4 bytes a line.
struct TextLines {
    text: (*const u8, usize),
    starts: Vec<u32>,
}

impl TextLines {
    fn new(text: &str) -> TextLines {
        let breaks = text.match_indices('\n').map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX));
        TextLines { text: (text.as_ptr(), text.len()), starts: std::iter::once(0).chain(breaks).collect() }
    }

    fn is_of(&self, text: &str) -> bool {
        self.text == (text.as_ptr(), text.len())
    }

    /// Where line `line` (0-based) starts, if the text has that many lines.
    fn start_of(&self, line: usize) -> Option<usize> {
        self.starts.get(line).map(|&start| start as usize)
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
    source: Excerpt<'a>,
    span: SourceSpan,
    help: Option<&'a str>,
}

impl<'a> FindingDiagnostic<'a> {
    fn new(finding: &'a Finding, text: &'a str, help: Option<&'a str>) -> Self {
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
            source: Excerpt::around(name, text, start, finding.span.start.line as usize),
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
struct RelatedDiagnostic<'a> {
    message: String,
    source: Excerpt<'a>,
    span: SourceSpan,
}

impl<'a> RelatedDiagnostic<'a> {
    /// The related place `related`, which starts at byte `start` of `text`.
    fn new(related: &plimsoll_core::RelatedLocation, text: &'a str, start: usize) -> Self {
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        RelatedDiagnostic {
            message: format!("related: {}", related.message),
            source: Excerpt::around(related.file.to_string(), text, start, related.span.start.line as usize),
            span: SourceSpan::new(start.into(), end - start),
        }
    }
}

impl fmt::Debug for RelatedDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for RelatedDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RelatedDiagnostic<'_> {}

impl Diagnostic for RelatedDiagnostic<'_> {
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

/// A few lines of a named text around one place, standing for the whole text in miette's eyes:
/// offsets stay those of the whole text, and line numbers are shifted to match.
struct Excerpt<'a> {
    name: String,
    lines: &'a str,
    /// Where `lines` starts in the whole text: byte offset and 0-based line.
    start: usize,
    first_line: usize,
}

/// Lines kept on each side of a snippet's line: more than the handler's context (one line).
const EXCERPT_CONTEXT_LINES: usize = 3;

impl<'a> Excerpt<'a> {
    /// The lines around byte `at` of `text`, which is on line `line` (1-based, counted as the
    /// loader counts lines: `\n`, `\r\n` or a lone `\r` ends one, as miette counts them too).
    fn around(name: String, text: &'a str, at: usize, line: usize) -> Self {
        let bytes = text.as_bytes();
        let at = at.min(bytes.len());
        let mut start = at;
        let mut lines_before = 0;
        while start > 0 && lines_before <= EXCERPT_CONTEXT_LINES {
            start = bytes[..start - 1].iter().rposition(|&b| b == b'\n' || b == b'\r').map_or(0, |i| i + 1);
            lines_before += 1;
        }
        // A `\r\n` pair is one line end: do not start between its two bytes.
        if start > 0 && bytes[start] == b'\n' && bytes[start - 1] == b'\r' {
            start += 1;
        }
        let mut end = at;
        for _ in 0..=EXCERPT_CONTEXT_LINES {
            match bytes[end..].iter().position(|&b| b == b'\n' || b == b'\r') {
                Some(i) => {
                    end += i + 1 + usize::from(bytes[end + i] == b'\r' && bytes.get(end + i + 1) == Some(&b'\n'))
                }
                None => {
                    end = bytes.len();
                    break;
                }
            }
        }
        let lines_above = count_line_ends(&bytes[start..at]);
        let first_line = line.saturating_sub(1).saturating_sub(lines_above);
        Excerpt { name, lines: text.get(start..end).unwrap_or(""), start, first_line }
    }
}

/// Line ends in `bytes`, a `\r\n` pair counted once.
fn count_line_ends(bytes: &[u8]) -> usize {
    bytes.iter().enumerate().filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))).count()
}

impl SourceCode for Excerpt<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let offset = span.offset().checked_sub(self.start).ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new(offset.into(), span.len());
        let contents = self.lines.read_span(&local, context_lines_before, context_lines_after)?;
        let whole = SourceSpan::new((contents.span().offset() + self.start).into(), contents.span().len());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            whole,
            contents.line() + self.first_line,
            contents.column(),
            contents.line_count(),
        )))
    }
}
