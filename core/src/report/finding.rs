//! Findings and the report: the plain data every frontend renders.
//!
//! The linter turns rule violations and loader problems into [`Finding`]s (one per offending field,
//! located in the source: [`Finding::new`] at a [`Location`]) and objects the policies could not be
//! evaluated against into [`EvaluationError`]s. A [`FileReport`] holds both for one source;
//! [`Report::from_files`] gathers them, sorted, into a [`Report`] with a [`Summary`], where each
//! evaluation error appears as the error finding reports have always shown for it. The JSON form of
//! a report is normative (docs/report-format.md; see [`Report::to_json`]).

use crate::load::position::{Path, Span};
use crate::load::{Document, ObjectRef};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io;
use std::str::FromStr;
use std::sync::Arc;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "info" => Ok(Severity::Info),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!("unknown severity {other:?} (expected error, warning or info)")),
        }
    }
}

/// One problem, located at the offending field.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Rule ID, `<category>/<name>`.
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    /// The source name as given.
    pub file: Arc<str>,
    /// The offending text: its start gives the reported line and column.
    pub span: Span,
    /// The field the finding is about, relative to the object (absent for loader findings).
    pub path: Option<Path>,
    /// The object the finding is about (absent when the document could not be read).
    pub object: Option<ObjectRef>,
    /// The Helm template the document came from.
    pub template: Option<Arc<str>>,
    /// Index of the YAML document within the file.
    pub document: usize,
    /// Other places that explain the finding (the values-file key a templated value came from,
    /// the base a patched object was written in). Empty for findings on plain files.
    pub related: Vec<RelatedLocation>,
    /// For a finding on rendered output (Helm, Kustomize) that was moved to the file the user
    /// edits: what was rendered, and where the finding was in the rendered stream.
    pub rendered: Option<Arc<Rendered>>,
}

/// Another place a finding concerns, shown beside its location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelatedLocation {
    pub file: Arc<str>,
    #[serde(skip)]
    pub span: Span,
    /// What this place is, e.g. "value set here".
    pub message: String,
}

/// What a finding on rendered output was found in: the renderer's output, before the finding was
/// placed in the file the user edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rendered {
    /// `helm` or `kustomize`.
    pub renderer: String,
    /// The chart's or the kustomization's directory.
    pub root: String,
    /// The named value set a chart was rendered with, when the configuration names several.
    #[serde(rename = "valueSet", skip_serializing_if = "Option::is_none")]
    pub value_set: Option<String>,
    /// The name the rendered stream was linted under (the `file` of its objects in
    /// [`Report::objects`]); not part of the JSON report.
    #[serde(skip)]
    pub stream: Arc<str>,
    /// Where the finding was in the rendered stream (1-based).
    pub line: u32,
    pub column: u32,
    /// False when the field's line in the edited file could not be found with confidence: the
    /// location is then the object's (or the nearest enclosing field's) first line.
    pub exact: bool,
}

/// Where a finding is: the source, the document, and, for a finding about an object, the object
/// and the field.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub file: Arc<str>,
    pub span: Span,
    /// Index of the YAML document within the file.
    pub document: usize,
    /// The Helm template the document came from.
    pub template: Option<Arc<str>>,
    pub object: Option<ObjectRef>,
    pub path: Option<Path>,
}

impl Location {
    /// A field of a document's object, located in the source; without a path the finding is
    /// about the whole object and is shown at its `metadata`.
    pub fn in_object(document: &Document, path: Option<Path>) -> Location {
        let span = match &path {
            Some(path) => document.locate(path).span,
            None => document.locate(&Path::parse("metadata").unwrap_or_default()).span,
        };
        Location { path, span, ..Location::of_document(document) }
    }

    /// A document's object as a whole, spanning the document.
    pub fn of_document(document: &Document) -> Location {
        Location {
            file: document.file.clone(),
            span: document.positions.span,
            document: document.index,
            template: document.template.clone(),
            object: Some(document.object_ref()),
            path: None,
        }
    }

