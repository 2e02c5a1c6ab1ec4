//! Builds one document's JSON value and its position tree from saphyr's span-carrying events, in a
//! single pass, with go-yaml v2's semantics for anchors, aliases, merge keys and duplicate keys.
//!
//! Text → [`read`] → ([`serde_json::Value`], [`PosNode`]) plus non-fatal problems (duplicate keys).
//! [`read_streaming_items`] reads the same way but hands each item of a root `items` sequence (a
//! `kind: List`'s) to a sink as soon as it is built, so that a long list is never held whole.
//! Events are consumed with an explicit stack of the collections being read, not by recursion.
//! saphyr is a YAML 1.2 parser and kubectl's go-yaml a lenient YAML 1.1 one; where they disagree
//! on syntax, [`read`] follows go-yaml: it rejects what go-yaml rejects and saphyr accepts (control
//! characters, the `\/` escape) and rewrites the few things go-yaml accepts and saphyr rejects
//! ([`super::lenient`]) before reading again. Anything kubectl would reject ends the document with a
//! [`BuildError`] located where the problem is written.

use super::lenient::{self, Rewrite};
use super::scalar::{self, Scalar};
use crate::load::position::{LineIndex, MapEntryPos, Pos, PosChildren, PosNode, Span};
use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Span as YamlSpan, StrInput, Tag};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Deepest nesting accepted. The builder keeps its own stack, but the values it returns are dropped,
/// cloned and converted recursively downstream, so deeper documents are rejected.
pub(crate) const MAX_DEPTH: usize = 256;
/// Most nodes one document may hold, aliases counted in full, unless the settings say otherwise
/// ([`Limits`]): a bound on the memory one document takes (a node costs about a hundred bytes).
pub const MAX_NODES: usize = 2_000_000;
/// go-yaml's rule against alias bombs, which kubectl applies: once more than this many nodes come
/// from aliases, and the document has more than [`ALIAS_RULE_NODES`] nodes, the share of nodes
/// from aliases may not exceed [`allowed_alias_share`].
const ALIAS_RULE_ALIASED: usize = 100;
const ALIAS_RULE_NODES: usize = 1000;

/// The share of a document's nodes that may come from aliases, by its node count: 99% up to
/// 400,000 nodes, falling linearly to 10% at 4,000,000 and beyond (go-yaml's figures), so that
/// expansion stays proportionate to the text.
fn allowed_alias_share(nodes: usize) -> f64 {
    const LOW: usize = 400_000;
    const HIGH: usize = 4_000_000;
    match nodes {
        n if n <= LOW => 0.99,
        n if n >= HIGH => 0.10,
        n => 0.99 - 0.89 * ((n - LOW) as f64 / (HIGH - LOW) as f64),
    }
}

/// Bounds on one document that a user may need to raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most nodes a document may hold, aliases counted in full.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_nodes: MAX_NODES }
    }
}
/// Most lenient rewrites of one document (each one means parsing it again).
const MAX_REWRITES: usize = 64;

/// Why a document could not be read, and where.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BuildError {
    pub message: String,
    pub span: Span,
    /// For saphyr's own errors: its line (1-based) and column (0-based) in the text it read, which
    /// [`lenient::fix`] needs to find what to rewrite.
    pub at: Option<(usize, usize)>,
}

/// A mapping that sets one key twice.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DuplicateKey {
    pub key: String,
    /// The second (winning) occurrence.
    pub span: Span,
    pub first: Span,
}

/// A collection being read, as saphyr reports it: `(line, column)` of the start and end of its
/// opening event (a flow collection's ends at its bracket).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Open {
    pub start: (usize, usize),
    pub end: (usize, usize),
}

impl From<YamlSpan> for Open {
    fn from(span: YamlSpan) -> Self {
        Open { start: (span.start.line(), span.start.col()), end: (span.end.line(), span.end.col()) }
    }
}

/// A collection being read.
struct Frame {
    open: Open,
    /// Where the collection is located (its content's start).
    span: Span,
    anchor: usize,
    collection: Collection,
}

enum Collection {
    Sequence(SequenceBuilder),
    /// A mapping, and its key whose value comes next.
    Mapping(MappingBuilder, Option<Node>),
}

impl Collection {
    /// Where the last-ending child read so far ends.
    fn children_end(&self) -> Option<Pos> {
        let ends: Box<dyn Iterator<Item = Pos> + '_> = match self {
            Collection::Sequence(items) => Box::new(items.positions.iter().map(|p| p.span.end)),
            Collection::Mapping(mapping, _) => {
                Box::new(mapping.entries.iter().flat_map(|e| [e.key_span.end, e.value.span.end]))
            }
        };
        ends.max_by_key(|pos| pos.offset)
    }
}

