//! Kustomize: where a field of `kustomize build` output was written.
//!
//! The frontend renders with `buildMetadata: [originAnnotations, transformerAnnotations]` (through
//! a kustomization of its own that includes the user's, whose files stay untouched). [`prepare`]
//! reads, per object, the file it came from (`config.kubernetes.io/origin`: a resource's `path`, or
//! the generator that made it) and the kustomizations whose transformers ran on it
//! (`alpha.config.kubernetes.io/transformations`), then removes both annotations from the text that
//! is linted. `place` finds a finding's field, in this order: in a patch of those kustomizations
//! that sets it (a file or an inline `patch:`, strategic merge or JSON 6902, the last applied
//! first), at an `images:` entry that changed the image, in the resource file (the same field,
//! list items matched by name), or at the generator entry of a generated object.

use super::{join, translate, Documents, Files, Placement, SourceFile};
use crate::load::position::{Located, Path, PathSegment, PosNode, Span};
use crate::load::{read_documents, split_documents_at, Document, FILE_START};
use crate::report::Finding;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

const ORIGIN: &str = "config.kubernetes.io/origin";
const TRANSFORMATIONS: &str = "alpha.config.kubernetes.io/transformations";
/// Most bytes of one file read while placing findings: larger files are not searched.
const MAX_FILE: usize = 8 << 20;

/// Where kustomize says one rendered object came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocumentOrigin {
    /// The resource file, as reports name it.
    pub file: Option<String>,
    /// For a generated object: the kustomization and the generator kind (`ConfigMapGenerator`).
    pub generator: Option<(String, String)>,
    /// The kustomizations whose transformers ran on the object, with the transformer kind, in the
    /// order they ran.
    pub transformers: Vec<(String, String)>,
}

/// Reads the origin annotations of each document of `output` and returns the output without them.
/// The annotations are found in the text, as they are removed, and only their own
/// values are parsed, once for each text (objects from one file share theirs): the output itself
/// is parsed once, when it is linted.
pub fn prepare(output: &str, resolve: &dyn Fn(&str) -> String) -> (String, Vec<DocumentOrigin>) {
    let mut known: HashMap<[Option<&str>; 2], DocumentOrigin> = HashMap::new();
    let origins = split_documents_at(output, FILE_START)
        .into_iter()
        .map(|chunk| {
            let entries = annotation_entries(chunk.text);
            let origin = known.entry(entries).or_insert_with(|| {
                let [origin, transformations] = entries;
                let value = |entry: Option<&str>, key: &str| entry.and_then(|e| entry_value(e, key));
                origin_of(value(origin, ORIGIN), value(transformations, TRANSFORMATIONS), resolve)
            });
            origin.clone()
        })
        .collect();
    (strip_annotations(output), origins)
}

/// The entries of the origin and transformation annotations of the object a document of
/// kustomize's output writes (`metadata.annotations`, in kustomize's block style: keys indented
/// by two), each its key's line and the deeper lines below it.
fn annotation_entries(document: &str) -> [Option<&str>; 2] {
    let mut found = [None, None];
    let (mut in_metadata, mut in_annotations) = (false, false);
    let mut entry: Option<(usize, usize)> = None;
    let mut offset = 0;
    for line in document.split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        let body = line.trim_start_matches(' ');
        let indent = line.len() - body.len();
        if body.trim().is_empty() {
            continue;
        }
        if let Some((slot, start)) = entry {
            if indent > 4 {
                continue;
            }
            if let Some(found) = found.get_mut(slot) {
                *found = document.get(start..at);
            }
            entry = None;
        }
        if body.starts_with('#') {
            continue;
        }
        match indent {
            0 => (in_metadata, in_annotations) = (body.trim_end() == "metadata:", false),
            2 => in_annotations = in_metadata && body.trim_end() == "annotations:",
            4 if in_annotations => {
                let is = |key: &str| body.strip_prefix(key).is_some_and(|rest| rest.starts_with(':'));
                entry = [ORIGIN, TRANSFORMATIONS].iter().position(|key| is(key)).map(|slot| (slot, at + indent));
            }
            _ => {}
        }
    }
    if let Some((slot, start)) = entry {
        if let Some(found) = found.get_mut(slot) {
            *found = document.get(start..);
        }
    }
    found
}

