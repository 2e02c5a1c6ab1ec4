//! Rendered sources: Helm charts and Kustomize kustomizations, and where a finding on their output
//! is edited.
//!
//! The frontends run the renderers (core never does I/O) and hand core a [`RenderedSource`]: the
//! rendered stream to lint, with what is needed to place its findings. Core lints the stream as any
//! other source, and [`Placing`] moves each finding on a rendered object to the file the user
//! writes, reading those files through the frontend's [`ReadFile`] (each file read, parsed, indexed
//! by line and scanned for ignore comments once per run). A Kustomize object's findings are placed
//! by the lint's worker that holds the object ([`Placing::place_object`], given to
//! [`crate::Linter::lint_sources_then`]); the rest (Helm's, whose template sections are counted
//! over the whole stream, and whatever a lint without workers leaves) after the lint, on the
//! stream read again ([`Placing::finish`]; [`relocate`] does only this):
//! - [`kustomize`] reads the origin annotations kustomize adds to its output (removed before
//!   linting) and finds the field in the resource file, the patch or the generator entry;
//! - for Helm, the template named by `# Source:` ([`helm`] finds the template line and the
//!   values-file key where it can; otherwise the object's first line in the template, not exact).
//!
//! A relocated finding keeps its rendered place in [`Rendered`] and, after relocation, `#
//! plimsoll-ignore:` comments in the edited file suppress it as they would in a plain manifest.

pub mod helm;
pub mod kustomize;

pub use crate::rules::native::{RENDER_ERROR, RENDER_UNAVAILABLE};

use crate::load::position::{line_starts, Path, PathSegment, Pos, PosNode, Span};
use crate::load::{self, Document};
use crate::report::finding::{RelatedLocation, Rendered, Report, SuppressedFinding};
use crate::report::suppress::{self, Comments};
use crate::report::Finding;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// Reads a file the frontend can see, by the name reports show for it; `None` when it cannot.
pub type ReadFile<'a> = dyn Fn(&str) -> Option<Arc<str>> + Sync + 'a;

/// The tool that rendered a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renderer {
    Helm,
    Kustomize,
}

impl Renderer {
    pub fn as_str(self) -> &'static str {
        match self {
            Renderer::Helm => "helm",
            Renderer::Kustomize => "kustomize",
        }
    }
}

/// A renderer's output, ready to lint, and how to place its findings.
#[derive(Debug, Clone)]
pub struct RenderedSource {
    /// The name the stream is linted under (reports show it only for what cannot be placed).
    pub name: String,
    /// The stream to lint.
    pub text: String,
    pub renderer: Renderer,
    /// The chart's or kustomization's directory, as reports show paths.
    pub root: String,
    /// The named value set of a chart rendered several times.
    pub value_set: Option<String>,
    mapping: Mapping,
}

#[derive(Debug, Clone)]
enum Mapping {
    /// Per document of `text`, where kustomize says it came from.
    Kustomize(Vec<kustomize::DocumentOrigin>),
    /// Templates are named `<chart name>/templates/…` by `# Source:`; files live under `root`.
    /// With the chart's files, findings are placed at the template line that writes the field.
    Helm(Option<Box<helm::ChartSources>>),
}

impl RenderedSource {
    /// `helm template` output (or output piped in for a chart named with `--chart`): findings go
    /// to the templates under `root`, at the line that writes the field when `chart` (the chart's
    /// templates and values, as the render used them) is given, else at the object's first line.
    pub fn helm(
        name: String,
        text: String,
        root: String,
        value_set: Option<String>,
        chart: Option<helm::ChartSources>,
    ) -> RenderedSource {
        let mapping = Mapping::Helm(chart.map(Box::new));
        RenderedSource { name, text, renderer: Renderer::Helm, root, value_set, mapping }
    }

    /// `kustomize build` output with origin annotations; `resolve` turns a path as the annotations
    /// write it into the name reports use for that file. The annotations are removed from the text
    /// that is linted.
    pub fn kustomize(name: String, output: &str, root: String, resolve: &dyn Fn(&str) -> String) -> RenderedSource {
        let (text, origins) = kustomize::prepare(output, resolve);
        RenderedSource {
            name,
            text,
            renderer: Renderer::Kustomize,
            root,
            value_set: None,
            mapping: Mapping::Kustomize(origins),
        }
    }
}