/// Where a scalar is read: the forms of it that [`DocumentBuilder::scalar`] makes.
#[derive(Clone, Copy)]
enum ScalarRole {
    Key,
    Value,
    Either,
}

/// A built node: its value, its positions, and the decoded scalar when it is one read as a key
/// (or anchored, and so maybe aliased as one). A key's value is not made (`Null`).
#[derive(Clone)]
struct Node {
    value: Value,
    pos: PosNode,
    scalar: Option<Scalar>,
    size: usize,
    /// Why this scalar cannot be a JSON value (NaN, infinities), though it can be a key.
    invalid: Option<String>,
}

/// The outcome of reading one text.
pub(crate) enum Built {
    /// Only comments, blank lines, directives or document markers.
    Empty,
    Document(Value, PosNode),
}

/// Reads the first document of `text` (go-yaml's `Unmarshal` reads no further). `base` is where
/// `text` starts in its file, so positions come out file-relative.
pub(crate) fn read(text: &str, base: Pos) -> (Result<Built, BuildError>, Vec<DuplicateKey>) {
    read_within(text, base, Limits::default())
}

/// [`read`] within `limits`.
pub(crate) fn read_within(text: &str, base: Pos, limits: Limits) -> (Result<Built, BuildError>, Vec<DuplicateKey>) {
    let lines = LineIndex::new(text);
    if let Some(error) = control_character(text, &lines, base) {
        return (Err(error), Vec::new());
    }
    let mut rewrite = Rewrite::default();
    loop {
        let source = rewrite.source(text);
        let mut builder = DocumentBuilder::new(source, text, &lines, &rewrite, base, limits);
        let result = builder.build();
        let fix = match &result {
            Err(error) if rewrite.count() < MAX_REWRITES => {
                let open: Vec<Open> = builder.frames.iter().map(|frame| frame.open).collect();
                lenient::fix(source, error, &open, builder.read_to)
            }
            _ => None,
        };
        match fix {
            Some(rewritten) => {
                drop(builder);
                rewrite.record(rewritten);
            }
            None => return (result, builder.duplicates),
        }
    }
}

/// Where [`read_streaming_items`] hands each item of a list document's `items` as it is read, with
/// the keys set twice that were met since the item before it (within this item, or among the root
/// mapping's keys before the first item).
pub(crate) type ItemSink<'s> = dyn FnMut(Value, PosNode, Vec<DuplicateKey>) + 's;

/// A document read by [`read_streaming_items`]: what [`read_within`] gives, and where the
/// sequences whose items went to the sink start.
pub(crate) struct StreamedRead {
    pub result: Result<Built, BuildError>,
    /// The keys set twice that no item was handed over with (root keys after the items).
    pub duplicates: Vec<DuplicateKey>,
    /// One entry per sequence streamed (a root mapping that sets `items` twice streams two).
    pub streamed: Vec<Pos>,
}

/// [`read_within`] that hands every item of the root mapping's `items` sequence to `sink` as soon as
/// it is read, and keeps a `null` in its place, so that a long `kind: List` is never held whole.
/// Items are built by the same builder as the rest of the document, so they come out as
/// [`read_within`] makes them (anchors defined in one item and used in another included). An
/// anchored `items` sequence is kept whole (an alias may copy it). go-yaml's leniencies are not
/// applied: a text that needs one reads as an error, and the caller reads it again with
/// [`read_within`], dropping what the sink got.
pub(crate) fn read_streaming_items(text: &str, base: Pos, limits: Limits, sink: &mut ItemSink<'_>) -> StreamedRead {
    let lines = LineIndex::new(text);
    if let Some(error) = control_character(text, &lines, base) {
        return StreamedRead { result: Err(error), duplicates: Vec::new(), streamed: Vec::new() };
    }
    let rewrite = Rewrite::default();
    let mut builder = DocumentBuilder::new(text, text, &lines, &rewrite, base, limits);
    builder.items = Some(sink);
    let result = builder.build();
    StreamedRead { result, duplicates: builder.duplicates, streamed: builder.streamed }
}

/// A piece of a document read on its own by [`read_piece`].
pub(crate) struct PieceRead {
    pub result: Result<Built, BuildError>,
    /// The nodes it holds, as [`Limits::max_nodes`] counts them.
    pub nodes: usize,
    /// How many of them are copies made by aliases.
    pub aliased: usize,
    pub duplicates: Vec<DuplicateKey>,
}