/// The annotation's value, read as YAML: an entry from [`annotation_entries`], its deeper lines
/// taken back by the key's indentation.
fn entry_value(entry: &str, key: &str) -> Option<Value> {
    let mut lines = entry.split_inclusive('\n');
    let mut text = lines.next()?.to_string();
    for line in lines {
        let indent = line.len() - line.trim_start_matches(' ').len();
        text.push_str(line.get(indent.min(4)..).unwrap_or_default());
    }
    let value = yaml_value(&text)?.get(key)?.as_str().and_then(yaml_value);
    value
}

/// Where an object came from, by the values of its origin and transformation annotations.
fn origin_of(
    origin_value: Option<Value>,
    transformations: Option<Value>,
    resolve: &dyn Fn(&str) -> String,
) -> DocumentOrigin {
    let mut origin = DocumentOrigin::default();
    if let Some(read) = origin_value {
        origin.file = read.get("path").and_then(Value::as_str).map(resolve);
        let configured_in = read.get("configuredIn").and_then(Value::as_str);
        let kind = read.get("configuredBy").and_then(|b| b.get("kind")).and_then(Value::as_str);
        if let (Some(configured_in), Some(kind)) = (configured_in, kind) {
            origin.generator = Some((resolve(configured_in), kind.to_string()));
        }
    }
    if let Some(Value::Array(entries)) = transformations {
        for entry in entries {
            let configured_in = entry.get("configuredIn").and_then(Value::as_str);
            let kind = entry.get("configuredBy").and_then(|b| b.get("kind")).and_then(Value::as_str);
            if let (Some(configured_in), Some(kind)) = (configured_in, kind) {
                origin.transformers.push((resolve(configured_in), kind.to_string()));
            }
        }
    }
    origin
}

/// The value of a YAML text (an annotation kustomize wrote), if it reads.
fn yaml_value(text: &str) -> Option<Value> {
    read_documents(text).into_iter().next()?.result.ok()?.map(|(value, _)| value)
}

/// `output` without the origin and transformation annotations, and without an `annotations:` key
/// they leave empty. kustomize writes its output in one block style (keys indented by two, block
/// scalars for these annotations), which is what this relies on.
fn strip_annotations(output: &str) -> String {
    let lines: Vec<&str> = output.split_inclusive('\n').collect();
    let mut kept: Vec<&str> = Vec::with_capacity(lines.len());
    let mut skipping_deeper_than: Option<usize> = None;
    let (origin, transformations) = (format!("{ORIGIN}:"), format!("{TRANSFORMATIONS}:"));
    for line in &lines {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(limit) = skipping_deeper_than {
            if indent > limit && !line.trim().is_empty() {
                continue;
            }
            skipping_deeper_than = None;
        }
        let body = line.trim_start_matches(' ');
        if body.starts_with(&origin) || body.starts_with(&transformations) {
            skipping_deeper_than = Some(indent);
            continue;
        }
        kept.push(line);
    }
    // An `annotations:` key followed by nothing deeper held only these annotations.
    let mut text = String::with_capacity(output.len());
    for (index, line) in kept.iter().enumerate() {
        let body = line.trim_start_matches(' ');
        if body.trim_end() == "annotations:" {
            let indent = line.len() - body.len();
            let next_indent = kept.get(index + 1).map(|next| next.len() - next.trim_start_matches(' ').len());
            if next_indent.is_none_or(|next| next <= indent) {
                continue;
            }
        }
        text.push_str(line);
    }
    text
}

/// A rendered object whose findings are to be placed: what all of them need is looked up once.
pub(crate) struct Object<'a> {
    origin: &'a DocumentOrigin,
    document: &'a Document,
    /// The resource file's document it came from, unless it was generated (or is not found).
    source: Option<SourceObject>,
}

struct SourceObject {
    name: Arc<str>,
    file: Arc<SourceFile>,
    documents: Documents,
    index: usize,
    /// The name the resource file gives the object.
    object_name: String,
    /// The kustomizations with patches that ran on the object, the last to run first.
    patch_files: Vec<String>,
}