/// The YAML documents of a file (or of a patch inside one), with their positions.
pub(crate) type Documents = Arc<Vec<(Value, PosNode)>>;

/// A file placing findings reads, with what is made from its text once: its lines (as the loader
/// counts them) and its ignore comments.
pub(crate) struct SourceFile {
    pub(crate) text: Arc<str>,
    line_starts: OnceLock<Vec<usize>>,
    comments: OnceLock<Comments>,
}

impl SourceFile {
    pub(crate) fn new(text: Arc<str>) -> SourceFile {
        SourceFile { text, line_starts: OnceLock::new(), comments: OnceLock::new() }
    }

    /// Recomputes a span's byte offsets from its lines and columns (spans moved from a parsed
    /// fragment into the file it is embedded in), lines ending where the loader ends them.
    pub(crate) fn with_offsets(&self, span: Span) -> Span {
        let starts = self.line_starts.get_or_init(|| line_starts(&self.text));
        let offset = |pos: Pos| {
            let line = (pos.line as usize).clamp(1, starts.len().max(1));
            let start = starts.get(line - 1).copied().unwrap_or_default();
            let end = starts.get(line).copied().unwrap_or(self.text.len());
            let text = self.text.get(start..end).unwrap_or_default();
            let column = pos.column.saturating_sub(1) as usize;
            let within = text.char_indices().nth(column).map_or(text.len(), |(at, _)| at);
            Pos { offset: (start + within) as u32, ..pos }
        };
        Span { start: offset(span.start), end: offset(span.end) }
    }

    /// The `# plimsoll-ignore:` comments of the file.
    fn comments(&self) -> &Comments {
        self.comments.get_or_init(|| Comments::scan_from(&self.text, 1))
    }
}

/// The files placing findings reads, each read, and parsed, once per run, from any thread.
pub(crate) struct Files<'a> {
    read: &'a ReadFile<'a>,
    files: Mutex<HashMap<String, Option<Arc<SourceFile>>>>,
    parsed: Mutex<HashMap<String, Documents>>,
}

impl<'a> Files<'a> {
    fn new(read: &'a ReadFile<'a>) -> Files<'a> {
        Files { read, files: Mutex::default(), parsed: Mutex::default() }
    }

    /// A file, by the name reports give it.
    pub(crate) fn file(&self, name: &str) -> Option<Arc<SourceFile>> {
        if let Some(file) = self.files.lock().unwrap_or_else(PoisonError::into_inner).get(name) {
            return file.clone();
        }
        // Read without the lock: other threads place findings meanwhile.
        let file = (self.read)(name).map(|text| Arc::new(SourceFile::new(text)));
        let mut files = self.files.lock().unwrap_or_else(PoisonError::into_inner);
        files.entry(name.to_string()).or_insert(file).clone()
    }

    /// The YAML documents of `text`, which `key` names (a file, or a patch inside one).
    pub(crate) fn documents(&self, key: &str, text: &str) -> Documents {
        if let Some(documents) = self.parsed.lock().unwrap_or_else(PoisonError::into_inner).get(key) {
            return documents.clone();
        }
        let documents: Documents =
            Arc::new(load::read_documents(text).into_iter().filter_map(|raw| raw.result.ok().flatten()).collect());
        let mut parsed = self.parsed.lock().unwrap_or_else(PoisonError::into_inner);
        parsed.entry(key.to_string()).or_insert(documents).clone()
    }
}

/// Where a finding on a rendered object is edited.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Placement {
    pub file: Arc<str>,
    pub span: Span,
    pub exact: bool,
    pub related: Vec<RelatedLocation>,
}

/// Moves the findings (and suppressed findings) of the rendered `sources` in `report` to the files
/// the user edits; findings whose edited line carries a `# plimsoll-ignore:` comment for their
/// rule are suppressed when `inline_ignores` is on. Other findings are left as they are.
pub fn relocate(report: &mut Report, sources: &[RenderedSource], read: &ReadFile<'_>, inline_ignores: bool) {
    Placing::new(sources, read, inline_ignores).finish(report);
}