/// Reads `text`, a piece cut from a document whose collections around it are `outer_depth` deep,
/// as [`read_within`] would read it there: nesting is limited as in the whole document, and go-yaml's
/// leniencies are not applied (a piece that needs one reads as an error, and the caller reads the
/// whole document instead).
pub(crate) fn read_piece(text: &str, base: Pos, limits: Limits, outer_depth: usize) -> PieceRead {
    let lines = LineIndex::new(text);
    if let Some(error) = control_character(text, &lines, base) {
        return PieceRead { result: Err(error), nodes: 0, aliased: 0, duplicates: Vec::new() };
    }
    let rewrite = Rewrite::default();
    let mut builder = DocumentBuilder::new(text, text, &lines, &rewrite, base, limits);
    builder.outer_depth = outer_depth;
    let result = builder.build();
    PieceRead { result, nodes: builder.nodes, aliased: builder.aliased, duplicates: builder.duplicates }
}

/// What a text with content but no document reads as: go-yaml reads an empty stream as `null`, but
/// rejects a `...` end marker that comes before any document.
pub(crate) fn empty_document(text: &str, base: Pos) -> Result<(Value, PosNode), BuildError> {
    match end_marker(text, base) {
        Some(error) => Err(error),
        None => Ok((Value::Null, PosNode::scalar(Span { start: base, end: base }))),
    }
}

/// go-yaml's error for a `...` end marker line in `text` (which comes before any document): it
/// expects the document's first node there. saphyr skips such markers.
fn end_marker(text: &str, base: Pos) -> Option<BuildError> {
    let index = text.trim_start_matches('\u{feff}').lines().position(|line| line.starts_with("..."))?;
    let at = LineIndex::new(text).pos(index + 1, 0, base);
    Some(error("did not find expected node content", Span { start: at, end: at }))
}

/// go-yaml's reader accepts only printable characters (tab and line breaks aside); saphyr reads the
/// others as content, e.g. a raw `\x01` in a string.
fn control_character(text: &str, lines: &LineIndex<'_>, base: Pos) -> Option<BuildError> {
    // Nearly every manifest is printable ASCII: one byte scan settles it.
    if printable_ascii(text.as_bytes()) {
        return None;
    }
    let printable = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
            || c >= '\u{10000}'
    };
    let (index, _) = text.char_indices().find(|&(_, c)| !printable(c))?;
    let before = &text[..index];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].trim_start_matches('\u{feff}').chars().count();
    let at = lines.pos(before.matches('\n').count() + 1, column, base);
    let message = "control characters are not allowed".to_string();
    Some(BuildError { message, span: Span { start: at, end: at }, at: None })
}

/// Whether every byte is printable ASCII, a tab or a line break. Each block of 64 bytes is judged
/// whole, without stopping at the first bad byte, so that the compiler can judge many bytes per
/// instruction (a byte-by-byte scan that stops early was a hundredth of a run).
fn printable_ascii(bytes: &[u8]) -> bool {
    let printable = |b: u8| (b == b'\t') | (b == b'\n') | (b == b'\r') | (b.wrapping_sub(b' ') < 95);
    bytes.chunks(64).all(|block| block.iter().fold(true, |all, &b| all & printable(b)))
}

struct DocumentBuilder<'t, 'r> {
    parser: Parser<'t, StrInput<'t>>,
    /// The text as written (saphyr may read a [`Rewrite`] of it): for positions and raw checks.
    original: &'r str,
    lines: &'r LineIndex<'r>,
    rewrite: &'r Rewrite,
    base: Pos,
    anchors: HashMap<usize, Node>,
    limits: Limits,
    /// Nodes built so far, aliases counted in full, and how many of them came from aliases.
    nodes: usize,
    aliased: usize,
    duplicates: Vec<DuplicateKey>,
    /// The collections being read, outermost first: the document is read with this explicit stack
    /// rather than by recursion, so nesting costs heap, not call stack. Left as it is when an error
    /// stops the build, so that [`lenient::fix`] knows where the error happened.
    frames: Vec<Frame>,
    /// saphyr's `(line, column)` of the end of the last event read, and of the one before it.
    read_to: (usize, usize),
    read_from: (usize, usize),
    /// Where the items of the root mapping's `items` sequence go, when they are streamed.
    items: Option<&'r mut ItemSink<'r>>,
    /// Where each sequence whose items were streamed starts.
    streamed: Vec<Pos>,
    /// Collections around the text read, in the document it was cut from (see [`read_piece`]).
    outer_depth: usize,
}

