//! A template's structure as YAML would nest it: the literal keys and list items it writes, the
//! actions that print YAML of their own (`toYaml`, `include`, any `{{ … }}` alone on a line), and
//! the control blocks (`if`, `with`, `range`) each of them sits in.
//!
//! The template is read line by line, never rendered: a line's indentation (or an action's
//! `nindent N`) places it under the nearest less indented key or item, as YAML would once the
//! actions are replaced. `define` bodies become bodies of their own, matched when an `include`
//! or `template` prints them. Lines inside block scalars (`key: |`) are text, not structure.

use super::lex::{self, Action, ActionKind, Pipeline};

/// At most this many structural nodes are read from one file.
const MAX_NODES: usize = 100_000;

/// At most this many blocks (`if`, `range`, `define`, …) nest; a deeper file is not read on.
const MAX_DEPTH: usize = 64;

/// The structure of a template file's documents, or of one named template's body.
#[derive(Debug, Clone, Default)]
pub(crate) struct Body {
    pub nodes: Vec<Node>,
    /// The documents (`---` sections) of a template; a named template has one.
    pub segments: Vec<Segment>,
    /// The control blocks nodes sit in.
    pub scopes: Vec<Scope>,
    /// Set when the file was not read to its end (too large, too deeply nested, an unterminated
    /// action): the structure may miss what wrote a field, so nothing is placed from it.
    pub truncated: bool,
}

/// One `---` section of a template.
#[derive(Debug, Clone, Default)]
pub(crate) struct Segment {
    /// Its top-level nodes, in order.
    pub roots: Vec<usize>,
    /// Its first structural node.
    pub first: Option<usize>,
    /// The control blocks its `---` sits in.
    pub scopes: Vec<(usize, usize)>,
}

/// A control block: `if`, `with` or `range`, with the pipeline that governs it per branch.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub kind: ScopeKind,
    /// The pipelines of `if`/`else if` branches (or `with`/`else with`); `None` for a plain `else`.
    pub branches: Vec<Option<Pipeline>>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ScopeKind {
    If,
    With,
    Range { key: Option<String>, element: Option<String> },
}

