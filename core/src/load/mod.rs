//! Loading: a named source text becomes Kubernetes objects with positions, plus the loader's own
//! findings (`yaml/syntax`, `yaml/duplicate-key`).
//!
//! Flow: [`load`] splits the text into documents at `---` lines exactly as kubectl's reader does
//! (`split`), notes Helm `# Source:` comments, builds each document's value and position tree
//! (`tree`, with scalars read by `scalar`, and go-yaml's syntax leniencies rewritten for saphyr
//! by `lenient`), unpacks `kind: *List` items, and keeps documents that carry `apiVersion` and
//! `kind`. A document that cannot be read yields a problem at the error's position; the others are
//! still returned. [`read_chunk_items`] reads a document that may be a list, handing its items
//! over one by one as they are read, for a caller that lints them as they come; [`ListPieces`]
//! cuts a long block-style list into its items' texts, for a caller that reads them in parallel.
//! `testdata/loader/oracle` holds what kubectl itself reads, and the few known differences.

mod lenient;
mod pieces;
pub mod position;
mod prefix;
mod scalar;
mod split;
mod tree;

use crate::load::position::{Path, Pos, PosNode, Span};
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

pub use pieces::{ListPieces, PieceItem, LIST_PIECES_BYTES};
pub use prefix::{written_kind, written_namespace};
pub use split::{blocks, is_separator, split_documents_at, Chunk};
pub use tree::{Limits, MAX_NODES};

/// A Kubernetes object read from a source, with everything needed to locate findings in it.
#[derive(Debug, Clone)]
pub struct Document {
    /// The source name as given (a path, `-`, or a name chosen by the host).
    pub file: Arc<str>,
    /// Index of the YAML document within the file (0-based, counting every `---` section).
    pub index: usize,
    /// For objects unpacked from a `kind: *List`, the item's index.
    pub item: Option<usize>,
    /// The Helm template this document was rendered from (`# Source:` comment), if any.
    pub template: Option<Arc<str>>,
    /// The object as kubectl would send it to the API server.
    pub value: Value,
    /// Positions of every node of `value`.
    pub positions: PosNode,
}

/// The identity of an object, as reports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ObjectRef {
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Document {
    pub fn object_ref(&self) -> ObjectRef {
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
        let metadata = self.value.get("metadata");
        ObjectRef {
            api_version: text(self.value.get("apiVersion")).unwrap_or_default(),
            kind: text(self.value.get("kind")).unwrap_or_default(),
            namespace: text(metadata.and_then(|m| m.get("namespace"))),
            name: text(metadata.and_then(|m| m.get("name")).or_else(|| metadata.and_then(|m| m.get("generateName")))),
        }
    }

    /// Where a field of this object is written (see [`PosNode::locate`]).
    pub fn locate(&self, path: &Path) -> crate::load::position::Located {
        self.positions.locate(path)
    }
}

/// What the loader itself found wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ProblemKind {
    /// The document is not valid YAML or JSON, or kubectl could not convert it.
    Syntax,
    /// A mapping sets the same key twice.
    DuplicateKey,
}

impl ProblemKind {
    pub fn rule_id(self) -> &'static str {
        match self {
            ProblemKind::Syntax => "yaml/syntax",
            ProblemKind::DuplicateKey => "yaml/duplicate-key",
        }
    }
}

/// A loader finding, located in the source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub kind: ProblemKind,
    pub message: String,
    pub span: Span,
    /// Index of the YAML document within the file.
    pub document: usize,
    pub template: Option<Arc<str>>,
}

/// Everything read from one source.
#[derive(Debug, Clone, Default)]
pub struct LoadedFile {
    /// Kubernetes objects, in source order.
    pub documents: Vec<Document>,
    pub problems: Vec<Problem>,
    /// Non-empty YAML documents seen, counting each item of a `kind: *List` (and unreadable ones).
    pub document_count: usize,
}

/// One YAML document as read, before Kubernetes filtering.
#[derive(Debug, Clone)]
pub struct RawDocument {
    /// Index of the document within the file (counting non-empty documents).
    pub index: usize,
    pub template: Option<Arc<str>>,
    /// The value and its positions; `Ok(None)` when the document holds no node (only markers).
    pub result: Result<Option<(Value, PosNode)>, Problem>,
    /// Non-fatal problems (duplicate keys, content on a separator line).
    pub problems: Vec<Problem>,
}

/// Reads every document of a YAML stream (or a JSON text) as kubectl would.
pub fn read_documents(text: &str) -> Vec<RawDocument> {
    split::split_documents(text).into_iter().enumerate().map(|(index, chunk)| read_chunk(index, chunk)).collect()
}