impl<'a> Object<'a> {
    /// `document`, an object of the rendered stream, which `origin` says where it came from.
    pub(crate) fn new(origin: &'a DocumentOrigin, document: &'a Document, files: &Files<'_>) -> Object<'a> {
        let source = if origin.generator.is_some() { None } else { SourceObject::find(origin, document, files) };
        Object { origin, document, source }
    }

    /// Where `finding`, on this object, is edited.
    pub(crate) fn place(&self, finding: &Finding, files: &Files<'_>) -> Option<Placement> {
        let document = self.document;
        let path = finding.path.clone().unwrap_or_else(|| Path::new(vec![PathSegment::Key("metadata".into())]));
        if let Some((kustomization, kind)) = &self.origin.generator {
            return generator_entry(kustomization, kind, document, files);
        }
        let source = self.source.as_ref()?;
        let (value, positions) = source.documents.get(source.index)?;
        let object = Target { rendered: document, source_name: &source.object_name };
        let patch_files = &source.patch_files;
        if let Some(placement) = patch_files.iter().find_map(|k| patch_placement(k, &object, &path, true, files)) {
            return Some(placement);
        }
        let (translated, complete) = translate(&path, &document.value, value);
        if complete && ends_with_key(&path, "image") {
            let written = value_at(value, &translated);
            if written != value_at(&document.value, &path) {
                let images = kustomizations_with(self.origin, &["ImageTagTransformer"]);
                if let Some(placement) = images.iter().find_map(|k| images_entry(k, written?, files)) {
                    return Some(placement);
                }
            }
        }
        if !complete {
            // A field the resource file does not write: a patch that adds the whole node, if any.
            if let Some(placement) = patch_files.iter().find_map(|k| patch_placement(k, &object, &path, false, files)) {
                return Some(placement);
            }
        }
        let located = positions.locate(&translated);
        Some(Placement {
            file: source.name.clone(),
            span: source.file.with_offsets(located.span),
            exact: complete && located.exact,
            related: Vec::new(),
        })
    }
}

impl SourceObject {
    fn find(origin: &DocumentOrigin, document: &Document, files: &Files<'_>) -> Option<SourceObject> {
        let name = origin.file.as_deref()?;
        let file = files.file(name)?;
        let documents = files.documents(name, &file.text);
        let found = source_document(&documents, &file.text, document)?;
        let index = documents.iter().position(|candidate| std::ptr::eq(candidate, found))?;
        let object_name = name_of(&found.0).unwrap_or_default().to_string();
        let patch_files = kustomizations_with(origin, &["PatchTransformer", "PatchStrategicMergeTransformer"]);
        Some(SourceObject { name: Arc::from(name), file, documents, index, object_name, patch_files })
    }
}

/// The rendered object and the name its resource file gives it (before prefixes and suffixes).
struct Target<'a> {
    rendered: &'a Document,
    source_name: &'a str,
}

impl Target<'_> {
    fn kind(&self) -> &str {
        self.rendered.value.get("kind").and_then(Value::as_str).unwrap_or_default()
    }

    /// Whether a patch's target (or a strategic merge patch's own kind and name) is this object.
    fn is(&self, kind: Option<&str>, name: Option<&str>) -> bool {
        let rendered_name = name_of(&self.rendered.value).unwrap_or_default();
        kind.is_none_or(|k| k == self.kind()) && name.is_none_or(|n| n == self.source_name || n == rendered_name)
    }
}

/// The kustomizations whose transformers of one of `kinds` ran on the object, the last to run first.
fn kustomizations_with(origin: &DocumentOrigin, kinds: &[&str]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for (kustomization, kind) in origin.transformers.iter().rev() {
        if kinds.contains(&kind.as_str()) && !found.contains(kustomization) {
            found.push(kustomization.clone());
        }
    }
    found
}

/// The document of a resource file that `rendered` came from: the only one of its kind, or the
/// one whose name the rendered name contains (prefixes and suffixes are added around it).
fn source_document<'d>(
    documents: &'d [(Value, PosNode)],
    text: &str,
    rendered: &Document,
) -> Option<&'d (Value, PosNode)> {
    if text.len() > MAX_FILE {
        return None;
    }
    let kind = rendered.value.get("kind");
    let rendered_name = name_of(&rendered.value).unwrap_or_default();
    let candidates: Vec<&(Value, PosNode)> = documents.iter().filter(|(value, _)| value.get("kind") == kind).collect();
    if candidates.len() == 1 {
        return candidates.into_iter().next();
    }
    candidates
        .into_iter()
        .filter(|(value, _)| name_of(value).is_some_and(|name| rendered_name.contains(name)))
        .max_by_key(|(value, _)| name_of(value).map_or(0, str::len))
}

fn name_of(value: &Value) -> Option<&str> {
    value.get("metadata")?.get("name")?.as_str()
}

fn ends_with_key(path: &Path, key: &str) -> bool {
    matches!(path.segments().last(), Some(PathSegment::Key(k)) if k == key)
}

fn value_at<'v>(value: &'v Value, path: &Path) -> Option<&'v str> {
    let mut value = value;
    for segment in path.segments() {
        value = match segment {
            PathSegment::Key(key) => value.get(key)?,
            PathSegment::Index(index) => value.get(*index)?,
        };
    }
    value.as_str()
}