impl<'t, 'r> DocumentBuilder<'t, 'r> {
    fn new(
        source: &'t str,
        original: &'r str,
        lines: &'r LineIndex<'r>,
        rewrite: &'r Rewrite,
        base: Pos,
        limits: Limits,
    ) -> Self {
        DocumentBuilder {
            parser: Parser::new_from_str(source),
            original,
            lines,
            rewrite,
            base,
            anchors: HashMap::new(),
            limits,
            nodes: 0,
            aliased: 0,
            duplicates: Vec::new(),
            frames: Vec::new(),
            read_to: (1, 0),
            read_from: (1, 0),
            items: None,
            streamed: Vec::new(),
            outer_depth: 0,
        }
    }

    fn build(&mut self) -> Result<Built, BuildError> {
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => continue,
                Event::StreamEnd | Event::DocumentEnd => return Ok(Built::Empty),
                event => {
                    let start = self.pos(span.start).offset.saturating_sub(self.base.offset) as usize;
                    if let Some(error) = end_marker(self.original.get(..start).unwrap_or_default(), self.base) {
                        return Err(error);
                    }
                    let node = self.root(event, span)?;
                    // Read to the end of the document so syntax errors in its tail are reported.
                    loop {
                        match self.next()?.0 {
                            Event::DocumentEnd | Event::StreamEnd => break,
                            _ => continue,
                        }
                    }
                    return Ok(Built::Document(node.value, node.pos));
                }
            }
        }
    }

    fn next(&mut self) -> Result<(Event<'t>, YamlSpan), BuildError> {
        match self.parser.next_event() {
            Some(Ok(pair)) => {
                self.read_from = self.read_to;
                self.read_to = (pair.1.end.line(), pair.1.end.col());
                Ok(pair)
            }
            Some(Err(error)) => Err(self.scan_error(&error)),
            None => Ok((Event::StreamEnd, YamlSpan::default())),
        }
    }

    fn scan_error(&self, error: &ScanError) -> BuildError {
        let mark = error.marker();
        let pos = self.pos(*mark);
        BuildError {
            message: error.info().to_string(),
            span: Span { start: pos, end: pos },
            at: Some((mark.line(), mark.col())),
        }
    }

    /// A saphyr marker as a position in the original text.
    fn pos(&self, mark: Marker) -> Pos {
        let column = self.rewrite.original_column(mark.line(), mark.col());
        self.lines.pos(mark.line(), column, self.base)
    }

    fn span(&self, span: YamlSpan) -> Span {
        Span { start: self.pos(span.start), end: self.pos(span.end) }
    }

    /// The text of `span` as written.
    fn raw(&self, span: Span) -> &'r str {
        let start = span.start.offset.saturating_sub(self.base.offset) as usize;
        let end = span.end.offset.saturating_sub(self.base.offset) as usize;
        self.original.get(start..end).unwrap_or_default()
    }

    /// Counts `size` nodes, `aliased` if they are an alias's expansion; refuses a document that
    /// outgrows [`Limits::max_nodes`] or go-yaml's alias rule. Called before an alias is copied,
    /// so a bomb is refused before it takes memory.
    fn spend(&mut self, size: usize, aliased: bool, span: Span) -> Result<(), BuildError> {
        self.nodes = self.nodes.saturating_add(size);
        if aliased {
            self.aliased = self.aliased.saturating_add(size);
        }
        let (nodes, from_aliases) = (self.nodes, self.aliased);
        if from_aliases > ALIAS_RULE_ALIASED
            && nodes > ALIAS_RULE_NODES
            && from_aliases as f64 / nodes as f64 > allowed_alias_share(nodes)
        {
            let allowed = allowed_alias_share(nodes) * 100.0;
            let message = format!(
                "document contains excessive aliasing: {from_aliases} of its first {nodes} nodes come from aliases \
                 (kubectl refuses more than {allowed:.0}% at this size)"
            );
            return Err(error(message, span));
        }
        if nodes > self.limits.max_nodes {
            let max = self.limits.max_nodes;
            let message = if from_aliases == 0 {
                format!("document is too large: it holds more than {max} YAML nodes (the max_document_nodes setting raises this limit)")
            } else {
                format!(
                    "document is too large: it expands to more than {max} YAML nodes, {from_aliases} of them \
                     from aliases (the max_document_nodes setting raises this limit)"
                )
            };
            return Err(error(message, span));
        }
        Ok(())
    }

    /// Reads the document's root node, which starts with `event`, and every node inside it.
    fn root(&mut self, mut event: Event<'t>, mut yaml_span: YamlSpan) -> Result<Node, BuildError> {
        loop {
            let node = match event {
                Event::SequenceEnd | Event::MappingEnd => Some(self.close(yaml_span)?),
                event => self.open(event, yaml_span)?,
            };
            if let Some(node) = node {
                if let Some(root) = self.add(node)? {
                    return Ok(root);
                }
            }
            (event, yaml_span) = self.next()?;
        }
    }

    /// A node that starts with `event`: a scalar or alias, or `None` for a collection, which is now
    /// the innermost one being read.
    fn open(&mut self, event: Event<'t>, yaml_span: YamlSpan) -> Result<Option<Node>, BuildError> {
        let span = self.span(yaml_span);
        if self.frames.len() + self.outer_depth > MAX_DEPTH {
            return Err(error(format!("document nests deeper than {MAX_DEPTH} levels"), span));
        }
        let span = match &event {
            Event::Scalar(_, _, anchor, tag) | Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag)
                if *anchor > 0 || tag.is_some() =>
            {
                self.after_properties(span)?
            }
            _ => span,
        };
        let (anchor, collection) = match event {
            Event::SequenceStart(anchor, _) => (anchor, Collection::Sequence(SequenceBuilder::default())),
            Event::MappingStart(anchor, _) => (anchor, Collection::Mapping(MappingBuilder::default(), None)),
            Event::Scalar(text, style, anchor, tag) => {
                // saphyr's span of a block scalar without properties starts at its indentation.
                let indent = (anchor == 0 && tag.is_none()).then(|| yaml_span.start.col());
                // An anchored scalar may be aliased as a key or as a value: it keeps both forms.
                let role = match anchor {
                    0 if self.expects_key() => ScalarRole::Key,
                    0 => ScalarRole::Value,
                    _ => ScalarRole::Either,
                };
                let node = self.scalar(&text, style, tag.as_deref(), span, indent, role)?;
                return self.anchored(node, anchor, span).map(Some);
            }
            Event::Alias(id) => {
                let size = self.anchors.get(&id).map(|node| node.size).ok_or_else(|| error("unknown anchor", span))?;
                self.spend(size, true, span)?;
                let node = self.anchors.get(&id).cloned().ok_or_else(|| error("unknown anchor", span))?;
                return Ok(Some(node));
            }
            _ => return Err(error("unexpected YAML event", span)),
        };
        self.frames.push(Frame { open: Open::from(yaml_span), span, anchor, collection });
        Ok(None)
    }

    /// Whether the next node read is a mapping key.
    fn expects_key(&self) -> bool {
        matches!(self.frames.last(), Some(Frame { collection: Collection::Mapping(_, None), .. }))
    }

    /// A scalar as kubectl reads it: as a key it needs only its decoded form, as a value only its
    /// JSON value (each form is a copy of a string scalar's text, so only the one used is made).
    fn scalar(
        &self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&Tag>,
        span: Span,
        indent: Option<usize>,
        role: ScalarRole,
    ) -> Result<Node, BuildError> {
        let span = self.scalar_span(style, span);
        let text = self.as_go_yaml_reads(text, style, span, indent)?;
        let scalar = scalar::resolve(text, style, tag).map_err(|m| error(m, span))?;
        let (value, invalid, scalar) = match role {
            ScalarRole::Key => (Value::Null, None, Some(scalar)),
            ScalarRole::Value => match scalar.into_json() {
                Ok(value) => (value, None, None),
                Err(message) => (Value::Null, Some(message), None),
            },
            ScalarRole::Either => match scalar.to_json() {
                Ok(value) => (value, None, Some(scalar)),
                Err(message) => (Value::Null, Some(message), Some(scalar)),
            },
        };
        Ok(Node { value, pos: PosNode::scalar(span), scalar, size: 1, invalid })
    }

    /// Where a scalar is written: saphyr's span of a quoted scalar runs on over a trailing comment,
    /// and that of a block scalar starts at its content rather than at its `|` or `>`.
    fn scalar_span(&self, style: ScalarStyle, span: Span) -> Span {
        match style {
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                let raw = self.raw(span);
                let end = lenient::quoted_end(raw, 0).map_or(span.end, |end| advance(span.start, &raw[..end]));
                Span { start: span.start, end }
            }
            ScalarStyle::Literal | ScalarStyle::Folded => {
                let (line, column) = self.read_from;
                let from = self.pos(Marker::new(0, line, column));
                let between = self.raw(Span { start: from, end: span.start });
                let header = between.trim_start_matches([' ', '\t', '\r', '\n', ':', '-', '?', ',']);
                match header.as_bytes().first() {
                    Some(b'|' | b'>') => {
                        Span { start: advance(from, &between[..between.len() - header.len()]), ..span }
                    }
                    _ => span,
                }
            }
            ScalarStyle::Plain => span,
        }
    }

    /// Ends the innermost collection; `yaml_span` is its end event's.
    fn close(&mut self, yaml_span: YamlSpan) -> Result<Node, BuildError> {
        let end = self.span(yaml_span).end;
        let frame =
            self.frames.pop().ok_or_else(|| error("unexpected end of a collection", Span { start: end, end }))?;
        // At the end of a text without a final line break, saphyr places a block collection's end
        // at the start of its last line, before its last child (even before its own start): a
        // collection ends no earlier than its start and its children.
        let end = [Some(frame.span.start), frame.collection.children_end()]
            .into_iter()
            .flatten()
            .fold(end, |end, pos| if pos.offset > end.offset { pos } else { end });
        let span = Span { start: frame.span.start, end };
        let node = match frame.collection {
            Collection::Sequence(items) => items.finish(span),
            Collection::Mapping(mapping, _) => mapping.finish(span),
        };
        self.anchored(node, frame.anchor, frame.span)
    }

    /// Counts a new node and remembers it under its anchor, if any.
    fn anchored(&mut self, node: Node, anchor: usize, span: Span) -> Result<Node, BuildError> {
        self.spend(1, false, span)?;
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }

    /// Puts a finished node into the innermost collection; returns it when it is the root. Values
    /// (the root, items, mapping values) must be valid JSON; keys need not (`.inf: x`).
    fn add(&mut self, node: Node) -> Result<Option<Node>, BuildError> {
        if let Some(Frame { collection: Collection::Mapping(_, None), span, .. }) = self.frames.last() {
            if self.multi_line_flow_key(span, &node.pos.span) {
                return Err(error("did not find expected ',' or '}' (a key must be on one line)", node.pos.span));
            }
        }
        if self.items.is_some() && self.in_streamed_sequence() {
            return self.stream_item(valid(node)?).map(|()| None);
        }
        let Some(frame) = self.frames.last_mut() else { return valid(node).map(Some) };
        match &mut frame.collection {
            Collection::Sequence(items) => items.push(valid(node)?),
            Collection::Mapping(mapping, key) => match key.take() {
                None => *key = Some(node),
                Some(key) => {
                    if let Some(duplicate) = entry(mapping, key, valid(node)?)? {
                        self.duplicates.push(duplicate);
                    }
                }
            },
        }
        Ok(None)
    }

    /// Whether the node being added is an item of the root mapping's un-anchored `items` sequence.
    fn in_streamed_sequence(&self) -> bool {
        match self.frames.as_slice() {
            [Frame { collection: Collection::Mapping(_, Some(key)), .. }, Frame { collection: Collection::Sequence(_), anchor: 0, .. }] =>
            {
                matches!(&key.scalar, Some(Scalar::Str(name)) if name == "items")
            }
            _ => false,
        }
    }

    /// Hands an item to the sink; the sequence keeps a `null` of the same size and span (its own
    /// span and size come out as when it holds the item).
    fn stream_item(&mut self, item: Node) -> Result<(), BuildError> {
        let duplicates = std::mem::take(&mut self.duplicates);
        let (Some(sink), Some(frame)) = (self.items.as_mut(), self.frames.last_mut()) else {
            return Err(error("unexpected list item", item.pos.span));
        };
        if self.streamed.last() != Some(&frame.span.start) {
            self.streamed.push(frame.span.start);
        }
        let placeholder = Node {
            value: Value::Null,
            pos: PosNode::scalar(item.pos.span),
            scalar: None,
            size: item.size,
            invalid: None,
        };
        sink(item.value, item.pos, duplicates);
        if let Collection::Sequence(items) = &mut frame.collection {
            items.push(placeholder);
        }
        Ok(())
    }

    /// An implicit key spanning lines in a flow mapping, which saphyr accepts and go-yaml does not
    /// (`{"a` / `b": 1}`); an explicit `? ` key may span lines.
    fn multi_line_flow_key(&self, mapping: &Span, key: &Span) -> bool {
        key.start.line != key.end.line
            && self.raw(*mapping).starts_with('{')
            && !self.raw(Span { start: mapping.start, end: key.start }).trim_end().ends_with('?')
    }

    /// saphyr's span of a node with properties (`&anchor`, `!tag`) starts at them; a node is located
    /// where its content starts (a collection's, at its first key or item, or its bracket). Anchor names
    /// are checked on the way: go-yaml allows only letters, digits, `_` and `-` where YAML 1.2 (and
    /// saphyr) allow more.
    fn after_properties(&self, span: Span) -> Result<Span, BuildError> {
        let raw = self.raw(span);
        let mut rest = raw;
        loop {
            let trimmed = rest.trim_start_matches([' ', '\t', '\r', '\n']);
            let Some(first) = trimmed.chars().next() else {
                rest = trimmed;
                break;
            };
            let token_end = trimmed.find([' ', '\t', '\r', '\n', ',', '[', ']', '{', '}']).unwrap_or(trimmed.len());
            rest = match first {
                '&' if !trimmed[1..token_end].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') => {
                    let at = advance(span.start, &raw[..raw.len() - trimmed.len()]);
                    let message = "did not find expected alphabetic or numeric character \
                                   (kubectl allows only letters, digits, `_` and `-` in anchor names)";
                    return Err(error(message, Span { start: at, end: at }));
                }
                '&' | '!' => &trimmed[token_end..],
                '#' => trimmed.find('\n').map_or("", |i| &trimmed[i..]),
                _ => {
                    rest = trimmed;
                    break;
                }
            };
        }
        let start = advance(span.start, &raw[..raw.len() - rest.len()]);
        Ok(Span { start, end: if span.end.offset < start.offset { start } else { span.end } })
    }

    /// A scalar's text as go-yaml decodes it, where saphyr's differs. `indent` is a block scalar's
    /// indentation, when known.
    fn as_go_yaml_reads<'s>(
        &self,
        text: &'s str,
        style: ScalarStyle,
        span: Span,
        indent: Option<usize>,
    ) -> Result<&'s str, BuildError> {
        match style {
            ScalarStyle::DoubleQuoted if !go_yaml_escapes(self.raw(span)) => {
                Err(error("found unknown escape character (kubectl does not accept `\\/`)", span))
            }
            ScalarStyle::Literal | ScalarStyle::Folded if self.adds_final_break(span, indent) => {
                Ok(text.strip_suffix('\n').unwrap_or(text))
            }
            _ => Ok(text),
        }
    }

    /// Whether saphyr gave a block scalar a line break the text does not have: when the scalar runs
    /// to the end of a text without a final line break and its last line is inside the scalar
    /// (content, or blanks at least as deep as its indentation), saphyr ends that line with a break;
    /// go-yaml adds none.
    fn adds_final_break(&self, span: Span, indent: Option<usize>) -> bool {
        let reaches_end = span.end.offset.saturating_sub(self.base.offset) as usize == self.original.len();
        if !reaches_end || self.original.ends_with('\n') {
            return false;
        }
        let last_line = self.original.rsplit('\n').next().unwrap_or_default();
        if !last_line.trim().is_empty() {
            return true;
        }
        // Without saphyr's indentation (a tagged or anchored scalar), take the first content line's.
        let indent = indent.unwrap_or_else(|| {
            let body = self.raw(span).split_once('\n').map_or("", |(_, body)| body);
            let first = body.lines().find(|line| !line.trim().is_empty()).unwrap_or_default();
            first.len() - first.trim_start_matches(' ').len()
        });
        last_line.chars().count() >= indent
    }
}

