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

use super::{join, translate, with_offsets, Files, Placement};
use crate::load::position::{Located, Path, PathSegment, PosNode, Span};
use crate::load::{read_documents, Document};
use crate::report::Finding;
use serde_json::Value;
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
pub fn prepare(output: &str, resolve: &dyn Fn(&str) -> String) -> (String, Vec<DocumentOrigin>) {
    let origins = read_documents(output)
        .into_iter()
        .map(|raw| match raw.result {
            Ok(Some((value, _))) => origin_of(&value, resolve),
            _ => DocumentOrigin::default(),
        })
        .collect();
    (strip_annotations(output), origins)
}

fn origin_of(value: &Value, resolve: &dyn Fn(&str) -> String) -> DocumentOrigin {
    let annotations = value.get("metadata").and_then(|m| m.get("annotations"));
    let text = |key: &str| annotations.and_then(|a| a.get(key)).and_then(Value::as_str).and_then(yaml_value);
    let mut origin = DocumentOrigin::default();
    if let Some(read) = text(ORIGIN) {
        origin.file = read.get("path").and_then(Value::as_str).map(resolve);
        let configured_in = read.get("configuredIn").and_then(Value::as_str);
        let kind = read.get("configuredBy").and_then(|b| b.get("kind")).and_then(Value::as_str);
        if let (Some(configured_in), Some(kind)) = (configured_in, kind) {
            origin.generator = Some((resolve(configured_in), kind.to_string()));
        }
    }
    if let Some(Value::Array(entries)) = text(TRANSFORMATIONS) {
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
    for line in &lines {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(limit) = skipping_deeper_than {
            if indent > limit && !line.trim().is_empty() {
                continue;
            }
            skipping_deeper_than = None;
        }
        let body = line.trim_start_matches(' ');
        if body.starts_with(&format!("{ORIGIN}:")) || body.starts_with(&format!("{TRANSFORMATIONS}:")) {
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

/// Where the finding on `document` (an object of the rendered stream) is edited.
pub(crate) fn place(
    origin: &DocumentOrigin,
    document: &Document,
    finding: &Finding,
    files: &Files<'_>,
) -> Option<Placement> {
    let path = finding.path.clone().unwrap_or_else(|| Path::new(vec![PathSegment::Key("metadata".into())]));
    if let Some((kustomization, kind)) = &origin.generator {
        return generator_entry(kustomization, kind, document, files);
    }
    let file = origin.file.as_deref()?;
    let text = files.text(file)?;
    let source = source_document(files, file, &text, document)?;
    let source_name = name_of(&source.0).unwrap_or_default().to_string();
    let object = Target { rendered: document, source_name: &source_name };
    let patch_files = kustomizations_with(origin, &["PatchTransformer", "PatchStrategicMergeTransformer"]);
    if let Some(placement) = patch_files.iter().find_map(|k| patch_placement(k, &object, &path, true, files)) {
        return Some(placement);
    }
    let (translated, complete) = translate(&path, &document.value, &source.0);
    if complete && ends_with_key(&path, "image") {
        let written = value_at(&source.0, &translated);
        if written != value_at(&document.value, &path) {
            let images = kustomizations_with(origin, &["ImageTagTransformer"]);
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
    let located = source.1.locate(&translated);
    Some(Placement {
        file: Arc::from(file),
        span: with_offsets(&text, located.span),
        exact: complete && located.exact,
        related: Vec::new(),
    })
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
fn source_document(files: &Files<'_>, file: &str, text: &str, rendered: &Document) -> Option<(Value, PosNode)> {
    if text.len() > MAX_FILE {
        return None;
    }
    let kind = rendered.value.get("kind");
    let rendered_name = name_of(&rendered.value).unwrap_or_default();
    let documents = files.documents(file, text);
    let candidates: Vec<&(Value, PosNode)> = documents.iter().filter(|(value, _)| value.get("kind") == kind).collect();
    if candidates.len() == 1 {
        return candidates.into_iter().next().cloned();
    }
    candidates
        .into_iter()
        .filter(|(value, _)| name_of(value).is_some_and(|name| rendered_name.contains(name)))
        .max_by_key(|(value, _)| name_of(value).map_or(0, str::len))
        .cloned()
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
    text: Arc<str>,
    value: Value,
    positions: PosNode,
}

impl Kustomization {
    fn read(name: &str, files: &Files<'_>) -> Option<Kustomization> {
        let text = files.text(name).filter(|t| t.len() <= MAX_FILE)?;
        let (value, positions) = files.documents(name, &text).first()?.clone();
        Some(Kustomization { name: name.to_string(), text, value, positions })
    }

    fn dir(&self) -> &str {
        self.name.rsplit_once('/').map_or("", |(dir, _)| dir)
    }

    /// The items of the list `key`, with their positions.
    fn items(&self, key: &str) -> Vec<(&Value, &PosNode)> {
        let (Some(Value::Array(values)), Some(entry)) = (self.value.get(key), self.positions.entry(key)) else {
            return Vec::new();
        };
        values.iter().enumerate().filter_map(|(i, v)| entry.value.item(i).map(|p| (v, p))).collect()
    }

    /// A placement at `span` of this file.
    fn at(&self, span: Span, exact: bool) -> Placement {
        Placement {
            file: Arc::from(self.name.as_str()),
            span: with_offsets(&self.text, span),
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
    file_text: Arc<str>,
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
        with_offsets(&self.file_text, moved)
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
        let text = files.text(&file).filter(|t| t.len() <= MAX_FILE)?;
        Some(PatchText {
            key: file.clone(),
            file: Arc::from(file.as_str()),
            text: text.to_string(),
            file_text: text,
            line_shift: 0,
            column_shift: 0,
            mappable: true,
            entry_span: positions.span,
        })
    };
    let inline = |text: &str, node: &PosNode| -> PatchText {
        let start = node.span.start;
        let block = kustomization.text.get(start.offset as usize..).is_some_and(|rest| rest.starts_with(['|', '>']));
        let first_line = kustomization.text.lines().nth(start.line as usize).unwrap_or_default();
        let indent = (first_line.len() - first_line.trim_start_matches(' ').len()) as u32;
        PatchText {
            key: format!("{}#{}", kustomization.name, start.offset),
            file: Arc::from(kustomization.name.as_str()),
            file_text: kustomization.text.clone(),
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
        _ => return Some(kustomization.at(kustomization.positions.span, false)),
    };
    let rendered_name = name_of(&document.value).unwrap_or_default();
    let found = kustomization
        .items(key)
        .into_iter()
        .filter(|(value, _)| value.get("name").and_then(Value::as_str).is_some_and(|n| rendered_name.contains(n)))
        .max_by_key(|(value, _)| value.get("name").and_then(Value::as_str).map_or(0, str::len));
    match found {
        Some((_, positions)) => Some(kustomization.at(Kustomization::item_span(positions), true)),
        None => Some(kustomization.at(kustomization.positions.span, false)),
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