    /// Text of a source that is not (or could not be read as) a Kubernetes object.
    pub fn in_text(file: Arc<str>, span: Span, document: usize, template: Option<Arc<str>>) -> Location {
        Location { file, span, document, template, object: None, path: None }
    }

    /// This location, about the field at `path`.
    pub fn with_path(self, path: Path) -> Location {
        Location { path: Some(path), ..self }
    }
}

impl Finding {
    /// A finding of `rule` at `at`.
    pub fn new(rule: impl Into<String>, severity: Severity, message: impl Into<String>, at: Location) -> Finding {
        let Location { file, span, document, template, object, path } = at;
        Finding {
            rule: rule.into(),
            severity,
            message: message.into(),
            file,
            span,
            path,
            object,
            template,
            document,
            related: Vec::new(),
            rendered: None,
        }
    }

    pub fn line(&self) -> u32 {
        self.span.start.line
    }

    pub fn column(&self) -> u32 {
        self.span.start.column
    }

    /// Sort key: file order is kept by the caller; within a file by position, then rule. A finding
    /// already placed in the file the user edits keeps its rendered stream's order.
    fn sort_key(&self) -> (u32, u32, &str, &str) {
        let (line, column) = match &self.rendered {
            Some(rendered) => (rendered.line, rendered.column),
            None => (self.span.start.line, self.span.start.column),
        };
        (line, column, self.rule.as_str(), self.message.as_str())
    }
}

/// An object the policies could not be evaluated against (a runaway policy, a failing function).
/// Kept apart from the findings so that a caller can tell a failure from a verdict: an admission
/// webhook applies its failure policy to it.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationError {
    /// The object's document.
    pub at: Location,
    /// What the engine said.
    pub reason: String,
}

impl EvaluationError {
    /// The rule ID reports show evaluation failures under.
    pub const RULE: &'static str = "plimsoll/evaluation";

    /// The message reports show.
    pub fn message(&self) -> String {
        format!("policy evaluation failed: {}", self.reason)
    }

    /// As reports show it: an error finding of [`EvaluationError::RULE`] spanning the document.
    pub fn to_finding(&self) -> Finding {
        Finding::new(Self::RULE, Severity::Error, self.message(), self.at.clone())
    }
}

/// The findings of one source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileReport {
    pub file: Arc<str>,
    pub findings: Vec<Finding>,
    /// Objects whose evaluation failed (not suppressed), in source order.
    pub errors: Vec<EvaluationError>,
    /// YAML documents read (list items counted one by one).
    pub documents: usize,
    /// Findings that an exemption, annotation or comment suppressed (see [`crate::report::suppress`]).
    pub suppressed: Vec<SuppressedFinding>,
    /// The Kubernetes objects linted, in source order.
    pub objects: Vec<LintedObject>,
}

/// A Kubernetes object that was linted: reports that list checks per object (JUnit) need the
/// objects without findings too.
#[derive(Debug, Clone, PartialEq)]
pub struct LintedObject {
    pub file: Arc<str>,
    pub object: ObjectRef,
    /// Index of the YAML document within the file.
    pub document: usize,
    /// Whether the object carries a pod spec (rules scoped to pod specs looked at it).
    pub pod_spec: bool,
}

impl FileReport {
    pub(crate) fn sort(&mut self) {
        self.findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.suppressed.sort_by(|a, b| a.finding.sort_key().cmp(&b.finding.sort_key()));
    }
}

/// How a finding came to be suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressionKind {
    /// A configuration file exemption.
    Exemption,
    /// A `plimsoll.io/ignore` annotation on the object.
    Annotation,
    /// A `# plimsoll-ignore:` comment.
    Comment,
    /// An entry of the baseline file.
    Baseline,
}

impl SuppressionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionKind::Exemption => "exemption",
            SuppressionKind::Annotation => "annotation",
            SuppressionKind::Comment => "comment",
            SuppressionKind::Baseline => "baseline",
        }
    }
}

/// Why a finding is not reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    pub kind: SuppressionKind,
    /// The reason given with the suppression, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A finding that a suppression hid.