/// A structural line of the template.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub kind: NodeKind,
    /// Where the key, the item's dash or the action starts (1-based line and column, byte offset).
    pub line: u32,
    pub column: u32,
    pub offset: u32,
    /// Where the key, the dash or the action ends (same line).
    pub end_column: u32,
    pub end_offset: u32,
    /// The column its YAML content nests at (0-based): the key's or dash's column, or for an
    /// action the indentation its output gets (`nindent N`).
    pub indent: usize,
    pub children: Vec<usize>,
    /// The control blocks it sits in, outermost first: (scope, branch).
    pub scopes: Vec<(usize, usize)>,
    /// The printing actions of its value (a key's inline value, an item's scalar), or the
    /// action an `Emit` node prints.
    pub prints: Vec<Pipeline>,
    /// A key's inline value when written without actions (unquoted), as `kind: Deployment`.
    pub literal: Option<String>,
    /// Whether its value holds blocks of its own (`{{ if .a }}x{{ else }}y{{ end }}`).
    pub branching: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NodeKind {
    /// `key:` with its key (`None` when the key is printed by an action).
    Key { key: Option<String>, value: ValueKind },
    /// `- ` (its content, when on the same line, is its first child).
    Item { scalar: bool },
    /// An action printing YAML of its own (`{{ toYaml .Values.x | nindent 8 }}`, `{{ include "x" . }}`).
    Emit,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ValueKind {
    /// Nothing after the colon: the value is the following, more indented lines.
    Nested,
    /// A value on the same line (scalar, flow collection, or actions printing one).
    Inline,
    /// `|` or `>`: the following, more indented lines are text.
    BlockScalar,
}

/// A parsed template file: its documents and the named templates it defines.
#[derive(Debug, Clone, Default)]
pub(crate) struct Parsed {
    pub main: Body,
    pub defines: Vec<(String, Body)>,
}

/// A control-stack entry while reading.
#[derive(Debug, Clone, Copy)]
enum Control {
    Scope {
        scope: usize,
        branch: usize,
    },
    /// A `define` or `block` body: index into `Parsed::defines`.
    Define(usize),
}

/// An open node on a body's nesting stack.
#[derive(Debug, Clone, Copy)]
struct Open {
    node: usize,
    indent: usize,
    kind: OpenKind,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum OpenKind {
    /// A key whose value is on the following lines: items at its own column are its children.
    NestedKey,
    OtherKey,
    Item,
    Emit,
}

/// A body being read: the body, its nesting stack, and the block scalar it is inside, if any.
#[derive(Default)]
struct Reading {
    body: Body,
    stack: Vec<Open>,
    block_scalar: Option<usize>,
}

/// One piece of a line: a character or an action, with its byte offset and column (0-based).
#[derive(Debug, Clone, Copy)]
enum Piece {
    Char(char, usize, usize),
    Act(usize, usize, usize),
}

impl Piece {
    fn column(self) -> usize {
        match self {
            Piece::Char(_, _, c) | Piece::Act(_, _, c) => c,
        }
    }
    fn offset(self) -> usize {
        match self {
            Piece::Char(_, o, _) | Piece::Act(_, o, _) => o,
        }
    }
    fn is_space(self) -> bool {
        matches!(self, Piece::Char(' ' | '\t' | '\r', _, _))
    }
}

/// Reads a template file.
pub(crate) fn parse(text: &str) -> Parsed {
    let (actions, complete) = lex::actions(text);
    let mut reader =
        Reader { actions: &actions, main: Reading::default(), defines: Vec::new(), control: Vec::new(), full: false };
    reader.main.body.segments.push(Segment::default());
    let mut next_action = 0;
    let mut covered_until = 0;
    let mut line_start = 0;
    for (index, line) in text.split('\n').enumerate() {
        let line_end = line_start + line.len();
        let mut pieces = Vec::new();
        for (column, (i, c)) in line.char_indices().enumerate() {
            let offset = line_start + i;
            if offset < covered_until {
                continue;
            }
            match actions.get(next_action) {
                Some(action) if action.start == offset => {
                    pieces.push(Piece::Act(next_action, offset, column));
                    covered_until = action.end;
                    next_action += 1;
                }
                _ => pieces.push(Piece::Char(c, offset, column)),
            }
        }
        reader.line(index as u32 + 1, &pieces, text);
        line_start = line_end + 1;
        if reader.full {
            break;
        }
    }
    let truncated = reader.full || !complete;
    let mut parsed =
        Parsed { main: reader.main.body, defines: reader.defines.into_iter().map(|(n, r)| (n, r.body)).collect() };
    parsed.main.truncated |= truncated;
    for (_, body) in &mut parsed.defines {
        body.truncated |= truncated;
    }
    parsed
}

struct Reader<'a> {
    actions: &'a [Action],
    main: Reading,
    defines: Vec<(String, Reading)>,
    control: Vec<Control>,
    /// Set when a limit is reached: the file is read no further.
    full: bool,
}

impl Reader<'_> {
    /// The body lines go to now: the innermost `define`'s, or the template's own.
    fn current(&mut self) -> &mut Reading {
        let define = self.control.iter().rev().find_map(|c| match c {
            Control::Define(i) => Some(*i),
            _ => None,
        });
        match define.and_then(|i| self.defines.get_mut(i)) {
            Some((_, reading)) => reading,
            None => &mut self.main,
        }
    }

    /// The control blocks a node placed now sits in (those opened inside the current body).
    fn scopes(&self) -> Vec<(usize, usize)> {
        let inner = self.control.iter().rposition(|c| matches!(c, Control::Define(_))).map_or(0, |i| i + 1);
        self.control
            .get(inner..)
            .unwrap_or(&[])
            .iter()
            .filter_map(|c| match c {
                Control::Scope { scope, branch } => Some((*scope, *branch)),
                _ => None,
            })
            .collect()
    }

    fn action(&self, index: usize) -> Option<&Action> {
        self.actions.get(index)
    }

    fn line(&mut self, line: u32, pieces: &[Piece], text: &str) {
        let mut rest = pieces;
        let mut glued = false;
        // Leading whitespace and actions that print nothing.
        while let Some((&first, tail)) = rest.split_first() {
            match first {
                p if p.is_space() => rest = tail,
                Piece::Act(a, _, _) if !self.prints(a) => {
                    glued |= self.action(a).is_some_and(|a| a.trims_left);
                    self.control_action(a);
                    rest = tail;
                }
                _ => break,
            }
        }
        let Some(&first) = rest.first() else { return };
        let only_actions = rest.iter().all(|p| p.is_space() || matches!(p, Piece::Act(..)));
        if only_actions {
            self.action_line(line, rest, text);
        } else if glued && self.current().block_scalar.is_none() {
            // `{{- if … }}key: value`: the text joins the previous line in the output, so its
            // place in the structure is unknown; it may have written anything.
            let node = self.node(NodeKind::Emit, line, first, 1, first.column(), self.scopes());
            self.place(node, OpenKind::Emit);
            self.trailing_controls(rest);
        } else {
            self.text_line(line, rest, text);
        }
    }

    fn prints(&self, action: usize) -> bool {
        matches!(self.action(action).map(|a| &a.kind), Some(ActionKind::Print(_)))
    }

    /// Applies a control action to the control stack.
    fn control_action(&mut self, action: usize) {
        let Some(kind) = self.action(action).map(|a| a.kind.clone()) else { return };
        let opens = matches!(
            kind,
            ActionKind::If(_)
                | ActionKind::With(_)
                | ActionKind::Range { .. }
                | ActionKind::Define(_)
                | ActionKind::Block(_)
        );
        if opens && self.control.len() >= MAX_DEPTH {
            self.full = true;
            return;
        }
        match kind {
            ActionKind::If(p) => self.open_scope(ScopeKind::If, p),
            ActionKind::With(p) => self.open_scope(ScopeKind::With, p),
            ActionKind::Range { pipeline, key, element } => {
                self.open_scope(ScopeKind::Range { key, element }, pipeline)
            }
            ActionKind::Define(name) | ActionKind::Block(name) => {
                self.defines.push((name, Reading::default()));
                let index = self.defines.len() - 1;
                if let Some((_, reading)) = self.defines.get_mut(index) {
                    reading.body.segments.push(Segment::default());
                }
                self.control.push(Control::Define(index));
            }
            ActionKind::Else(pipeline) => {
                if let Some(Control::Scope { scope, branch }) = self.control.last_mut() {
                    *branch += 1;
                    let scope = *scope;
                    if let Some(s) = self.current().body.scopes.get_mut(scope) {
                        s.branches.push(pipeline);
                    }
                }
            }
            ActionKind::End => {
                self.control.pop();
            }
            ActionKind::Comment | ActionKind::Assign | ActionKind::Loop | ActionKind::Print(_) => {}
        }
    }

    fn open_scope(&mut self, kind: ScopeKind, pipeline: Pipeline) {
        let scopes = &mut self.current().body.scopes;
        scopes.push(Scope { kind, branches: vec![Some(pipeline)] });
        let scope = scopes.len() - 1;
        self.control.push(Control::Scope { scope, branch: 0 });
    }

    /// A line of actions only: each printing action is an `Emit` node, the others steer the
    /// control stack.
    fn action_line(&mut self, line: u32, pieces: &[Piece], text: &str) {
        let leading = pieces.first().map_or(0, |p| p.column());
        for &piece in pieces {
            let Piece::Act(index, offset, column) = piece else { continue };
            let Some(action) = self.action(index).cloned() else { continue };
            let ActionKind::Print(pipeline) = &action.kind else {
                self.control_action(index);
                continue;
            };
            if let Some(threshold) = self.current().block_scalar {
                if leading > threshold {
                    continue;
                }
            }
            let indent = match pipeline.indentation() {
                Some((n, true)) => n,
                Some((n, false)) => leading + n,
                None => column,
            };
            let end_column = column + text.get(action.start..action.end).map_or(0, |t| t.chars().count());
            let node = Node {
                kind: NodeKind::Emit,
                line,
                column: column as u32 + 1,
                offset: offset as u32,
                end_column: end_column as u32 + 1,
                end_offset: action.end as u32,
                indent,
                children: Vec::new(),
                scopes: self.scopes(),
                prints: vec![pipeline.clone()],
                literal: None,
                branching: false,
            };
            self.place(node, OpenKind::Emit);
        }
    }

    /// A line with text: a key, list items, a scalar, a comment or a document separator.
    fn text_line(&mut self, line: u32, pieces: &[Piece], text: &str) {
        let Some(&first) = pieces.first() else { return };
        let indent = first.column();
        let reading = self.current();
        if let Some(threshold) = reading.block_scalar {
            if indent > threshold {
                self.trailing_controls(pieces);
                return;
            }
            reading.block_scalar = None;
        }
        let chars: String = pieces.iter().map(|p| if let Piece::Char(c, _, _) = p { *c } else { '\u{1}' }).collect();
        if chars.starts_with('#') {
            return;
        }
        if indent == 0 && (chars.trim_end() == "---" || chars.starts_with("--- ")) {
            self.separator();
            return;
        }
        let scopes = self.scopes();
        let mut at = 0;
        // List item dashes: `- `, possibly several on one line.
        while let Some(&piece) = pieces.get(at) {
            let is_dash = matches!(piece, Piece::Char('-', _, _))
                && pieces.get(at + 1).is_none_or(|p| p.is_space() || matches!(p, Piece::Char('\n', _, _)));
            if !is_dash {
                break;
            }
            let rest_empty = pieces.get(at + 1..).unwrap_or(&[]).iter().all(|p| p.is_space());
            let scalar = !rest_empty && key_colon(pieces.get(at + 1..).unwrap_or(&[])).is_none();
            let node = self.node(NodeKind::Item { scalar }, line, piece, 1, piece.column(), scopes.clone());
            self.place(node, OpenKind::Item);
            at += 1;
            while pieces.get(at).is_some_and(|p| p.is_space()) {
                at += 1;
            }
        }
        let content = pieces.get(at..).unwrap_or(&[]);
        let Some(&start) = content.first() else { return };
        if let Some(colon) = key_colon(content) {
            let key_pieces = content.get(..colon).unwrap_or(&[]);
            let key = literal_key(key_pieces);
            let value = content.get(colon + 1..).unwrap_or(&[]);
            let value = trim_comment(value);
            let prints: Vec<Pipeline> = value.iter().filter_map(|p| self.printed(*p)).collect();
            let first_value = value.iter().find(|p| !p.is_space());
            let kind = match first_value {
                None => ValueKind::Nested,
                Some(Piece::Char('|' | '>', _, _)) => ValueKind::BlockScalar,
                Some(_) => ValueKind::Inline,
            };
            let only_actions = value.iter().all(|p| p.is_space() || matches!(p, Piece::Act(..)));
            let nindent = prints.iter().find_map(|p| p.indentation().filter(|(_, n)| *n).map(|(n, _)| n));
            let emits_block = only_actions && !prints.is_empty() && nindent.is_some();
            let key_len = key_pieces.iter().rev().skip_while(|p| p.is_space()).count();
            let mut node = self.node(
                NodeKind::Key { key, value: if emits_block { ValueKind::Nested } else { kind } },
                line,
                start,
                key_len,
                start.column(),
                scopes.clone(),
            );
            if !emits_block {
                node.prints = prints;
            }
            node.branching = self.branches(value);
            if kind == ValueKind::Inline && only_literal(value) {
                node.literal = literal_key(value);
            }
            let open = if kind == ValueKind::Nested || emits_block { OpenKind::NestedKey } else { OpenKind::OtherKey };
            self.place(node, open);
            if kind == ValueKind::BlockScalar {
                self.current().block_scalar = Some(start.column());
            }
            if emits_block {
                for piece in value {
                    let Piece::Act(index, offset, column) = *piece else { continue };
                    let Some(action) = self.action(index).cloned() else { continue };
                    let ActionKind::Print(pipeline) = action.kind else { continue };
                    let end_column = column + text.get(action.start..action.end).map_or(0, |t| t.chars().count());
                    let emit = Node {
                        kind: NodeKind::Emit,
                        line,
                        column: column as u32 + 1,
                        offset: offset as u32,
                        end_column: end_column as u32 + 1,
                        end_offset: action.end as u32,
                        indent: nindent.unwrap_or(start.column() + 2),
                        children: Vec::new(),
                        scopes: scopes.clone(),
                        prints: vec![pipeline],
                        literal: None,
                        branching: false,
                    };
                    self.place(emit, OpenKind::Emit);
                }
            }
        } else if at > 0 {
            // A scalar item: its actions print the item's value.
            let prints: Vec<Pipeline> = trim_comment(content).iter().filter_map(|p| self.printed(*p)).collect();
            let branching = self.branches(content);
            if let Some(item) = self.current().stack.last().map(|o| o.node) {
                if let Some(node) = self.current().body.nodes.get_mut(item) {
                    node.prints = prints;
                    node.branching = branching;
                }
            }
        } else if self.in_define() {
            // Text printed by a named template that writes no YAML structure here (a name, an
            // image reference): its actions are what the template prints.
            let prints: Vec<Pipeline> = content.iter().filter_map(|p| self.printed(*p)).collect();
            if !prints.is_empty() {
                let mut node = self.node(NodeKind::Emit, line, start, 1, start.column(), scopes);
                node.prints = prints;
                node.branching = self.branches(content);
                self.place(node, OpenKind::Emit);
            }
        }
        self.trailing_controls(pieces);
    }

    /// Whether `pieces` hold blocks (`if`, `with`, `range`, `else`).
    fn branches(&self, pieces: &[Piece]) -> bool {
        pieces.iter().any(|p| match p {
            Piece::Act(index, _, _) => matches!(
                self.action(*index).map(|a| &a.kind),
                Some(ActionKind::If(_) | ActionKind::With(_) | ActionKind::Range { .. } | ActionKind::Else(_))
            ),
            Piece::Char(..) => false,
        })
    }

    fn in_define(&self) -> bool {
        self.control.iter().any(|c| matches!(c, Control::Define(_)))
    }

    /// Control actions after a line's start (`key: {{ if .x }}a{{ else }}b{{ end }}` keeps the
    /// control stack balanced).
    fn trailing_controls(&mut self, pieces: &[Piece]) {
        for piece in pieces {
            if let Piece::Act(index, _, _) = *piece {
                if !self.prints(index) {
                    self.control_action(index);
                }
            }
        }
    }

    fn printed(&self, piece: Piece) -> Option<Pipeline> {
        match piece {
            Piece::Act(index, _, _) => match &self.action(index)?.kind {
                ActionKind::Print(p) => Some(p.clone()),
                _ => None,
            },
            Piece::Char(..) => None,
        }
    }

    fn node(
        &self,
        kind: NodeKind,
        line: u32,
        start: Piece,
        len: usize,
        indent: usize,
        scopes: Vec<(usize, usize)>,
    ) -> Node {
        let column = start.column();
        Node {
            kind,
            line,
            column: column as u32 + 1,
            offset: start.offset() as u32,
            end_column: (column + len) as u32 + 1,
            end_offset: (start.offset() + len) as u32,
            indent,
            children: Vec::new(),
            scopes,
            prints: Vec::new(),
            literal: None,
            branching: false,
        }
    }

    /// A `---` line: a new document (in the template's own body).
    fn separator(&mut self) {
        if self.control.iter().any(|c| matches!(c, Control::Define(_))) {
            return;
        }
        let scopes = self.scopes();
        self.main.stack.clear();
        self.main.block_scalar = None;
        self.main.body.segments.push(Segment { scopes, ..Segment::default() });
    }

    /// Adds a node under the nearest open node it nests in.
    fn place(&mut self, node: Node, kind: OpenKind) {
        let reading = self.current();
        if reading.body.nodes.len() >= MAX_NODES {
            self.full = true;
            return;
        }
        let indent = node.indent;
        while let Some(top) = reading.stack.last() {
            let child_at_same_column = top.indent == indent
                && top.kind == OpenKind::NestedKey
                && matches!(kind, OpenKind::Item | OpenKind::Emit);
            if top.indent < indent || child_at_same_column {
                break;
            }
            reading.stack.pop();
        }
        let id = reading.body.nodes.len();
        reading.body.nodes.push(node);
        match reading.stack.last().map(|o| o.node) {
            Some(parent) => {
                if let Some(p) = reading.body.nodes.get_mut(parent) {
                    p.children.push(id);
                }
            }
            None => {
                if let Some(segment) = reading.body.segments.last_mut() {
                    segment.roots.push(id);
                    segment.first.get_or_insert(id);
                }
            }
        }
        // An item's content starts two columns on: a key on the dash's line nests under it.
        let open_indent = indent;
        reading.stack.push(Open { node: id, indent: open_indent, kind });
    }
}