/// A kustomization file, read: its value and positions.
struct Kustomization {
    name: String,
    file: Arc<SourceFile>,
    /// The file's documents: the first is the kustomization.
    documents: Documents,
}

impl Kustomization {
    fn read(name: &str, files: &Files<'_>) -> Option<Kustomization> {
        let file = files.file(name).filter(|f| f.text.len() <= MAX_FILE)?;
        let documents = files.documents(name, &file.text);
        documents.first()?;
        Some(Kustomization { name: name.to_string(), file, documents })
    }

    fn value(&self) -> &Value {
        self.documents.first().map_or(&Value::Null, |(value, _)| value)
    }

    fn positions(&self) -> Option<&PosNode> {
        self.documents.first().map(|(_, positions)| positions)
    }

    /// Where the whole kustomization is written.
    fn span(&self) -> Span {
        self.positions().map(|p| p.span).unwrap_or_default()
    }

    fn dir(&self) -> &str {
        self.name.rsplit_once('/').map_or("", |(dir, _)| dir)
    }

    /// The items of the list `key`, with their positions.
    fn items(&self, key: &str) -> Vec<(&Value, &PosNode)> {
        let (Some(Value::Array(values)), Some(entry)) =
            (self.value().get(key), self.positions().and_then(|p| p.entry(key)))
        else {
            return Vec::new();
        };
        values.iter().enumerate().filter_map(|(i, v)| entry.value.item(i).map(|p| (v, p))).collect()
    }

    /// A placement at `span` of this file.
    fn at(&self, span: Span, exact: bool) -> Placement {
        Placement {
            file: Arc::from(self.name.as_str()),
            span: self.file.with_offsets(span),
            exact,
            related: Vec::new(),
        }
    }

    /// Where an item is shown: its `name` key when it has one.
    fn item_span(item: &PosNode) -> Span {
        item.entry("name").map_or(item.span, |entry| entry.key_span)
    }
}

/// A patch's text and where its lines are written: in its own file, or inline in the kustomization.
struct PatchText {
    /// Names the text for the parse cache: the patch file, or the kustomization and the offset.
    key: String,
    file: Arc<str>,
    file_text: Arc<SourceFile>,
    text: String,
    /// Added to a line (and a column) of `text` to give its place in `file`.
    line_shift: u32,
    column_shift: u32,
    /// False when the inline text is not a block scalar: spans inside it cannot be mapped.
    mappable: bool,
    /// Where the patch entry is, for an unmappable inline patch.
    entry_span: Span,
}

impl PatchText {
    fn span(&self, span: Span) -> Span {
        if !self.mappable {
            return self.entry_span;
        }
        let mut moved = span;
        for pos in [&mut moved.start, &mut moved.end] {
            pos.column += self.column_shift;
            pos.line += self.line_shift;
        }
        self.file_text.with_offsets(moved)
    }

    fn placement(&self, located: Located) -> Placement {
        Placement {
            file: self.file.clone(),
            span: self.span(located.span),
            exact: self.mappable && located.exact,
            related: Vec::new(),
        }
    }
}

/// A patch of kustomization `name` that sets `path` of the object, last patch first. With
/// `leaves_only`, a strategic merge patch claims only the scalar fields it writes (a container it
/// names to patch one field of is still the resource file's).
fn patch_placement(
    name: &str,
    object: &Target<'_>,
    path: &Path,
    leaves_only: bool,
    files: &Files<'_>,
) -> Option<Placement> {
    let kustomization = Kustomization::read(name, files)?;
    let mut entries: Vec<(Option<&Value>, PatchText)> = Vec::new();
    for key in ["patches", "patchesJson6902", "patchesStrategicMerge"] {
        for (value, positions) in kustomization.items(key) {
            let target = value.get("target");
            if let Some(patch) = patch_text(&kustomization, value, positions, files) {
                entries.push((target, patch));
            }
        }
    }
    entries.iter().rev().find_map(|(target, patch)| {
        let kind = target.and_then(|t| t.get("kind")).and_then(Value::as_str);
        let target_name = target.and_then(|t| t.get("name")).and_then(Value::as_str);
        let documents = files.documents(&patch.key, &patch.text);
        documents.iter().rev().find_map(|(value, positions)| match value {
            Value::Array(operations) if target.is_some() && object.is(kind, target_name) => {
                json6902_placement(operations, positions, &object.rendered.value, path, patch)
            }
            Value::Object(_) => {
                let own_kind = value.get("kind").and_then(Value::as_str);
                let applies = match target {
                    Some(_) => object.is(kind, target_name),
                    None => object.is(own_kind, name_of(value)),
                };
                applies.then(|| strategic_placement(value, positions, object, path, leaves_only, patch)).flatten()
            }
            _ => None,
        })
    })
}

