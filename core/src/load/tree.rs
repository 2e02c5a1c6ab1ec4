//! Builds one document's JSON value and its position tree from saphyr's span-carrying events, in a
//! single pass, with go-yaml v2's semantics for anchors, aliases, merge keys and duplicate keys.
//!
//! Events → [`DocumentBuilder::build`] → ([`serde_json::Value`], [`PosNode`]) plus non-fatal
//! problems (duplicate keys). Anything kubectl would reject ends the document with a
//! [`BuildError`] located where the problem is written.

use super::scalar::{self, Scalar};
use crate::position::{LineIndex, MapEntryPos, Pos, PosChildren, PosNode, Span};
use saphyr_parser::{Event, Parser, ScanError, Span as YamlSpan, StrInput};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Deepest nesting accepted; deeper documents are rejected instead of exhausting the stack.
pub(crate) const MAX_DEPTH: usize = 256;
/// Most nodes one document may expand to (aliases count in full), against alias bombs.
pub(crate) const MAX_NODES: usize = 2_000_000;

/// Why a document could not be read, and where.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BuildError {
    pub message: String,
    pub span: Span,
}

/// A mapping that sets one key twice.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DuplicateKey {
    pub key: String,
    /// The second (winning) occurrence.
    pub span: Span,
    pub first: Span,
}

/// A built node: its value, its positions, and the decoded scalar when it is one (keys need it).
#[derive(Clone)]
struct Node {
    value: Value,
    pos: PosNode,
    scalar: Option<Scalar>,
    size: usize,
}

pub(crate) struct DocumentBuilder<'t> {
    parser: Parser<'t, StrInput<'t>>,
    lines: LineIndex<'t>,
    base: Pos,
    anchors: HashMap<usize, Node>,
    nodes_left: usize,
    pub(crate) duplicates: Vec<DuplicateKey>,
}

/// The outcome of reading one chunk of text.
pub(crate) enum Built {
    /// Only comments, blank lines or document markers.
    Empty,
    Document(Value, PosNode),
}

impl<'t> DocumentBuilder<'t> {
    /// `base` is where `text` starts in its file, so positions come out file-relative.
    pub(crate) fn new(text: &'t str, base: Pos) -> Self {
        DocumentBuilder {
            parser: Parser::new_from_str(text),
            lines: LineIndex::new(text),
            base,
            anchors: HashMap::new(),
            nodes_left: MAX_NODES,
            duplicates: Vec::new(),
        }
    }

    /// Reads the first document of the text (go-yaml's `Unmarshal` reads no further).
    pub(crate) fn build(&mut self) -> Result<Built, BuildError> {
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => continue,
                Event::StreamEnd | Event::DocumentEnd => return Ok(Built::Empty),
                event => {
                    let node = self.node(event, span, 0)?;
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
            Some(Ok(pair)) => Ok(pair),
            Some(Err(error)) => Err(self.scan_error(&error)),
            None => Ok((Event::StreamEnd, YamlSpan::default())),
        }
    }

    fn scan_error(&self, error: &ScanError) -> BuildError {
        let mark = error.marker();
        let pos = self.lines.pos(mark.index(), mark.line(), mark.col(), self.base);
        BuildError { message: error.info().to_string(), span: Span { start: pos, end: pos } }
    }

    fn span(&self, span: YamlSpan) -> Span {
        let at = |m: saphyr_parser::Marker| self.lines.pos(m.index(), m.line(), m.col(), self.base);
        Span { start: at(span.start), end: at(span.end) }
    }

    fn error(&self, message: impl Into<String>, span: Span) -> BuildError {
        BuildError { message: message.into(), span }
    }

    fn spend(&mut self, size: usize, span: Span) -> Result<(), BuildError> {
        self.nodes_left = self.nodes_left.checked_sub(size).ok_or_else(|| {
            self.error(format!("document expands to more than {MAX_NODES} nodes (alias expansion)"), span)
        })?;
        Ok(())
    }

    fn node(&mut self, event: Event<'t>, span: YamlSpan, depth: usize) -> Result<Node, BuildError> {
        let span = self.span(span);
        if depth > MAX_DEPTH {
            return Err(self.error(format!("document nests deeper than {MAX_DEPTH} levels"), span));
        }
        let (node, anchor) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let scalar = scalar::resolve(&text, style, tag.as_deref()).map_err(|m| self.error(m, span))?;
                let value = scalar.to_json().map_err(|m| self.error(m, span))?;
                (Node { value, pos: PosNode::scalar(span), scalar: Some(scalar), size: 1 }, anchor)
            }
            Event::SequenceStart(anchor, _) => (self.sequence(span, depth)?, anchor),
            Event::MappingStart(anchor, _) => (self.mapping(span, depth)?, anchor),
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().ok_or_else(|| self.error("unknown anchor", span))?;
                self.spend(node.size, span)?;
                return Ok(node);
            }
            _ => return Err(self.error("unexpected YAML event", span)),
        };
        self.spend(1, span)?;
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }

    fn sequence(&mut self, start: Span, depth: usize) -> Result<Node, BuildError> {
        let mut values = Vec::new();
        let mut positions = Vec::new();
        let mut size = 1;
        loop {
            let (event, span) = self.next()?;
            if let Event::SequenceEnd = event {
                let end = self.span(span).end;
                let pos = PosNode { span: Span { start: start.start, end }, children: PosChildren::Sequence(positions) };
                return Ok(Node { value: Value::Array(values), pos, scalar: None, size });
            }
            let item = self.node(event, span, depth + 1)?;
            size += item.size;
            values.push(item.value);
            positions.push(item.pos);
        }
    }

    fn mapping(&mut self, start: Span, depth: usize) -> Result<Node, BuildError> {
        let mut mapping = MappingBuilder::default();
        loop {
            let (event, span) = self.next()?;
            if let Event::MappingEnd = event {
                let end = self.span(span).end;
                return Ok(mapping.finish(Span { start: start.start, end }));
            }
            let key = self.node(event, span, depth + 1)?;
            let (event, span) = self.next()?;
            let value = self.node(event, span, depth + 1)?;
            if key.scalar == Some(Scalar::Merge) {
                self.merge(&mut mapping, value, key.pos.span)?;
                continue;
            }
            let name = match &key.scalar {
                Some(scalar) => scalar.to_key().map_err(|m| self.error(m, key.pos.span))?,
                None => return Err(self.error("invalid map key: a mapping or sequence cannot be a key", key.pos.span)),
            };
            if let Some(first) = mapping.set(name.clone(), key.pos.span, value, true) {
                self.duplicates.push(DuplicateKey { key: name, span: key.pos.span, first });
            }
        }
    }

    /// `<<` merges a mapping, or a sequence of mappings (earlier ones win), into the mapping being
    /// built, at the point where it is written: later keys override merged ones, and merged ones
    /// override earlier keys (go-yaml v2 applies merges in document order).
    fn merge(&mut self, mapping: &mut MappingBuilder, source: Node, at: Span) -> Result<(), BuildError> {
        let not_a_map = || self.error("map merge requires map or sequence of maps as the value", at);
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
                let duplicate = (explicit && self.explicit[index]).then_some(self.entries[index].key_span);
                self.entries[index] = entry;
                self.explicit[index] = explicit;
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
        }
    }
}