/// Reads one document of a stream, `index` being its place among the stream's documents.
pub fn read_chunk(index: usize, chunk: Chunk<'_>) -> RawDocument {
    read_chunk_within(index, chunk, Limits::default())
}

/// [`read_chunk`] within `limits`.
pub fn read_chunk_within(index: usize, chunk: Chunk<'_>, limits: Limits) -> RawDocument {
    let read = tree::read_within(chunk.text, chunk.start, limits);
    raw_document(index, chunk, read)
}

/// The document [`read_chunk_within`] makes of what the tree builder read.
fn raw_document(
    index: usize,
    chunk: Chunk<'_>,
    (result, duplicates): (Result<tree::Built, tree::BuildError>, Vec<tree::DuplicateKey>),
) -> RawDocument {
    let template: Option<Arc<str>> = chunk.template.map(Arc::from);
    let problems = chunk_problems(index, &chunk, &template, duplicates);
    let result = match result {
        // Only markers, directives or a byte order mark: kubectl still reads the chunk (as `null`).
        Ok(tree::Built::Empty) if chunk.has_content => tree::empty_document(chunk.text, chunk.start).map(Some),
        Ok(tree::Built::Empty) => Ok(None),
        Ok(tree::Built::Document(value, positions)) => Ok(Some((value, positions))),
        Err(error) => Err(error),
    };
    let result = result.map_err(|error| Problem {
        kind: ProblemKind::Syntax,
        message: error.message,
        span: error.span,
        document: index,
        template: template.clone(),
    });
    RawDocument { index, template, result, problems }
}

/// The loader's finding on content after the `---` that opened a document, if any: what
/// [`ListRead::Items`] holds for a list that sets no key twice outside its items.
pub fn separator_problems(index: usize, chunk: &Chunk<'_>, template: &Option<Arc<str>>) -> Vec<Problem> {
    chunk_problems(index, chunk, template, Vec::new())
}

/// A readable document's non-fatal problems: content on its separator line, keys set twice.
fn chunk_problems(
    index: usize,
    chunk: &Chunk<'_>,
    template: &Option<Arc<str>>,
    duplicates: Vec<tree::DuplicateKey>,
) -> Vec<Problem> {
    let problem =
        |kind, message: String, span| Problem { kind, message, span, document: index, template: template.clone() };
    let mut problems: Vec<Problem> = chunk
        .ignored_separator_content
        .into_iter()
        .map(|span| {
            let message =
                "content after a `---` document separator is ignored (kubectl rejects it: put it on the next line)";
            problem(ProblemKind::Syntax, message.to_string(), span)
        })
        .collect();
    problems.extend(duplicate_problems(index, template, duplicates));
    problems
}

/// The loader's findings on keys set twice in document `index`.
fn duplicate_problems(
    index: usize,
    template: &Option<Arc<str>>,
    duplicates: Vec<tree::DuplicateKey>,
) -> impl Iterator<Item = Problem> + '_ {
    duplicates.into_iter().map(move |duplicate| {
        let message = format!(
            "key \"{}\" is set twice (first on line {}); kubectl keeps the last value and strict validation rejects the object",
            duplicate.key, duplicate.first.start.line
        );
        Problem {
            kind: ProblemKind::DuplicateKey,
            message,
            span: duplicate.span,
            document: index,
            template: template.clone(),
        }
    })
}

/// One item of a list as [`read_chunk_items`] hands it over.
pub struct ListItem {
    /// Its index among the list's items.
    pub index: usize,
    pub value: Value,
    pub positions: PosNode,
    /// Keys set twice that were met since the item before (in this item, or among the list's own
    /// keys before its first item), as [`RawDocument::problems`] gives them.
    pub problems: Vec<Problem>,
}

/// What [`read_chunk_items`] made of a document.
pub enum ListRead {
    /// A list whose items all went to the sink, in order.
    Items {
        /// How many items the list holds (as [`into_objects`] counts them).
        count: usize,
        template: Option<Arc<str>>,
        /// Non-fatal problems, as [`RawDocument::problems`], but for those handed over with an
        /// item.
        problems: Vec<Problem>,
    },
    /// Not a list read item by item: the document as [`read_chunk_within`] reads it. Whatever the
    /// sink got is to be dropped.
    Document(RawDocument),
}