/// The text of one patch entry: `path:` (a file beside the kustomization), `patch:` (inline), or a
/// `patchesStrategicMerge` item (a file name or an inline patch).
fn patch_text(
    kustomization: &Kustomization,
    value: &Value,
    positions: &PosNode,
    files: &Files<'_>,
) -> Option<PatchText> {
    let from_file = |relative: &str| -> Option<PatchText> {
        let file = normalize(&join(kustomization.dir(), relative));
        let source = files.file(&file).filter(|f| f.text.len() <= MAX_FILE)?;
        Some(PatchText {
            key: file.clone(),
            file: Arc::from(file.as_str()),
            text: source.text.to_string(),
            file_text: source,
            line_shift: 0,
            column_shift: 0,
            mappable: true,
            entry_span: positions.span,
        })
    };
    let inline = |text: &str, node: &PosNode| -> PatchText {
        let start = node.span.start;
        let written = &kustomization.file.text;
        let block = written.get(start.offset as usize..).is_some_and(|rest| rest.starts_with(['|', '>']));
        let first_line = written.lines().nth(start.line as usize).unwrap_or_default();
        let indent = (first_line.len() - first_line.trim_start_matches(' ').len()) as u32;
        PatchText {
            key: format!("{}#{}", kustomization.name, start.offset),
            file: Arc::from(kustomization.name.as_str()),
            file_text: kustomization.file.clone(),
            text: text.to_string(),
            line_shift: start.line,
            column_shift: indent,
            mappable: block && !text.starts_with(['\n', ' ']),
            entry_span: node.span,
        }
    };
    match value {
        Value::String(text) if text.contains('\n') || text.contains(':') => Some(inline(text, positions)),
        Value::String(relative) => from_file(relative),
        Value::Object(entry) => match (entry.get("path"), entry.get("patch"), positions.entry("patch")) {
            (Some(Value::String(relative)), _, _) => from_file(relative),
            (_, Some(Value::String(text)), Some(node)) => Some(inline(text, &node.value)),
            _ => None,
        },
        _ => None,
    }
}

/// A JSON 6902 operation (`add` or `replace`) that wrote the field: its path is the field's or
/// one of its ancestors', and the value it writes there is the rendered one. List indexes may
/// differ (the operation saw the list before later patches reordered it); the keys and the value
/// must agree.
fn json6902_placement(
    operations: &[Value],
    positions: &PosNode,
    rendered: &Value,
    path: &Path,
    patch: &PatchText,
) -> Option<Placement> {
    operations.iter().enumerate().rev().find_map(|(index, operation)| {
        let op = operation.get("op").and_then(Value::as_str)?;
        if op != "add" && op != "replace" {
            return None;
        }
        let pointer = pointer_path(operation.get("path").and_then(Value::as_str)?)?;
        let (written, rest) = path.segments().split_at_checked(pointer.segments().len())?;
        let same_keys = written.iter().zip(pointer.segments()).all(|pair| match pair {
            (PathSegment::Key(a), PathSegment::Key(b)) => a == b,
            (PathSegment::Index(_), PathSegment::Index(_)) => true,
            _ => false,
        });
        let rest = Path::new(rest.to_vec());
        let value = operation.get("value")?;
        if !same_keys || value_at_path(value, &rest) != value_at_path(rendered, path) {
            return None;
        }
        let node = positions.item(index)?;
        let entry = node.entry("value")?;
        let located = if rest.segments().is_empty() {
            let scalar = matches!(entry.value.children, crate::load::position::PosChildren::Scalar);
            Located { span: if scalar { entry.value.span } else { entry.key_span }, exact: true }
        } else {
            entry.value.locate(&rest)
        };
        Some(patch.placement(located))
    })
}

fn value_at_path<'v>(value: &'v Value, path: &Path) -> Option<&'v Value> {
    let mut value = value;
    for segment in path.segments() {
        value = match segment {
            PathSegment::Key(key) => value.get(key)?,
            PathSegment::Index(index) => value.get(*index)?,
        };
    }
    Some(value)
}