#[derive(Debug, Clone, PartialEq)]
pub struct SuppressedFinding {
    pub finding: Finding,
    pub suppression: Suppression,
}

/// Counts over a whole run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub findings: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Findings not reported because a suppression or the baseline covers them. An addition to
    /// the normative report: serialized only when non-zero, so reports without suppressions read
    /// exactly as before.
    #[serde(skip_serializing_if = "is_zero")]
    pub suppressed: usize,
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

/// All findings of a run, in input order (files as given, findings by position within a file).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// Findings kept out of `findings` by a suppression or the baseline, in input order.
    pub suppressed: Vec<SuppressedFinding>,
    /// Every object linted, in input order.
    pub objects: Vec<LintedObject>,
}

impl Report {
    /// Gathers file reports (already in input order). Evaluation errors join their file's
    /// findings as [`EvaluationError::to_finding`] shows them.
    pub fn from_files(files: Vec<FileReport>) -> Report {
        let mut report = Report { summary: Summary { files: files.len(), ..Summary::default() }, ..Report::default() };
        // Sized once: growing these by doubling over a large run copied them several times over.
        report.findings.reserve_exact(files.iter().map(|file| file.findings.len() + file.errors.len()).sum());
        report.objects.reserve_exact(files.iter().map(|file| file.objects.len()).sum());
        for mut file in files {
            if !file.errors.is_empty() {
                file.findings.extend(file.errors.iter().map(EvaluationError::to_finding));
                file.sort();
            }
            report.summary.documents += file.documents;
            report.findings.extend(file.findings);
            report.suppressed.extend(file.suppressed);
            report.objects.extend(file.objects);
        }
        report.recount();
        report
    }

    /// Recomputes the finding counts of the summary (after findings moved to `suppressed`).
    pub fn recount(&mut self) {
        let summary = &mut self.summary;
        (summary.errors, summary.warnings, summary.infos) = (0, 0, 0);
        for finding in &self.findings {
            match finding.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        summary.findings = self.findings.len();
        summary.suppressed = self.suppressed.len();
    }

    /// The most severe finding, if any.
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// The normative JSON report:
    ///
    /// ```json
    /// {"version": 1,
    ///  "findings": [{"rule", "severity", "message", "file", "line", "column",
    ///                "path"?, "object"?: {"apiVersion", "kind", "namespace"?, "name"?}, "template"?}],
    ///  "summary": {"files", "documents", "findings", "errors", "warnings", "infos"}}
    /// ```
    /// `line` and `column` are 1-based (columns count characters); `path` uses dots and `[index]`,
    /// with `["key"]` for keys holding dots or slashes; optional members are omitted when absent.
    pub fn to_json(&self) -> String {
        let mut text = Vec::new();
        // Writing into a Vec cannot fail, and the report is UTF-8 by construction.
        let _ = self.write_json(&mut text);
        String::from_utf8(text).unwrap_or_default()
    }

    /// Writes [`Report::to_json`]'s text, without a trailing newline, straight to `out`: a large
    /// run's report is never held in memory as a whole. The same bytes as [`JsonReportWriter`]
    /// streams.
    pub fn write_json(&self, out: &mut dyn io::Write) -> io::Result<()> {
        let mut buffered = io::BufWriter::with_capacity(1 << 16, out);
        let mut writer = JsonReportWriter::begin(&mut buffered)?;
        writer.findings(&self.findings, &mut buffered)?;
        writer.end(&self.summary, None, &mut buffered)?;
        io::Write::flush(&mut buffered)
    }

    /// The JSON report with the suppressed findings listed too, after `summary`:
    /// `"suppressed": [{…finding…, "suppression": {"kind", "reason"?}}]`, where `kind` is
    /// `exemption`, `annotation`, `comment` or `baseline`.
    pub fn to_json_with_suppressed(&self) -> String {
        let mut text = Vec::new();
        let _ = self.write_json_with_suppressed(&mut text);
        String::from_utf8(text).unwrap_or_default()
    }

    /// Writes [`Report::to_json_with_suppressed`]'s text straight to `out`.
    pub fn write_json_with_suppressed(&self, out: &mut dyn io::Write) -> io::Result<()> {
        let mut buffered = io::BufWriter::with_capacity(1 << 16, out);
        let mut writer = JsonReportWriter::begin(&mut buffered)?;
        writer.findings(&self.findings, &mut buffered)?;
        writer.end(&self.summary, Some(&self.suppressed), &mut buffered)?;
        io::Write::flush(&mut buffered)
    }
}

/// The normative JSON report ([`Report::to_json`]) written as the findings come: the opening,
/// the findings in any number of calls, then the summary (and the suppressed findings). The text is
/// serde_json's pretty printing of the whole report, made piece by piece: each member is printed
/// alone and indented to its depth (JSON strings hold no raw line breaks, so indenting is adding
/// spaces after each line break).
#[derive(Debug, Default)]
pub struct JsonReportWriter {
    written: usize,
}

impl JsonReportWriter {
    /// Writes the opening, up to the findings array's first item.
    pub fn begin(out: &mut dyn io::Write) -> io::Result<JsonReportWriter> {
        out.write_all(b"{\n  \"version\": 1,\n  \"findings\": [")?;
        Ok(JsonReportWriter::default())
    }