/// The index of the colon ending a mapping key in `pieces` (`key: value` or `key:` at the end),
/// outside quotes; `None` when the pieces are not a key (a scalar, a flow collection, a comment).
fn key_colon(pieces: &[Piece]) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, piece) in pieces.iter().enumerate() {
        let Piece::Char(c, _, _) = *piece else { continue };
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if i == 0 && matches!(c, '{' | '[' | '#' | '|' | '>' | '&' | '*' | '!') => return None,
            None if (c == '"' || c == '\'') && i == 0 => quote = Some(c),
            None if c == '#' && i > 0 && pieces.get(i - 1).is_some_and(|p| p.is_space()) => return None,
            None if c == ':' => {
                let next = pieces.get(i + 1);
                if next.is_none_or(|p| p.is_space()) && i > 0 {
                    return Some(i);
                }
            }
            None => {}
        }
    }
    None
}

/// The key text when written literally (unquoted); `None` when an action prints it.
fn literal_key(pieces: &[Piece]) -> Option<String> {
    let mut key = String::new();
    for piece in pieces {
        match piece {
            Piece::Char(c, _, _) => key.push(*c),
            Piece::Act(..) => return None,
        }
    }
    let key = key.trim();
    let unquoted = key
        .strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .or_else(|| key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')))
        .unwrap_or(key);
    Some(unquoted.to_string())
}

/// Whether `pieces` hold no action.
fn only_literal(pieces: &[Piece]) -> bool {
    pieces.iter().all(|p| matches!(p, Piece::Char(..)))
}

/// A value's pieces without a trailing ` # comment`.
fn trim_comment(pieces: &[Piece]) -> &[Piece] {
    let mut quote: Option<char> = None;
    for (i, piece) in pieces.iter().enumerate() {
        let Piece::Char(c, _, _) = *piece else { continue };
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && (i == 0 || pieces.get(i - 1).is_some_and(|p| p.is_space())) => {
                return pieces.get(..i).unwrap_or(&[]);
            }
            None => {}
        }
    }
    pieces
}