/// A JSON pointer (`/spec/template/spec/containers/0`) as a path; `None` for `-` (append).
fn pointer_path(pointer: &str) -> Option<Path> {
    let mut segments = Vec::new();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        match token.parse::<usize>() {
            Ok(index) => segments.push(PathSegment::Index(index)),
            Err(_) if token == "-" => return None,
            Err(_) => segments.push(PathSegment::Key(token)),
        }
    }
    Some(Path::new(segments))
}

/// A strategic merge patch that writes the field (a scalar, or with `leaves_only` off any node).
fn strategic_placement(
    value: &Value,
    positions: &PosNode,
    object: &Target<'_>,
    path: &Path,
    leaves_only: bool,
    patch: &PatchText,
) -> Option<Placement> {
    let (translated, complete) = translate(path, &object.rendered.value, value);
    if !complete {
        return None;
    }
    let mut node = value;
    for segment in translated.segments() {
        node = match segment {
            PathSegment::Key(key) => node.get(key)?,
            PathSegment::Index(index) => node.get(*index)?,
        };
    }
    if leaves_only && (node.is_object() || node.is_array()) {
        return None;
    }
    Some(patch.placement(positions.locate(&translated)))
}

/// The `images:` entry of a kustomization that rewrites `written` (the image as the resource file
/// writes it).
fn images_entry(name: &str, written: &str, files: &Files<'_>) -> Option<Placement> {
    let kustomization = Kustomization::read(name, files)?;
    let image_name = image_name(written);
    let found = kustomization
        .items("images")
        .into_iter()
        .find(|(value, _)| value.get("name").and_then(Value::as_str) == Some(image_name))?;
    Some(kustomization.at(Kustomization::item_span(found.1), true))
}

/// An image reference without its tag and digest.
fn image_name(image: &str) -> &str {
    let image = image.split_once('@').map_or(image, |(name, _)| name);
    match image.rfind(':') {
        Some(colon) if !image[colon..].contains('/') => &image[..colon],
        _ => image,
    }
}

/// The generator entry (`configMapGenerator`, `secretGenerator`) that made the object.
fn generator_entry(name: &str, kind: &str, document: &Document, files: &Files<'_>) -> Option<Placement> {
    let kustomization = Kustomization::read(name, files)?;
    let key = match kind {
        "ConfigMapGenerator" => "configMapGenerator",
        "SecretGenerator" => "secretGenerator",
        "HelmChartInflationGenerator" => "helmCharts",
        _ => return Some(kustomization.at(kustomization.span(), false)),
    };
    let rendered_name = name_of(&document.value).unwrap_or_default();
    let found = kustomization
        .items(key)
        .into_iter()
        .filter(|(value, _)| value.get("name").and_then(Value::as_str).is_some_and(|n| rendered_name.contains(n)))
        .max_by_key(|(value, _)| value.get("name").and_then(Value::as_str).map_or(0, str::len));
    match found {
        Some((_, positions)) => Some(kustomization.at(Kustomization::item_span(positions), true)),
        None => Some(kustomization.at(kustomization.span(), false)),
    }
}

/// `a/b/../c` → `a/c`, `./a` → `a` (names as reports show them).
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "." | "" if !parts.is_empty() || part == "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_are_removed_with_an_annotations_key_they_leave_empty() {
        let output = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    config.kubernetes.io/origin: |\n      path: cm.yaml\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    keep: \"yes\"\n    alpha.config.kubernetes.io/transformations: |\n      - configuredIn: kustomization.yaml\n        configuredBy:\n          kind: PrefixTransformer\n  name: b\n";
        let (text, origins) = prepare(output, &|p| format!("root/{p}"));
        assert_eq!(
            text,
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    keep: \"yes\"\n  name: b\n"
        );
        assert_eq!(origins[0].file.as_deref(), Some("root/cm.yaml"));
        assert_eq!(origins[1].transformers, [("root/kustomization.yaml".to_string(), "PrefixTransformer".to_string())]);
    }

    #[test]
    fn paths_are_normalized_and_image_names_lose_tags() {
        assert_eq!(normalize("a/b/../c"), "a/c");
        assert_eq!(normalize("./a/./b"), "a/b");
        assert_eq!(normalize("../a"), "../a");
        assert_eq!(image_name("registry:5000/app:1.2@sha256:ab"), "registry:5000/app");
        assert_eq!(image_name("registry:5000/app"), "registry:5000/app");
        assert_eq!(pointer_path("/spec/containers/0/a~1b"), Path::parse("spec.containers[0][\"a/b\"]"));
    }
}