    /// Writes findings, continuing the array.
    pub fn findings(&mut self, findings: &[Finding], out: &mut dyn io::Write) -> io::Result<()> {
        for finding in findings {
            out.write_all(if self.written == 0 { b"\n    " } else { b",\n    " })?;
            write_indented(out, &JsonFinding::from(finding), 4)?;
            self.written += 1;
        }
        Ok(())
    }

    /// Ends the findings and writes the summary, and the suppressed findings when given.
    pub fn end(
        self,
        summary: &Summary,
        suppressed: Option<&[SuppressedFinding]>,
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        out.write_all(if self.written == 0 { b"],\n  \"summary\": " } else { b"\n  ],\n  \"summary\": " })?;
        write_indented(out, summary, 2)?;
        if let Some(suppressed) = suppressed {
            out.write_all(b",\n  \"suppressed\": [")?;
            for (i, s) in suppressed.iter().enumerate() {
                out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
                let item = JsonSuppressed { finding: JsonFinding::from(&s.finding), suppression: &s.suppression };
                write_indented(out, &item, 4)?;
            }
            out.write_all(if suppressed.is_empty() { b"]" } else { b"\n  ]" })?;
        }
        out.write_all(b"\n}")
    }
}

/// `value` pretty-printed as a member `depth` spaces deep: every line after the first indented.
fn write_indented(out: &mut dyn io::Write, value: &impl Serialize, depth: usize) -> io::Result<()> {
    let text = serde_json::to_vec_pretty(value).map_err(io::Error::from)?;
    let indent = format!("\n{}", " ".repeat(depth));
    let mut lines = text.split(|&b| b == b'\n');
    if let Some(first) = lines.next() {
        out.write_all(first)?;
    }
    for line in lines {
        out.write_all(indent.as_bytes())?;
        out.write_all(line)?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonSuppressed<'a> {
    #[serde(flatten)]
    finding: JsonFinding<'a>,
    suppression: &'a Suppression,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a Path>,
    #[serde(skip_serializing_if = "Option::is_none")]
    object: Option<&'a ObjectRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    template: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rendered: Option<&'a Rendered>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    message: &'a str,
}

impl<'a> From<&'a Finding> for JsonFinding<'a> {
    fn from(finding: &'a Finding) -> Self {
        JsonFinding {
            rule: &finding.rule,
            severity: finding.severity,
            message: &finding.message,
            file: &finding.file,
            line: finding.line(),
            column: finding.column(),
            path: finding.path.as_ref(),
            object: finding.object.as_ref(),
            template: finding.template.as_deref(),
            related: finding
                .related
                .iter()
                .map(|r| JsonRelated {
                    file: &r.file,
                    line: r.span.start.line,
                    column: r.span.start.column,
                    message: &r.message,
                })
                .collect(),
            rendered: finding.rendered.as_deref(),
        }
    }
}