/// Placing the findings of rendered sources in the files the user edits, while they are linted and
/// after: [`Placing::place_object`] places an object's findings where the lint holds the object
/// (on the worker thread that linted it, for [`crate::Linter::lint_sources_then`]), and
/// [`Placing::finish`] places what is left in the report and applies the edited files' ignore
/// comments. `finish` alone places everything, as [`relocate`] does.
pub struct Placing<'a> {
    by_name: HashMap<&'a str, Placer<'a>>,
    files: Files<'a>,
    inline_ignores: bool,
}

impl<'a> Placing<'a> {
    pub fn new(sources: &'a [RenderedSource], read: &'a ReadFile<'a>, inline_ignores: bool) -> Placing<'a> {
        let by_name = sources.iter().map(|s| (s.name.as_str(), Placer::new(s))).collect();
        Placing { by_name, files: Files::new(read), inline_ignores }
    }

    /// Places the findings and suppressed findings of one linted object of a rendered source, when
    /// the object alone says where (Kustomize output: its origin annotations; a Helm template's
    /// objects are counted over the whole stream, and are placed by [`Placing::finish`]).
    pub fn place_object(&self, document: &Document, findings: &mut [Finding], suppressed: &mut [SuppressedFinding]) {
        let Some(placer) = self.by_name.get(&*document.file) else { return };
        let Mapping::Kustomize(origins) = &placer.source.mapping else { return };
        // The first object of a document stands for it (as `finish` finds it), a list's item 0.
        if document.item.is_some_and(|item| item > 0) {
            return;
        }
        // Looked up with the first finding on the object, for all of them.
        let mut object = None;
        let suppressed = suppressed.iter_mut().map(|s| &mut s.finding);
        for finding in findings.iter_mut().chain(suppressed) {
            if finding.file == document.file && finding.document == document.index && finding.rendered.is_none() {
                let placement = match finding.object {
                    Some(_) => object
                        .get_or_insert_with(|| {
                            origins
                                .get(document.index)
                                .map(|origin| kustomize::Object::new(origin, document, &self.files))
                        })
                        .as_ref()
                        .and_then(|object| object.place(finding, &self.files)),
                    None => None,
                };
                placer.apply(finding, placement);
            }
        }
    }

    /// Places the findings of rendered sources that are still where the lint made them, then
    /// suppresses those whose edited line carries an ignore comment for their rule.
    pub fn finish(&self, report: &mut Report) {
        if self.by_name.is_empty() {
            return;
        }
        self.place_left(&mut report.findings);
        let mut findings = Vec::with_capacity(report.findings.len());
        for finding in std::mem::take(&mut report.findings) {
            match self.suppressed_by_comment(&finding) {
                Some(suppression) => report.suppressed.push(SuppressedFinding { finding, suppression }),
                None => findings.push(finding),
            }
        }
        report.findings = findings;
        for suppressed in &mut report.suppressed {
            self.place_if_rendered(&mut suppressed.finding);
        }
        report.recount();
    }

    /// Places the findings the lint left where it made them, on the pool's threads.
    #[cfg(feature = "parallel")]
    fn place_left(&self, findings: &mut [Finding]) {
        use rayon::prelude::*;
        findings.par_iter_mut().for_each(|finding| self.place_if_rendered(finding));
    }

    #[cfg(not(feature = "parallel"))]
    fn place_left(&self, findings: &mut [Finding]) {
        findings.iter_mut().for_each(|finding| self.place_if_rendered(finding));
    }

    fn place_if_rendered(&self, finding: &mut Finding) {
        if let Some(placer) = self.by_name.get(&*finding.file) {
            placer.place(finding, &self.files);
        }
    }

    fn suppressed_by_comment(&self, finding: &Finding) -> Option<crate::report::finding::Suppression> {
        if !self.inline_ignores || finding.rendered.is_none() {
            return None;
        }
        let file = self.files.file(&finding.file)?;
        suppress::comment_suppression_in(file.comments(), finding.line(), &finding.rule)
    }
}

/// Places the findings of one rendered source. Those the lint did not place are placed after it,
/// on the source's documents read again (once, when there is such a finding).
struct Placer<'a> {
    source: &'a RenderedSource,
    documents: OnceLock<Vec<Document>>,
}