/// Whether `text` may be a list document worth reading with [`read_chunk_items`]: it has a root
/// `items` key in block style (a line that starts with it), or in flow style (JSON).
pub fn may_be_list(text: &str) -> bool {
    let has = |needle: &[u8]| memchr::memmem::find(text.as_bytes(), needle).is_some();
    text.starts_with("items:") || has(b"\nitems:") || (text.trim_start().starts_with('{') && has(b"\"items\""))
}

/// Whether a block-style document says at its root that it is a list: exactly one line starts with
/// a `kind` key, and its value ends with `List` (`kubectl get -o yaml` writes it after the items).
/// Only a hint: what decides is how the document reads ([`read_chunk_items`]).
pub fn states_list_kind(text: &str) -> bool {
    let mut kinds = text
        .lines()
        .filter_map(|line| line.strip_prefix("kind:"))
        .filter(|rest| rest.is_empty() || rest.starts_with([' ', '\t']));
    let (Some(value), None) = (kinds.next(), kinds.next()) else { return false };
    let value = value.split(" #").next().unwrap_or_default().trim();
    value.trim_matches(['"', '\'']).ends_with("List")
}

/// Reads one document like [`read_chunk_within`], but when it is a list (`kind: *List` with an
/// `items` sequence, as [`into_objects`] unpacks it) hands each item to `sink` with its index as
/// soon as it is read, rather than building the whole list: memory then follows the items in
/// flight, not the list. Items, positions, problems and counts are those [`read_chunk_within`] and
/// [`into_objects`] give: the problems met while reading an item come with it, the others (the
/// separator line's, keys set twice after the items) with the list.
pub fn read_chunk_items(index: usize, chunk: Chunk<'_>, limits: Limits, sink: &mut dyn FnMut(ListItem)) -> ListRead {
    let mut items = 0usize;
    let template: Option<Arc<str>> = chunk.template.map(Arc::from);
    let mut numbered = |value: Value, positions: PosNode, duplicates| {
        let problems = duplicate_problems(index, &template, duplicates).collect();
        sink(ListItem { index: items, value, positions, problems });
        items += 1;
    };
    let read = tree::read_streaming_items(chunk.text, chunk.start, limits, &mut numbered);
    match (read.result, read.streamed.as_slice()) {
        (Ok(tree::Built::Document(value, positions)), [start]) if streamed_list(&value, &positions, *start, items) => {
            let problems = chunk_problems(index, &chunk, &template, read.duplicates);
            ListRead::Items { count: items, template, problems }
        }
        (Ok(built), []) => ListRead::Document(raw_document(index, chunk, (Ok(built), read.duplicates))),
        // An error (maybe one of go-yaml's leniencies), or items streamed from what is no list.
        _ => ListRead::Document(read_chunk_within(index, chunk, limits)),
    }
}

/// Whether a document whose `items` sequence starting at `start` was streamed (`items` of them) is
/// a list [`into_objects`] unpacks, the streamed sequence being its `items`.
fn streamed_list(value: &Value, positions: &PosNode, start: Pos, items: usize) -> bool {
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or("");
    kind.ends_with("List")
        && value.get("items").and_then(Value::as_array).is_some_and(|all| all.len() == items)
        && positions.entry("items").is_some_and(|entry| entry.value.span.start == start)
}

/// Reads `text` (YAML stream or JSON) named `name`: its Kubernetes objects and the loader's findings.
pub fn load(name: &str, text: &str) -> LoadedFile {
    load_within(name, text, Limits::default())
}

/// [`load`] within `limits`.
pub fn load_within(name: &str, text: &str, limits: Limits) -> LoadedFile {
    let file: Arc<str> = Arc::from(name);
    let mut loaded = LoadedFile::default();
    let chunks = split::split_documents(text).into_iter().enumerate();
    for raw in chunks.map(|(index, chunk)| read_chunk_within(index, chunk, limits)) {
        loaded.problems.extend(raw.problems);
        match raw.result {
            Ok(None) => {}
            Ok(Some((value, positions))) => {
                let document = Document {
                    file: file.clone(),
                    index: raw.index,
                    item: None,
                    template: raw.template,
                    value,
                    positions,
                };
                push_objects(document, &mut loaded);
            }
            Err(problem) => {
                loaded.document_count += 1;
                loaded.problems.push(problem);
            }
        }
    }
    loaded
}

/// Adds a document, or the items of a list document, keeping only Kubernetes objects.
fn push_objects(document: Document, loaded: &mut LoadedFile) {
    if let Some(items) = list_items(&document) {
        for (i, (value, positions)) in items.into_iter().enumerate() {
            loaded.document_count += 1;
            let item = Document { item: Some(i), value, positions, ..document.clone() };
            if is_kubernetes_object(&item.value) {
                loaded.documents.push(item);
            }
        }
        return;
    }
    loaded.document_count += 1;
    if is_kubernetes_object(&document.value) {
        loaded.documents.push(document);
    }
}

