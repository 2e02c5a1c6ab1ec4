//! Source positions of every node in a loaded document, and the paths that name those nodes.
//!
//! The loader records a [`PosNode`] tree while it builds a document's value, in the same pass: each
//! mapping entry keeps the span of its key and a subtree for its value, each sequence item a subtree.
//! Rules report a [`Path`]; [`PosNode::locate`] walks the tree along it and returns where the field is
//! written (the value for scalars, the key for mappings and sequences), or, for a field that does not
//! exist, the nearest enclosing node that does.

use serde::Serialize;
use std::cell::Cell;
use std::fmt;

/// A point in a source text: 1-based line and column (in characters), 0-based byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
    pub offset: u32,
}

/// A half-open range of source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

/// Positions of one node and, for collections, of its children.
#[derive(Debug, Clone, PartialEq)]
pub struct PosNode {
    /// Where the node's value is written.
    pub span: Span,
    pub children: PosChildren,
}

/// The children of a [`PosNode`], mirroring the shape of the value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum PosChildren {
    #[default]
    Scalar,
    Sequence(Vec<PosNode>),
    /// Entries in document order, after merges and duplicate keys are resolved (one entry per key).
    Mapping(Vec<MapEntryPos>),
}

/// A mapping entry: where its key is written and the positions of its value.
#[derive(Debug, Clone, PartialEq)]
pub struct MapEntryPos {
    pub key: String,
    pub key_span: Span,
    pub value: PosNode,
}

/// Where a path points in the source, and whether the path was found in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    pub span: Span,
    /// False when the path names a field that is not written: `span` is then its nearest ancestor's.
    pub exact: bool,
}

impl PosNode {
    pub fn scalar(span: Span) -> Self {
        PosNode { span, children: PosChildren::Scalar }
    }

    /// The entry for `key` when this node is a mapping.
    pub fn entry(&self, key: &str) -> Option<&MapEntryPos> {
        match &self.children {
            PosChildren::Mapping(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The item at `index` when this node is a sequence.
    pub fn item(&self, index: usize) -> Option<&PosNode> {
        match &self.children {
            PosChildren::Sequence(items) => items.get(index),
            _ => None,
        }
    }

    /// Follows `path` and returns the span a finding about it should point at (see
    /// docs/report-format.md, "Locations"): a scalar's value, a collection's key, an item's own
    /// position, or the nearest enclosing written node when the path leaves the document.
    pub fn locate(&self, path: &Path) -> Located {
        let mut node = self;
        // The span to report for `node`: for map entries the key, else the node itself.
        let mut anchor = self.span;
        for segment in path.segments() {
            let next = match segment {
                PathSegment::Key(key) => node.entry(key).map(|e| {
                    // An empty value (`key:` alone) is not written anywhere: point at its key.
                    let span = match e.value.children {
                        PosChildren::Scalar if e.value.span.start != e.value.span.end => e.value.span,
                        _ => e.key_span,
                    };
                    (&e.value, span)
                }),
                PathSegment::Index(i) => node.item(*i).map(|n| (n, n.span)),
            };
            match next {
                Some((child, span)) => {
                    node = child;
                    anchor = span;
                }
                None => return Located { span: anchor, exact: false },
            }
        }
        Located { span: anchor, exact: true }
    }
}

/// One step of a [`Path`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathSegment {
    Key(String),
    Index(usize),
}

/// A field path inside a document, e.g. `spec.template.spec.containers[0].image`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Path(Vec<PathSegment>);

impl Path {
    pub fn new(segments: Vec<PathSegment>) -> Self {
        Path(segments)
    }

    pub fn segments(&self) -> &[PathSegment] {
        &self.0
    }

    pub fn push_key(&mut self, key: impl Into<String>) {
        self.0.push(PathSegment::Key(key.into()));
    }

    pub fn push_index(&mut self, index: usize) {
        self.0.push(PathSegment::Index(index));
    }

    /// Builds a path from the JSON form rules return: an array of strings (keys) and non-negative
    /// integers (indexes). Returns `None` for anything else.
    pub fn from_json_array(items: &[serde_json::Value]) -> Option<Self> {
        items
            .iter()
            .map(|item| match item {
                serde_json::Value::String(s) => Some(PathSegment::Key(s.clone())),
                serde_json::Value::Number(n) => n.as_u64().map(|i| PathSegment::Index(i as usize)),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(Path)
    }

    /// Parses the dotted form this type displays (`a.b[0]["x.y"]`). Returns `None` when malformed.
    pub fn parse(text: &str) -> Option<Self> {
        let mut segments = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("[\"") {
                let end = after.find("\"]")?;
                segments.push(PathSegment::Key(after[..end].to_string()));
                rest = &after[end + 2..];
            } else if let Some(after) = rest.strip_prefix('[') {
                let end = after.find(']')?;
                segments.push(PathSegment::Index(after[..end].parse().ok()?));
                rest = &after[end + 1..];
            } else {
                let body = rest.strip_prefix('.').unwrap_or(rest);
                let end = body.find(['.', '[']).unwrap_or(body.len());
                if end == 0 {
                    return None;
                }
                segments.push(PathSegment::Key(body[..end].to_string()));
                rest = &body[end..];
            }
        }
        Some(Path(segments))
    }
}

impl fmt::Display for Path {
    /// Dots between keys, `[i]` for indexes, `["key"]` for keys holding dots, slashes, brackets,
    /// quotes or nothing at all (docs/report-format.md).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                PathSegment::Index(index) => write!(f, "[{index}]")?,
                PathSegment::Key(key) if needs_brackets(key) => write!(f, "[\"{key}\"]")?,
                PathSegment::Key(key) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(key)?;
                }
            }
        }
        Ok(())
    }
}