impl<'a> Placer<'a> {
    fn new(source: &'a RenderedSource) -> Placer<'a> {
        Placer { source, documents: OnceLock::new() }
    }

    fn documents(&self) -> &[Document] {
        self.documents.get_or_init(|| load::load(&self.source.name, &self.source.text).documents)
    }

    /// Places a finding after the lint: on the first object of its document.
    fn place(&self, finding: &mut Finding, files: &Files<'_>) {
        let document = self.documents().iter().find(|d| d.index == finding.document && finding.object.is_some());
        self.place_on(finding, document, files);
    }

    /// Places a finding on `document` (`None`: a finding about no object).
    fn place_on(&self, finding: &mut Finding, document: Option<&Document>, files: &Files<'_>) {
        let placement = match (&self.source.mapping, document) {
            (Mapping::Kustomize(origins), Some(document)) => origins
                .get(document.index)
                .and_then(|origin| kustomize::Object::new(origin, document, files).place(finding, files)),
            (Mapping::Helm(chart), _) => self.place_in_template(chart.as_deref(), finding, document, files),
            _ => None,
        };
        self.apply(finding, placement);
    }

    /// Moves `finding` to `placement` (or, without one, to where findings go when nothing better
    /// is known), keeping its rendered place.
    fn apply(&self, finding: &mut Finding, placement: Option<Placement>) {
        let placement = placement.unwrap_or_else(|| self.fallback());
        let rendered = Rendered {
            renderer: self.source.renderer.as_str().to_string(),
            root: self.source.root.clone(),
            value_set: self.source.value_set.clone(),
            stream: finding.file.clone(),
            line: finding.span.start.line,
            column: finding.span.start.column,
            exact: placement.exact,
        };
        finding.file = placement.file;
        finding.span = placement.span;
        finding.related = placement.related;
        finding.rendered = Some(Arc::new(rendered));
    }

    /// Where a finding goes when nothing better is known: the chart's `Chart.yaml` or the
    /// `kustomization.yaml`, first line, not exact.
    fn fallback(&self) -> Placement {
        let file = match self.source.renderer {
            Renderer::Helm => join(&self.source.root, "Chart.yaml"),
            Renderer::Kustomize => join(&self.source.root, "kustomization.yaml"),
        };
        Placement { file: Arc::from(file), span: line_span(1, 1, 0), exact: false, related: Vec::new() }
    }

    /// Helm: the template `# Source:` names, at the line the template mapping finds, or at the
    /// object's first line there.
    fn place_in_template(
        &self,
        chart: Option<&helm::ChartSources>,
        finding: &Finding,
        document: Option<&Document>,
        files: &Files<'_>,
    ) -> Option<Placement> {
        let template = finding.template.as_deref().or_else(|| document.and_then(|d| d.template.as_deref()))?;
        if let (Some(chart), Some(document)) = (chart, document) {
            // The how-many-th document this template rendered.
            let ordinal = self
                .documents()
                .iter()
                .filter(|d| d.index < document.index && d.template.as_deref() == Some(template))
                .count();
            if let Some(placed) = chart.place(template, ordinal, document, finding.path.as_ref()) {
                let related = placed
                    .related
                    .into_iter()
                    .map(|value| RelatedLocation {
                        file: value.file,
                        span: value.span,
                        message: format!("{} is set here", value.key),
                    })
                    .collect();
                return Some(Placement { file: placed.file, span: placed.span, exact: placed.exact, related });
            }
        }
        // `<chart>/templates/x.yaml`, `<chart>/charts/<sub>/templates/x.yaml`: relative to the root.
        let (_, inside) = template.split_once('/')?;
        let file = join(&self.source.root, inside);
        let span = first_object_line(&files.file(&file)?.text);
        Some(Placement { file: Arc::from(file), span, exact: false, related: Vec::new() })
    }
}

/// The first line of a template that starts writing the object (`apiVersion:` or `kind:` at the
/// left margin), else its first line.
fn first_object_line(text: &str) -> Span {
    let mut offset = 0;
    for (index, line) in text.lines().enumerate() {
        if line.starts_with("apiVersion:") || line.starts_with("kind:") {
            return line_span(index as u32 + 1, 1, offset as u32);
        }
        offset += line.len() + 1;
    }
    line_span(1, 1, 0)
}

fn line_span(line: u32, column: u32, offset: u32) -> Span {
    let at = Pos { line, column, offset };
    Span { start: at, end: at }
}

/// `dir/name`, without a leading `./`.
pub(crate) fn join(dir: &str, name: &str) -> String {
    match dir {
        "" | "." => name.to_string(),
        _ => format!("{}/{name}", dir.trim_end_matches('/')),
    }
}

/// Translates a field path of a rendered object into the same field of the object as a source
/// file writes it: list items are matched by their merge key (`name`, `containerPort`, …) when
/// they have one, by index otherwise. Returns the translated path and whether every step was found
/// in `source`.
pub(crate) fn translate(path: &Path, rendered: &Value, source: &Value) -> (Path, bool) {
    let mut translated = Vec::new();
    let (mut rendered, mut source) = (Some(rendered), source);
    for segment in path.segments() {
        let next = match segment {
            PathSegment::Key(key) => source.get(key).map(|s| (PathSegment::Key(key.clone()), s)),
            PathSegment::Index(index) => {
                let item = rendered.and_then(|r| r.get(*index));
                source_index(item, *index, source).and_then(|i| source.get(i).map(|s| (PathSegment::Index(i), s)))
            }
        };
        let Some((step, next_source)) = next else { return (Path::new(translated), false) };
        rendered = rendered.and_then(|r| match segment {
            PathSegment::Key(key) => r.get(key),
            PathSegment::Index(index) => r.get(*index),
        });
        translated.push(step);
        source = next_source;
    }
    (Path::new(translated), true)
}

/// Keys that identify an item of a Kubernetes list, as strategic merge patches match them.
const MERGE_KEYS: &[&str] = &["name", "containerPort", "mountPath", "devicePath", "ip", "port", "topologyKey"];

/// The index in `source` (a list) of the item the rendered `item` (at `index`) came from.
fn source_index(item: Option<&Value>, index: usize, source: &Value) -> Option<usize> {
    let items = source.as_array()?;
    if let Some(item) = item.filter(|i| i.is_object()) {
        for key in MERGE_KEYS {
            if let Some(wanted) = item.get(key) {
                return items.iter().position(|candidate| candidate.get(key) == Some(wanted));
            }
        }
    }
    (index < items.len()).then_some(index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_follow_list_items_by_their_merge_key() {
        let rendered = json!({"spec": {"containers": [{"name": "sidecar"}, {"name": "web", "image": "a"}]}});
        let source = json!({"spec": {"containers": [{"name": "web", "image": "b"}]}});
        let path = Path::parse("spec.containers[1].image").unwrap();
        assert_eq!(translate(&path, &rendered, &source), (Path::parse("spec.containers[0].image").unwrap(), true));
        let missing = Path::parse("spec.containers[0].image").unwrap();
        assert_eq!(translate(&missing, &rendered, &source), (Path::parse("spec.containers").unwrap(), false));
    }

    #[test]
    fn offsets_count_bytes_of_the_lines_and_characters_before() {
        let file = SourceFile::new(Arc::from("a: 1\nbé: 2\n"));
        assert_eq!(file.with_offsets(line_span(2, 4, 0)).start.offset, 5 + 4);
    }

    #[test]
    fn offsets_count_lines_as_the_loader_does() {
        // A lone carriage return ends a line; a byte order mark takes no column.
        let file = SourceFile::new(Arc::from("\u{feff}a: 1\rb: 2\r\nc: 3\n"));
        assert_eq!(file.with_offsets(line_span(1, 1, 0)).start.offset, 3);
        assert_eq!(file.with_offsets(line_span(2, 4, 0)).start.offset, 3 + 5 + 3);
        assert_eq!(file.with_offsets(line_span(3, 1, 0)).start.offset, 3 + 5 + 6);
    }
}