/// The Kubernetes objects of a document read from `file` (as [`load`] keeps them): the document
/// itself, or the items of a list document, moved out of it rather than copied; and how many
/// documents it counts for.
pub fn into_objects(document: Document) -> (Vec<Document>, usize) {
    if !is_list(&document) {
        let objects = if is_kubernetes_object(&document.value) { vec![document] } else { Vec::new() };
        return (objects, 1);
    }
    let Document { file, index, template, mut value, positions, .. } = document;
    let items = match value.get_mut("items").map(Value::take) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let count = items.len();
    let Some(entry) = positions.entry("items") else { return (Vec::new(), count) };
    let item_positions = &entry.value;
    let objects = items
        .into_iter()
        .enumerate()
        .filter(|(_, value)| is_kubernetes_object(value))
        .map(|(i, value)| Document {
            file: file.clone(),
            index,
            item: Some(i),
            template: template.clone(),
            value,
            positions: item_positions.item(i).cloned().unwrap_or_else(|| item_positions.clone()),
        })
        .collect();
    (objects, count)
}

/// Whether [`list_items`] unpacks the document.
fn is_list(document: &Document) -> bool {
    let kind = document.value.get("kind").and_then(Value::as_str).unwrap_or("");
    kind.ends_with("List")
        && document.value.get("items").is_some_and(Value::is_array)
        && document.positions.entry("items").is_some()
}

/// `kind: List` (and any `*List` kind) with an `items` array, as kubectl unpacks it.
fn list_items(document: &Document) -> Option<Vec<(Value, PosNode)>> {
    let kind = document.value.get("kind")?.as_str()?;
    if !kind.ends_with("List") {
        return None;
    }
    let items = document.value.get("items")?.as_array()?;
    let positions = document.positions.entry("items")?;
    Some(
        items
            .iter()
            .enumerate()
            .map(|(i, v)| (v.clone(), positions.value.item(i).cloned().unwrap_or_else(|| positions.value.clone())))
            .collect(),
    )
}

/// Objects need a string `apiVersion` and `kind`; anything else (CI files, Helm values) is skipped.
pub fn is_kubernetes_object(value: &Value) -> bool {
    let has = |key: &str| value.get(key).and_then(Value::as_str).is_some_and(|s| !s.is_empty());
    has("apiVersion") && has("kind")
}

/// A position at the start of a file.
pub(crate) const FILE_START: Pos = Pos { line: 1, column: 1, offset: 0 };

#[cfg(test)]
mod tests;

/// Reads the first YAML document of `text` as a plain value (no Kubernetes filtering): for rule
/// metadata, configuration and data files. `Ok(None)` when the text holds no document.
pub fn parse_yaml_value(text: &str) -> Result<Option<Value>, Problem> {
    match tree::read(text, FILE_START).0 {
        Ok(tree::Built::Empty) => Ok(None),
        Ok(tree::Built::Document(value, _)) => Ok(Some(value)),
        Err(error) => Err(Problem {
            kind: ProblemKind::Syntax,
            message: error.message,
            span: error.span,
            document: 0,
            template: None,
        }),
    }
}

/// A plain YAML value with the positions of its nodes, for files whose errors must name a line
/// (the configuration file, baselines).
#[derive(Debug, Clone, PartialEq)]
pub struct PositionedValue {
    pub value: Value,
    pub positions: PosNode,
    /// Keys set twice (reported at the second occurrence, as for manifests).
    pub problems: Vec<Problem>,
}

/// Like [`parse_yaml_value`], keeping every node's position and the duplicate keys.
pub fn parse_yaml_document(text: &str) -> Result<Option<PositionedValue>, Problem> {
    let problem = |kind, message: String, span| Problem { kind, message, span, document: 0, template: None };
    let (result, duplicates) = tree::read(text, FILE_START);
    let problems = duplicates
        .into_iter()
        .map(|d| {
            let message = format!("key \"{}\" is set twice (first on line {})", d.key, d.first.start.line);
            problem(ProblemKind::DuplicateKey, message, d.span)
        })
        .collect();
    match result {
        Ok(tree::Built::Empty) => Ok(None),
        Ok(tree::Built::Document(value, positions)) => Ok(Some(PositionedValue { value, positions, problems })),
        Err(error) => Err(problem(ProblemKind::Syntax, error.message, error.span)),
    }
}