fn needs_brackets(key: &str) -> bool {
    key.is_empty() || key.contains(['.', '/', '[', ']', '"'])
}

impl Serialize for Path {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Converts saphyr's positions (1-based line, 0-based column in characters) into [`Pos`] values for one
/// source text.
///
/// Columns count characters, offsets count bytes. A byte order mark at the start of the text is
/// zero-width: it shifts offsets on line 1, not columns (saphyr does not count it as a column either).
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    ascii: bool,
    /// Byte offset of the start of each line (line 1 at index 0, after any byte order mark).
    line_starts: Vec<usize>,
    /// The last non-ASCII lookup, `(line, column, byte offset)`. Nodes are looked up in document
    /// order, so walking on from here keeps a long non-ASCII line (minified JSON) linear overall.
    cursor: Cell<(usize, usize, usize)>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        LineIndex { text, ascii: text.is_ascii(), line_starts: line_starts(text), cursor: Cell::new((0, 0, 0)) }
    }

    /// Where `line` (1-based) and `column` (0-based, characters) of this text are, shifted by `base`
    /// (where the text starts in its file). Positions past a line's end clamp to the end of the line.
    pub(crate) fn pos(&self, line: usize, column: usize, base: Pos) -> Pos {
        let line = line.clamp(1, self.line_starts.len());
        let start = self.line_starts.get(line - 1).copied().unwrap_or_default();
        let end = self.line_starts.get(line).copied().unwrap_or(self.text.len());
        let offset = if self.ascii { (start + column).min(end) } else { self.walk(line, column, start, end) };
        Pos { line: base.line + line as u32 - 1, column: column as u32 + 1, offset: base.offset + offset as u32 }
    }

    /// The byte offset of `column` on a non-ASCII line, walking from the cursor when it is on the way.
    fn walk(&self, line: usize, column: usize, start: usize, end: usize) -> usize {
        let (cursor_line, cursor_column, cursor_offset) = self.cursor.get();
        let (from_column, from) =
            if cursor_line == line && cursor_column <= column { (cursor_column, cursor_offset) } else { (0, start) };
        let tail = &self.text[from..end];
        let offset = from + tail.char_indices().nth(column - from_column).map_or(tail.len(), |(i, _)| i);
        self.cursor.set((line, column, offset));
        offset
    }
}

/// The byte offset of the start of each line of `text` (line 1 at index 0, after any byte order
/// mark), lines ending as the YAML parser ends them: a `\r` not followed by `\n` ends a line too,
/// as for go-yaml. Positions of a text's nodes are made from these; placing findings in files after
/// linting turns them back into offsets with the same lines.
pub(crate) fn line_starts(text: &str) -> Vec<usize> {
    let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let bytes = text.as_bytes();
    let breaks = memchr::memchr2_iter(b'\n', b'\r', bytes)
        .filter(|&i| bytes.get(i) == Some(&b'\n') || bytes.get(i + 1) != Some(&b'\n'));
    std::iter::once(bom).chain(breaks.map(|i| i + 1)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip_through_their_text_form() {
        for text in ["spec.containers[0].image", "metadata.annotations[\"a.b/c\"]", "items[2]"] {
            let path = Path::parse(text).unwrap_or_default();
            assert_eq!(path.to_string(), text);
        }
    }

    #[test]
    fn malformed_paths_are_rejected() {
        assert_eq!(Path::parse("a..b"), None);
        assert_eq!(Path::parse("a[x]"), None);
        assert_eq!(Path::parse("a[\"b"), None);
    }
}