/// A node used as a value must be valid JSON.
fn valid(node: Node) -> Result<Node, BuildError> {
    match node.invalid {
        Some(message) => Err(error(message, node.pos.span)),
        None => Ok(node),
    }
}

fn error(message: impl Into<String>, span: Span) -> BuildError {
    BuildError { message: message.into(), span, at: None }
}

/// Adds `key: value` to a mapping: a merge, or a key that must convert to a JSON key. Returns the
/// duplicate when the key was already written in this mapping.
fn entry(mapping: &mut MappingBuilder, key: Node, value: Node) -> Result<Option<DuplicateKey>, BuildError> {
    let key_span = key.pos.span;
    let name = match key.scalar {
        Some(Scalar::Merge) => return merge(mapping, value, key_span).map(|()| None),
        Some(scalar) => scalar.into_key().map_err(|m| error(m, key_span))?,
        None => return Err(error("invalid map key: a mapping or sequence cannot be a key", key.pos.span)),
    };
    let first = mapping.set(name.clone(), key_span, value, true);
    Ok(first.map(|first| DuplicateKey { key: name, span: key_span, first }))
}

/// `<<` merges a mapping, or a sequence of mappings (earlier ones win), into the mapping being
/// built, at the point where it is written: later keys override merged ones, and merged ones
/// override earlier keys (go-yaml v2 applies merges in document order).
fn merge(mapping: &mut MappingBuilder, source: Node, at: Span) -> Result<(), BuildError> {
    let not_a_map = || error("map merge requires map or sequence of maps as the value", at);
    match (source.value, source.pos.children) {
        (Value::Object(values), PosChildren::Mapping(entries)) => {
            mapping.merge_from(values, entries);
            Ok(())
        }
        (Value::Array(items), PosChildren::Sequence(positions)) => {
            let pairs: Vec<_> = items.into_iter().zip(positions).collect();
            for (value, pos) in pairs.into_iter().rev() {
                match (value, pos.children) {
                    (Value::Object(values), PosChildren::Mapping(entries)) => mapping.merge_from(values, entries),
                    _ => return Err(not_a_map()),
                }
            }
            Ok(())
        }
        _ => Err(not_a_map()),
    }
}

