//! Rendered sources: Helm charts and Kustomize kustomizations, and where a finding on their output
//! is edited.
//!
//! The frontends run the renderers (core never does I/O) and hand core a [`RenderedSource`]: the
//! rendered stream to lint, with what is needed to place its findings. Core lints the stream as any
//! other source; [`relocate`] then moves each finding on a rendered object to the file the user
//! writes, reading those files through the frontend's [`ReadFile`]:
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

use crate::load::position::{Path, PathSegment, Pos, PosNode, Span};
use crate::load::{self, Document};
use crate::report::finding::{RelatedLocation, Rendered, Report, SuppressedFinding};
use crate::report::suppress;
use crate::report::Finding;
use serde_json::Value;
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;

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

/// The files placing findings reads, each read and parsed once per run.
pub(crate) struct Files<'a> {
    read: &'a ReadFile<'a>,
    texts: RefCell<HashMap<String, Option<Arc<str>>>>,
    parsed: RefCell<HashMap<String, Documents>>,
}

impl<'a> Files<'a> {
    fn new(read: &'a ReadFile<'a>) -> Files<'a> {
        Files { read, texts: RefCell::default(), parsed: RefCell::default() }
    }

    /// The text of a file, by the name reports give it.
    pub(crate) fn text(&self, name: &str) -> Option<Arc<str>> {
        if let Some(text) = self.texts.borrow().get(name) {
            return text.clone();
        }
        let text = (self.read)(name);
        self.texts.borrow_mut().insert(name.to_string(), text.clone());
        text
    }

    /// The YAML documents of `text`, which `key` names (a file, or a patch inside one).
    pub(crate) fn documents(&self, key: &str, text: &str) -> Documents {
        if let Some(documents) = self.parsed.borrow().get(key) {
            return documents.clone();
        }
        let documents: Documents =
            Arc::new(load::read_documents(text).into_iter().filter_map(|raw| raw.result.ok().flatten()).collect());
        self.parsed.borrow_mut().insert(key.to_string(), documents.clone());
        documents
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
    if sources.is_empty() {
        return;
    }
    let by_name: HashMap<&str, Placer<'_>> = sources.iter().map(|s| (s.name.as_str(), Placer::new(s))).collect();
    let files = Files::new(read);
    let mut findings = Vec::with_capacity(report.findings.len());
    for mut finding in std::mem::take(&mut report.findings) {
        let Some(placer) = by_name.get(&*finding.file) else {
            findings.push(finding);
            continue;
        };
        placer.place(&mut finding, &files);
        match suppressed_by_comment(&finding, &files, inline_ignores) {
            Some(suppression) => report.suppressed.push(SuppressedFinding { finding, suppression }),
            None => findings.push(finding),
        }
    }
    report.findings = findings;
    for suppressed in &mut report.suppressed {
        if let Some(placer) = by_name.get(&*suppressed.finding.file) {
            placer.place(&mut suppressed.finding, &files);
        }
    }
    report.recount();
}

fn suppressed_by_comment(
    finding: &Finding,
    files: &Files<'_>,
    inline_ignores: bool,
) -> Option<crate::report::finding::Suppression> {
    if !inline_ignores || finding.rendered.is_none() {
        return None;
    }
    let text = files.text(&finding.file)?;
    suppress::comment_suppression(&text, finding.line(), &finding.rule)
}

/// Places the findings of one rendered source; its documents are read again once, when it has
/// a finding.
struct Placer<'a> {
    source: &'a RenderedSource,
    documents: OnceCell<Vec<Document>>,
}

impl<'a> Placer<'a> {
    fn new(source: &'a RenderedSource) -> Placer<'a> {
        Placer { source, documents: OnceCell::new() }
    }

    fn place(&self, finding: &mut Finding, files: &Files<'_>) {
        let documents = self.documents.get_or_init(|| load::load(&self.source.name, &self.source.text).documents);
        let document = documents.iter().find(|d| d.index == finding.document && finding.object.is_some());
        let placement = match (&self.source.mapping, document) {
            (Mapping::Kustomize(origins), Some(document)) => {
                origins.get(document.index).and_then(|origin| kustomize::place(origin, document, finding, files))
            }
            (Mapping::Helm(chart), _) => self.place_in_template(chart.as_deref(), documents, finding, document, files),
            _ => None,
        };
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
        documents: &[Document],
        finding: &Finding,
        document: Option<&Document>,
        files: &Files<'_>,
    ) -> Option<Placement> {
        let template = finding.template.as_deref().or_else(|| document.and_then(|d| d.template.as_deref()))?;
        if let (Some(chart), Some(document)) = (chart, document) {
            // The how-many-th document this template rendered.
            let ordinal = documents
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
        let text = files.text(&file)?;
        let span = first_object_line(&text);
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

/// Recomputes a span's byte offsets from its lines and columns in `text` (spans moved from a
/// parsed fragment into the file it is embedded in).
pub(crate) fn with_offsets(text: &str, span: Span) -> Span {
    let offset = |pos: Pos| {
        let line_start: usize =
            text.split_inclusive('\n').take(pos.line.saturating_sub(1) as usize).map(str::len).sum();
        let line = text.get(line_start..).unwrap_or("");
        let within: usize = line.chars().take(pos.column.saturating_sub(1) as usize).map(char::len_utf8).sum();
        Pos { offset: (line_start + within) as u32, ..pos }
    };
    Span { start: offset(span.start), end: offset(span.end) }
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
        let text = "a: 1\nbé: 2\n";
        let span = line_span(2, 4, 0);
        assert_eq!(with_offsets(text, span).start.offset, 5 + 4);
    }
}