/// `pos` moved past `text`.
fn advance(pos: Pos, text: &str) -> Pos {
    let offset = pos.offset + text.len() as u32;
    match text.rfind('\n') {
        Some(i) => Pos {
            line: pos.line + text.matches('\n').count() as u32,
            column: text[i + 1..].chars().count() as u32 + 1,
            offset,
        },
        None => Pos { column: pos.column + text.chars().count() as u32, offset, ..pos },
    }
}

/// Whether every escape in a double-quoted scalar as written is one go-yaml knows. saphyr has
/// already rejected the ones neither knows; go-yaml's list lacks YAML 1.2's `\/`.
fn go_yaml_escapes(raw: &str) -> bool {
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.next() == Some('/') {
            return false;
        }
    }
    true
}

/// Accumulates one sequence's items.
#[derive(Default)]
struct SequenceBuilder {
    values: Vec<Value>,
    positions: Vec<PosNode>,
    size: usize,
}

impl SequenceBuilder {
    fn push(&mut self, item: Node) {
        self.size += item.size;
        self.values.push(item.value);
        self.positions.push(item.pos);
    }

    fn finish(self, span: Span) -> Node {
        Node {
            value: Value::Array(self.values),
            pos: PosNode { span, children: PosChildren::Sequence(self.positions) },
            scalar: None,
            size: self.size + 1,
            invalid: None,
        }
    }
}

/// Accumulates one mapping's entries in document order, tracking which keys were written explicitly
/// (a second explicit write is a duplicate; overriding a merged key is not).
#[derive(Default)]
struct MappingBuilder {
    values: Map<String, Value>,
    entries: Vec<MapEntryPos>,
    explicit: Vec<bool>,
    size: usize,
}

impl MappingBuilder {
    /// Sets `key`; returns the span of the earlier explicit key when this one duplicates it.
    fn set(&mut self, key: String, key_span: Span, value: Node, explicit: bool) -> Option<Span> {
        self.size += value.size;
        let existed = self.values.insert(key.clone(), value.value).is_some();
        self.set_position(MapEntryPos { key, key_span, value: value.pos }, explicit, existed)
    }

    /// `existed` says whether the key was already set, so that new keys (the common case) cost no
    /// search through the entries.
    fn set_position(&mut self, entry: MapEntryPos, explicit: bool, existed: bool) -> Option<Span> {
        let index = if existed { self.entries.iter().position(|e| e.key == entry.key) } else { None };
        match index {
            Some(index) => {
                let (Some(slot), Some(was_explicit)) = (self.entries.get_mut(index), self.explicit.get_mut(index))
                else {
                    return None;
                };
                let duplicate = (explicit && *was_explicit).then_some(slot.key_span);
                *slot = entry;
                *was_explicit = explicit;
                duplicate
            }
            None => {
                self.entries.push(entry);
                self.explicit.push(explicit);
                None
            }
        }
    }

    fn merge_from(&mut self, mut values: Map<String, Value>, entries: Vec<MapEntryPos>) {
        for entry in entries {
            if let Some(value) = values.remove(&entry.key) {
                self.size += 1;
                let existed = self.values.insert(entry.key.clone(), value).is_some();
                self.set_position(entry, false, existed);
            }
        }
    }

    fn finish(self, span: Span) -> Node {
        Node {
            value: Value::Object(self.values),
            pos: PosNode { span, children: PosChildren::Mapping(self.entries) },
            scalar: None,
            size: self.size + 1,
            invalid: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::printable_ascii;

    #[test]
    fn the_block_scan_judges_every_byte_as_the_plain_scan_does() {
        let plain = |bytes: &[u8]| bytes.iter().all(|&b| matches!(b, b'\t' | b'\n' | b'\r' | b' '..=b'~'));
        // Every byte value, at every place of a text longer than two blocks, including the last
        // byte of a block, the first of the next and the short block at the end.
        for byte in 0..=u8::MAX {
            for at in 0..150 {
                let mut text = vec![b'a'; 150];
                text[at] = byte;
                assert_eq!(printable_ascii(&text), plain(&text), "byte {byte:#04x} at {at}");
            }
        }
        assert!(printable_ascii(b""));
        assert!(printable_ascii(b"apiVersion: v1\r\nkind: Pod\n\tx: ~\n"));
        assert!(!printable_ascii("name: caf\u{e9}".as_bytes()));
    }
}
