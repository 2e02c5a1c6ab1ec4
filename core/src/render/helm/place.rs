//! Walking a finding's field path down a template's skeleton (see the parent module's docs).
//!
//! A walk keeps a frame per body it is in (the template, then any named templates `include`
//! prints) with what `.` and `$` stand for there, and the elements it chose for `range` blocks on
//! the way (a rendered list index or map key), so that `.` inside a block names the right values
//! key. Every choice is unique or the walk gives up: two literal keys that could both have written
//! a field (in branches whose conditions cannot be evaluated), two actions that could both print
//! it, or list items whose positions depend on unknown conditions make the placement inexact.

use super::lex::{Pipeline, Word};
use super::skeleton::{Body, Node, NodeKind, ScopeKind, ValueKind};
use super::values::{step, truthy};
use super::{ChartSources, Placement, RelatedValue, MAX_INCLUDE_DEPTH};
use crate::load::position::{Path, PathSegment, Pos, Span};
use crate::load::Document;
use serde_json::Value;
use std::cell::Cell;
use std::sync::Arc;

/// How many actions a placement may inspect when several could print a field (named templates
/// that include others can fan out).
const CLAIM_BUDGET: usize = 10_000;

/// A template's documents or a named template's body, with the file it is in.
#[derive(Debug, Clone)]
pub(crate) struct BodyEntry {
    pub file: Arc<str>,
    /// The chart it belongs to (source-name prefix).
    pub chart: String,
    pub body: Body,
}

/// What `.`, `$` or a variable stands for.
#[derive(Debug, Clone, PartialEq)]
enum Dot {
    /// The top-level context (`.Values`, `.Release`, …).
    Root,
    /// A value under `.Values`.
    Values(Vec<PathSegment>),
    /// A `dict` built in the template (`include "x" (dict "image" .Values.image "root" .)`).
    Dict(Vec<(String, Dot)>),
    Unknown,
}

/// A body being walked and what `.` and `$` are at its top.
#[derive(Debug, Clone)]
struct Frame {
    body: usize,
    dot: Dot,
    root: Dot,
}

/// The element chosen for a `range` block: ((body, scope), element).
type Bindings = Vec<((usize, usize), PathSegment)>;

/// Where a walk ended: a node, and the part of the path inside what it writes.
struct Hit {
    frame: Frame,
    node: usize,
    rest: Vec<PathSegment>,
}

/// The outcome of choosing among a container's children.
enum Pick {
    Node {
        node: usize,
        /// For a list index handed to an `include`: how many items came before it.
        shift: usize,
        binding: Option<((usize, usize), PathSegment)>,
    },
    /// Several children could have written the field.
    Ambiguous,
    /// None could.
    Missing,
}

/// Places a finding (see [`ChartSources::place`]).
pub(crate) fn place(
    sources: &ChartSources,
    body: usize,
    ordinal: usize,
    document: &Document,
    path: Option<&Path>,
) -> Placement {
    let Some(entry) = sources.bodies.get(body) else {
        return Placement { file: Arc::from(""), span: Span::default(), exact: false, related: Vec::new() };
    };
    let mut walker = Walker { sources, chart: &entry.chart, bindings: Vec::new(), budget: Cell::new(CLAIM_BUDGET) };
    let Some(segment) = walker.choose_segment(body, ordinal, document) else {
        return fallback(entry, None);
    };
    let first = entry.body.segments.get(segment).and_then(|s| s.first);
    if entry.body.truncated {
        return fallback(entry, first);
    }
    let path = written_prefix(&document.value, path);
    let roots = entry.body.segments.get(segment).map(|s| s.roots.clone()).unwrap_or_default();
    let frame = Frame { body, dot: Dot::Root, root: Dot::Root };
    let hit = if path.is_empty() {
        first.map(|node| Hit { frame, node, rest: Vec::new() })
    } else {
        walker.walk(frame, &roots, &path, &document.value)
    };
    match hit {
        Some(hit) => walker.placement(&hit),
        None => fallback(entry, first),
    }
}

/// The object's first line in the template (the template's first line when even the document
/// is unknown), marked inexact.
fn fallback(entry: &BodyEntry, first: Option<usize>) -> Placement {
    let span = first
        .and_then(|n| entry.body.nodes.get(n))
        .map(node_span)
        .unwrap_or(Span { start: Pos { line: 1, column: 1, offset: 0 }, end: Pos { line: 1, column: 1, offset: 0 } });
    Placement { file: entry.file.clone(), span, exact: false, related: Vec::new() }
}

fn node_span(node: &Node) -> Span {
    Span {
        start: Pos { line: node.line, column: node.column, offset: node.offset },
        end: Pos { line: node.line, column: node.end_column, offset: node.end_offset },
    }
}

/// The longest prefix of `path` the rendered object writes (where a linter locates the finding).
fn written_prefix(value: &Value, path: Option<&Path>) -> Vec<PathSegment> {
    let mut out = Vec::new();
    let mut value = value;
    for segment in path.map(Path::segments).unwrap_or(&[]) {
        match step(value, segment) {
            Some(next) => {
                value = next;
                out.push(segment.clone());
            }
            None => break,
        }
    }
    out
}

struct Walker<'a> {
    sources: &'a ChartSources,
    /// The chart of the template being placed: `.Values` of every body walked are its values.
    chart: &'a str,
    bindings: Bindings,
    /// What is left of [`CLAIM_BUDGET`].
    budget: Cell<usize>,
}

impl Walker<'_> {
    fn body(&self, body: usize) -> Option<&Body> {
        self.sources.bodies.get(body).map(|e| &e.body)
    }

    fn node(&self, body: usize, node: usize) -> Option<&Node> {
        self.body(body)?.nodes.get(node)
    }

    /// The `---` section of the template the `ordinal`-th rendered document came from.
    fn choose_segment(&mut self, body: usize, ordinal: usize, document: &Document) -> Option<usize> {
        let segments = &self.body(body)?.segments;
        let kind = document.value.get("kind").and_then(Value::as_str);
        let written: Vec<usize> =
            (0..segments.len()).filter(|&i| segments.get(i).is_some_and(|s| !s.roots.is_empty())).collect();
        let frame = Frame { body, dot: Dot::Root, root: Dot::Root };
        // The blocks around a whole section: around its `---` or around all its top-level lines.
        let around: Vec<Vec<(usize, usize)>> = (0..segments.len()).map(|i| self.section_scopes(body, i)).collect();
        // Sections whose blocks the values rule out rendered nothing.
        let taken: Vec<Option<bool>> = around.iter().map(|scopes| self.scopes_taken(&frame, scopes, 0)).collect();
        let written: Vec<usize> = written.into_iter().filter(|&i| taken.get(i) != Some(&Some(false))).collect();
        let candidates: Vec<usize> = written
            .iter()
            .copied()
            .filter(|&i| self.segment_kind(body, i).is_none_or(|k| Some(k.as_str()) == kind))
            .collect();
        let chosen = match candidates.as_slice() {
            [only] => *only,
            _ => {
                // Each section renders one document when no block around it repeats or may drop it.
                let once = |i: usize| {
                    around.get(i).is_some_and(|scopes| {
                        let repeated = scopes.iter().any(|(scope, _)| self.is_range(body, *scope));
                        scopes.is_empty() || (taken.get(i) == Some(&Some(true)) && !repeated)
                    })
                };
                let fixed = written.iter().all(|&i| once(i));
                let at = written.get(ordinal).copied().filter(|i| fixed && candidates.contains(i))?;
                return Some(at);
            }
        };
        // A document repeated by a `range` around its `---`: the ordinal is the element.
        let scopes = segments.get(chosen).map(|s| s.scopes.clone()).unwrap_or_default();
        let first_scopes = segments
            .get(chosen)
            .and_then(|s| s.first)
            .and_then(|n| self.node(body, n))
            .map(|n| n.scopes.clone())
            .unwrap_or_default();
        // Only when each element renders exactly one document: no block inside the range decides.
        if written.len() == 1 && first_scopes == scopes {
            if let Some(&(scope, 0)) = scopes.last().filter(|(s, _)| self.is_range(body, *s)) {
                let outer = scopes.iter().take_while(|(s, _)| *s != scope).copied().collect::<Vec<_>>();
                if let Some(element) = self.range_element(&frame, &outer, scope, ordinal) {
                    self.bindings.push(((body, scope), element));
                }
            }
        }
        Some(chosen)
    }

    /// The blocks a whole section sits in: those its top-level nodes share (they include the
    /// blocks around its `---`).
    fn section_scopes(&self, body: usize, segment: usize) -> Vec<(usize, usize)> {
        let Some(b) = self.body(body) else { return Vec::new() };
        let Some(s) = b.segments.get(segment) else { return Vec::new() };
        let mut roots = s.roots.iter().filter_map(|&r| b.nodes.get(r));
        let Some(first) = roots.next() else { return s.scopes.clone() };
        let mut common = first.scopes.clone();
        for node in roots {
            let shared = common.iter().zip(&node.scopes).take_while(|(a, b)| a == b).count();
            common.truncate(shared);
        }
        common
    }

    /// The literal `kind:` a section writes at its top, if any.
    fn segment_kind(&self, body: usize, segment: usize) -> Option<String> {
        let b = self.body(body)?;
        b.segments.get(segment)?.roots.iter().filter_map(|&r| b.nodes.get(r)).find_map(|n| match &n.kind {
            NodeKind::Key { key: Some(k), .. } if k == "kind" => n.literal.clone(),
            _ => None,
        })
    }

    fn is_range(&self, body: usize, scope: usize) -> bool {
        self.body(body).and_then(|b| b.scopes.get(scope)).is_some_and(|s| matches!(s.kind, ScopeKind::Range { .. }))
    }

    /// Walks `path` from the children `roots` of a container; `None` when the placement must
    /// fall back.
    fn walk(&mut self, frame: Frame, roots: &[usize], path: &[PathSegment], value: &Value) -> Option<Hit> {
        let mut frame = frame;
        let mut children = roots.to_vec();
        let mut container_scopes: Vec<(usize, usize)> = Vec::new();
        let mut value = value;
        let mut shift = 0;
        let mut current: Option<(Frame, usize)> = None;
        // The innermost `include` walked into: where a field its body does not show is placed.
        let mut include: Option<(Frame, usize, usize)> = None;
        let mut depth = 0;
        let mut i = 0;
        while let Some(segment) = path.get(i) {
            let segment = match segment {
                PathSegment::Index(n) => PathSegment::Index(n.saturating_sub(shift)),
                key => key.clone(),
            };
            let pick = self.pick(&frame, &children, &container_scopes, &segment, value, depth);
            let (node_id, next_shift) = match pick {
                Pick::Node { node, shift, binding } => {
                    self.bindings.extend(binding);
                    (node, shift)
                }
                Pick::Ambiguous | Pick::Missing => {
                    return include.map(|(frame, node, at)| Hit {
                        frame,
                        node,
                        rest: path.get(at..).unwrap_or(&[]).to_vec(),
                    });
                }
            };
            let node = self.node(frame.body, node_id)?.clone();
            match node.kind {
                NodeKind::Emit => {
                    let define = node.prints.first().and_then(Pipeline::included).and_then(|(name, argument)| {
                        let define = self.define(name)?;
                        let complete = self.body(define).is_some_and(|b| !b.truncated);
                        complete.then(|| (define, argument.cloned()))
                    });
                    match define {
                        Some((define, argument)) if depth < MAX_INCLUDE_DEPTH => {
                            let (dot, vars) = self.scope_walk(&frame, &node.scopes);
                            let passed =
                                argument.map_or(Dot::Unknown, |w| self::argument(&w, &dot, &frame.root, &vars, 0));
                            include = Some((frame.clone(), node_id, i));
                            frame = Frame { body: define, dot: passed.clone(), root: passed };
                            children = self
                                .body(define)
                                .and_then(|b| b.segments.first())
                                .map(|s| s.roots.clone())
                                .unwrap_or_default();
                            container_scopes = Vec::new();
                            shift = next_shift;
                            depth += 1;
                        }
                        _ => {
                            // The action prints the rest of the path; a list index counts from
                            // the first item it prints.
                            let first = match &segment {
                                PathSegment::Index(n) => PathSegment::Index(n.saturating_sub(next_shift)),
                                key => key.clone(),
                            };
                            let rest = std::iter::once(first).chain(path.get(i + 1..).unwrap_or(&[]).iter().cloned());
                            return Some(Hit { frame, node: node_id, rest: rest.collect() });
                        }
                    }
                }
                NodeKind::Key { value: ValueKind::Nested, .. } | NodeKind::Item { scalar: false } => {
                    value = step(value, &segment).unwrap_or(&Value::Null);
                    children = node.children.clone();
                    container_scopes = node.scopes.clone();
                    current = Some((frame.clone(), node_id));
                    shift = 0;
                    i += 1;
                }
                _ => {
                    return Some(Hit { frame, node: node_id, rest: path.get(i + 1..).unwrap_or(&[]).to_vec() });
                }
            }
        }
        current.map(|(frame, node)| Hit { frame, node, rest: Vec::new() })
    }

    /// The body of a named template: the one in the placed template's chart when several charts
    /// define the name, else the last defined.
    fn define(&self, name: &str) -> Option<usize> {
        let bodies = self.sources.defines.get(name)?;
        let own = bodies.iter().rev().find(|&&b| self.sources.bodies.get(b).is_some_and(|e| e.chart == self.chart));
        own.or(bodies.last()).copied()
    }

    /// Chooses the child of a container that writes `segment`.
    fn pick(
        &self,
        frame: &Frame,
        children: &[usize],
        container: &[(usize, usize)],
        segment: &PathSegment,
        value: &Value,
        depth: usize,
    ) -> Pick {
        let Some(body) = self.body(frame.body) else { return Pick::Missing };
        let nodes: Vec<(usize, &Node)> = children.iter().filter_map(|&c| body.nodes.get(c).map(|n| (c, n))).collect();
        match segment {
            PathSegment::Key(key) => self.pick_key(frame, &nodes, container, key, value, depth),
            PathSegment::Index(index) => self.pick_item(frame, &nodes, container, *index, value),
        }
    }

    fn pick_key(
        &self,
        frame: &Frame,
        nodes: &[(usize, &Node)],
        container: &[(usize, usize)],
        key: &str,
        value: &Value,
        depth: usize,
    ) -> Pick {
        let rendered = value.get(key);
        let live = |node: &Node| self.feasible(frame, node, container) != Some(false);
        let literal: Vec<usize> = nodes
            .iter()
            .filter(|(_, n)| matches!(&n.kind, NodeKind::Key { key: Some(k), .. } if k == key))
            .filter(|(_, n)| live(n) && literal_agrees(n, rendered))
            .map(|(i, _)| *i)
            .collect();
        let producers: Vec<(usize, &Node)> = nodes
            .iter()
            .filter(|(_, n)| matches!(n.kind, NodeKind::Emit | NodeKind::Key { key: None, .. }) && live(n))
            .copied()
            .collect();
        match literal.as_slice() {
            // A literal key, unless an action beside it could print the same key.
            [only] if !producers.iter().any(|(_, n)| self.claims(frame, n, key, depth)) => {
                return Pick::Node { node: *only, shift: 0, binding: None };
            }
            [] => {}
            _ => return Pick::Ambiguous,
        }
        let chosen = match producers.as_slice() {
            [] => return Pick::Missing,
            [only] => *only,
            _ => {
                let claimed: Vec<(usize, &Node)> =
                    producers.iter().filter(|(_, n)| self.claims(frame, n, key, depth)).copied().collect();
                match claimed.as_slice() {
                    [only] => *only,
                    _ => return Pick::Ambiguous,
                }
            }
        };
        let (id, node) = chosen;
        let binding = match node.kind {
            NodeKind::Key { key: None, .. } => self
                .innermost_range(frame, node, container)
                .map(|scope| ((frame.body, scope), PathSegment::Key(key.to_string()))),
            _ => None,
        };
        Pick::Node { node: id, shift: 0, binding }
    }

    fn pick_item(
        &self,
        frame: &Frame,
        nodes: &[(usize, &Node)],
        container: &[(usize, usize)],
        index: usize,
        value: &Value,
    ) -> Pick {
        #[derive(Clone, Copy, PartialEq)]
        enum Count {
            Zero,
            One,
            Many,
        }
        let len = value.as_array().map_or(0, Vec::len);
        let items: Vec<(usize, &Node, Count)> = nodes
            .iter()
            .filter(|(_, n)| matches!(n.kind, NodeKind::Item { .. } | NodeKind::Emit))
            .map(|&(i, n)| {
                let count = match (self.feasible(frame, n, container), &n.kind) {
                    (Some(false), _) => Count::Zero,
                    (_, NodeKind::Emit) => Count::Many,
                    (Some(true), _) if self.innermost_range(frame, n, container).is_none() => Count::One,
                    _ => Count::Many,
                };
                (i, n, count)
            })
            .collect();
        let mut front = 0;
        let mut start = 0;
        for &(id, _, count) in &items {
            match count {
                Count::Zero => {}
                Count::One if front == index => return Pick::Node { node: id, shift: 0, binding: None },
                Count::One => front += 1,
                Count::Many => break,
            }
            start += 1;
        }
        let mut back = len;
        let mut end = items.len();
        for &(id, _, count) in items.iter().rev() {
            if end <= start {
                break;
            }
            match count {
                Count::Zero => {}
                Count::One if back == index + 1 => return Pick::Node { node: id, shift: 0, binding: None },
                Count::One => back = back.saturating_sub(1),
                Count::Many => break,
            }
            end -= 1;
        }
        let middle: Vec<&(usize, &Node, Count)> =
            items.get(start..end).unwrap_or(&[]).iter().filter(|(_, _, c)| *c != Count::Zero).collect();
        match middle.as_slice() {
            [(id, node, _)] if index >= front && index < back => {
                let position = index - front;
                let innermost = node.scopes.last().map(|(s, _)| *s);
                let binding =
                    self.innermost_range(frame, node, container).filter(|s| Some(*s) == innermost).and_then(|scope| {
                        let outer: Vec<(usize, usize)> =
                            node.scopes.iter().take_while(|(s, _)| *s != scope).copied().collect();
                        self.range_element(frame, &outer, scope, position).map(|e| ((frame.body, scope), e))
                    });
                Pick::Node { node: *id, shift: front, binding }
            }
            _ => Pick::Ambiguous,
        }
    }

    /// The innermost `range` block `node` sits in beyond its container's blocks.
    fn innermost_range(&self, frame: &Frame, node: &Node, container: &[(usize, usize)]) -> Option<usize> {
        let extra = node.scopes.get(container.len()..).unwrap_or(&[]);
        extra.iter().rev().find(|(s, b)| *b == 0 && self.is_range(frame.body, *s)).map(|(s, _)| *s)
    }

    /// The element a `range` block visits at `position`: a list index, or a map key in Go's
    /// sorted order. `outer` are the blocks around the range.
    fn range_element(
        &self,
        frame: &Frame,
        outer: &[(usize, usize)],
        scope: usize,
        position: usize,
    ) -> Option<PathSegment> {
        let pipeline = self.body(frame.body)?.scopes.get(scope)?.branches.first()?.as_ref()?;
        let (dot, vars) = self.scope_walk(frame, outer);
        let Dot::Values(path) = primary(pipeline, &dot, &frame.root, &vars) else { return None };
        match self.sources.values.lookup(self.chart, &path)? {
            Value::Array(_) => Some(PathSegment::Index(position)),
            Value::Object(map) => {
                let mut keys: Vec<String> = map.into_iter().map(|(k, _)| k).collect();
                keys.sort();
                keys.into_iter().nth(position).map(PathSegment::Key)
            }
            _ => None,
        }
    }

    /// Whether the blocks `node` sits in (beyond its container's) are entered, as far as the
    /// values tell: `Some(false)` when one is not, `None` when a condition cannot be evaluated.
    fn feasible(&self, frame: &Frame, node: &Node, container: &[(usize, usize)]) -> Option<bool> {
        self.scopes_taken(frame, &node.scopes, container.len())
    }

    /// Whether the blocks `scopes[from..]` are entered (see [`Walker::feasible`]).
    fn scopes_taken(&self, frame: &Frame, scopes: &[(usize, usize)], from: usize) -> Option<bool> {
        let mut all = Some(true);
        for at in from..scopes.len() {
            let Some(&(scope, branch)) = scopes.get(at) else { break };
            let (dot, vars) = self.scope_walk(frame, scopes.get(..at).unwrap_or(&[]));
            match self.branch_taken(frame, scope, branch, &dot, &vars) {
                Some(false) => return Some(false),
                Some(true) => {}
                None => all = None,
            }
        }
        all
    }

    /// Whether branch `branch` of a block is the one taken.
    fn branch_taken(&self, frame: &Frame, scope: usize, branch: usize, dot: &Dot, vars: &Vars) -> Option<bool> {
        let s = self.body(frame.body)?.scopes.get(scope)?;
        for (b, condition) in s.branches.iter().enumerate().take(branch + 1) {
            let holds = match condition {
                Some(p) => self.condition(p, dot, &frame.root, vars)?,
                None => true,
            };
            if b == branch {
                return Some(holds);
            }
            if holds {
                return Some(false);
            }
        }
        None
    }

    /// A condition's truth, when it only tests values (`.Values.x`, `not`, `and`, `or`, `eq`, `ne`).
    fn condition(&self, pipeline: &Pipeline, dot: &Dot, root: &Dot, vars: &Vars) -> Option<bool> {
        match pipeline.commands.as_slice() {
            [command] => self.evaluate(command, dot, root, vars, 0).map(|v| truthy(Some(&v))),
            _ => None,
        }
    }

    fn evaluate(&self, command: &[Word], dot: &Dot, root: &Dot, vars: &Vars, depth: usize) -> Option<Value> {
        if depth > 8 {
            return None;
        }
        let argument = |w: &Word| self.word_value(w, dot, root, vars, depth + 1);
        match command {
            [word] => argument(word),
            [Word::Name(f), rest @ ..] => {
                let values: Option<Vec<Value>> = rest.iter().map(argument).collect();
                let values = values?;
                let result = match (f.as_str(), values.as_slice()) {
                    ("not", [v]) => !truthy(Some(v)),
                    ("and", vs) if !vs.is_empty() => vs.iter().all(|v| truthy(Some(v))),
                    ("or", vs) if !vs.is_empty() => vs.iter().any(|v| truthy(Some(v))),
                    ("eq", [a, rest @ ..]) if !rest.is_empty() => rest.iter().any(|b| a == b),
                    ("ne", [a, b]) => a != b,
                    ("empty", [v]) => !truthy(Some(v)),
                    _ => return None,
                };
                Some(Value::Bool(result))
            }
            _ => None,
        }
    }

    fn word_value(&self, word: &Word, dot: &Dot, root: &Dot, vars: &Vars, depth: usize) -> Option<Value> {
        match word {
            Word::Field { .. } if self.sources.values.unknown => None,
            Word::Field { .. } => match resolve(word, dot, root, vars) {
                Dot::Values(path) => Some(self.sources.values.lookup(self.chart, &path).unwrap_or(Value::Null)),
                _ => None,
            },
            Word::Str(s) => Some(Value::String(s.clone())),
            Word::Number(n) => serde_json::from_str(n).ok(),
            Word::Name(n) if n == "true" || n == "false" => Some(Value::Bool(n == "true")),
            Word::Name(n) if n == "nil" => Some(Value::Null),
            Word::Group(p) => match p.commands.as_slice() {
                [command] => self.evaluate(command, dot, root, vars, depth + 1),
                _ => None,
            },
            Word::Name(_) => None,
        }
    }

    /// What `.` and the variables are inside `scopes` (entered from the top of `frame`'s body).
    fn scope_walk(&self, frame: &Frame, scopes: &[(usize, usize)]) -> (Dot, Vars) {
        let mut dot = frame.dot.clone();
        let mut vars = Vars::new();
        let Some(body) = self.body(frame.body) else { return (Dot::Unknown, vars) };
        for &(scope, branch) in scopes {
            let Some(s) = body.scopes.get(scope) else { continue };
            let Some(Some(pipeline)) = s.branches.first() else { continue };
            match &s.kind {
                ScopeKind::With if branch == 0 => dot = primary(pipeline, &dot, &frame.root, &vars),
                ScopeKind::Range { key, element } if branch == 0 => {
                    let base = primary(pipeline, &dot, &frame.root, &vars);
                    let chosen = self.bindings.iter().rev().find(|(at, _)| *at == (frame.body, scope)).map(|(_, e)| e);
                    dot = match (base, chosen) {
                        (Dot::Values(mut path), Some(e)) => {
                            path.push(e.clone());
                            Dot::Values(path)
                        }
                        _ => Dot::Unknown,
                    };
                    if let Some(element) = element {
                        vars.push((element.clone(), dot.clone()));
                    }
                    if let Some(key) = key {
                        vars.push((key.clone(), Dot::Unknown));
                    }
                }
                _ => {}
            }
        }
        (dot, vars)
    }

    /// Whether an action or a printed key could write `key` (to choose among several).
    fn claims(&self, frame: &Frame, node: &Node, key: &str, depth: usize) -> bool {
        let left = self.budget.get();
        if depth >= MAX_INCLUDE_DEPTH || left == 0 {
            return false;
        }
        self.budget.set(left - 1);
        let (dot, vars) = self.scope_walk(frame, &node.scopes);
        if let NodeKind::Key { key: None, .. } = node.kind {
            let range = node.scopes.iter().rev().find(|(s, b)| *b == 0 && self.is_range(frame.body, *s));
            return range.is_some_and(|&(scope, _)| {
                let at = node.scopes.iter().position(|(s, _)| *s == scope).unwrap_or(0);
                let (outer_dot, outer_vars) = self.scope_walk(frame, node.scopes.get(..at).unwrap_or(&[]));
                let pipeline = self.body(frame.body).and_then(|b| b.scopes.get(scope)).and_then(|s| s.branches.first());
                match pipeline {
                    Some(Some(p)) => self.has_key(&primary(p, &outer_dot, &frame.root, &outer_vars), key),
                    _ => false,
                }
            });
        }
        // A node whose output is unknown (text glued to the line before) could print anything.
        let Some(pipeline) = node.prints.first() else { return true };
        if let Some((name, argument)) = pipeline.included() {
            let Some(define) = self.define(name) else { return false };
            let Some(body) = self.body(define) else { return false };
            let passed = argument.map_or(Dot::Unknown, |w| self::argument(w, &dot, &frame.root, &vars, 0));
            let inner = Frame { body: define, dot: passed.clone(), root: passed };
            let roots = body.segments.first().map(|s| s.roots.as_slice()).unwrap_or(&[]);
            return roots.iter().filter_map(|&r| body.nodes.get(r)).any(|n| match &n.kind {
                NodeKind::Key { key: Some(k), .. } => k == key,
                _ => self.claims(&inner, n, key, depth + 1),
            });
        }
        pipeline.data_fields().iter().any(|(head, fields)| {
            let word = Word::Field { head: (*head).to_string(), fields: fields.to_vec() };
            self.has_key(&resolve(&word, &dot, &frame.root, &vars), key)
        })
    }

    fn has_key(&self, dot: &Dot, key: &str) -> bool {
        if self.sources.values.unknown {
            // Whatever values were not given may hold the key.
            return true;
        }
        match dot {
            Dot::Values(path) => self
                .sources
                .values
                .lookup(self.chart, path)
                .is_some_and(|v| v.as_object().is_some_and(|m| m.contains_key(key))),
            _ => false,
        }
    }

    /// The placement of a walk's end, with the values keys its value comes from.
    fn placement(&self, hit: &Hit) -> Placement {
        let entry = self.sources.bodies.get(hit.frame.body);
        let file = entry.map_or_else(|| Arc::from(""), |e| e.file.clone());
        let Some(node) = self.node(hit.frame.body, hit.node) else {
            return Placement { file, span: Span::default(), exact: false, related: Vec::new() };
        };
        let mut related: Vec<RelatedValue> = Vec::new();
        // An `include` that printed the field's YAML is not its value's origin; one inline in a
        // key's value (`image: {{ include "x.image" . }}`) is followed.
        let follow_includes = !matches!(node.kind, NodeKind::Emit);
        for mut path in self.value_sources(&hit.frame, node, follow_includes, 0) {
            path.extend(hit.rest.iter().cloned());
            let Some(supplied) = self.sources.values.supplier(self.chart, &path) else { continue };
            let value = RelatedValue {
                file: supplied.file.display.clone(),
                span: supplied.span,
                key: Path::new(supplied.path.clone()).to_string(),
            };
            if !related.contains(&value) {
                related.push(value);
            }
        }
        Placement { file, span: node_span(node), exact: true, related }
    }
}

impl Walker<'_> {
    /// The `.Values` paths a node prints: its actions' data references, and those of the named
    /// templates it prints inline (when `follow_includes`; only templates that write no keys).
    fn value_sources(&self, frame: &Frame, node: &Node, follow_includes: bool, depth: usize) -> Vec<Vec<PathSegment>> {
        let left = self.budget.get();
        if left == 0 {
            return Vec::new();
        }
        self.budget.set(left - 1);
        if node.branching {
            // `{{ if .a }}{{ .a }}{{ else }}{{ .b }}{{ end }}` on one line: which one printed is unknown.
            return Vec::new();
        }
        let (dot, vars) = self.scope_walk(frame, &node.scopes);
        let mut out = Vec::new();
        for pipeline in &node.prints {
            if let Some((name, argument)) = pipeline.included() {
                if !follow_includes || depth >= MAX_INCLUDE_DEPTH {
                    continue;
                }
                let Some(define) = self.define(name) else { continue };
                let Some(body) = self.body(define).filter(|b| !b.truncated) else { continue };
                if body.nodes.iter().any(|n| !matches!(n.kind, NodeKind::Emit)) {
                    continue;
                }
                let passed = argument.map_or(Dot::Unknown, |w| self::argument(w, &dot, &frame.root, &vars, 0));
                let inner = Frame { body: define, dot: passed.clone(), root: passed };
                // Only what the values show the named template prints.
                for emitted in body.nodes.iter().filter(|n| self.scopes_taken(&inner, &n.scopes, 0) == Some(true)) {
                    out.extend(self.value_sources(&inner, emitted, true, depth + 1));
                }
                continue;
            }
            let truthy = |word: &Word| match resolve(word, &dot, &frame.root, &vars) {
                Dot::Values(path) => truthy(self.sources.values.lookup(self.chart, &path).as_ref()),
                _ => false,
            };
            for word in printed_fields(pipeline, &truthy, 0).unwrap_or_default() {
                if let Dot::Values(path) = resolve(&word, &dot, &frame.root, &vars) {
                    out.push(path);
                }
            }
        }
        out
    }
}

/// Functions whose result is not one of their arguments' values (or not all of it): a value
/// printed through them is named by no values key.
const DERIVING: &[&str] = &[
    "index",
    "get",
    "pluck",
    "dig",
    "merge",
    "mergeOverwrite",
    "mustMerge",
    "mustMergeOverwrite",
    "ternary",
    "coalesce",
    "first",
    "last",
    "rest",
    "initial",
    "keys",
    "values",
    "len",
    "has",
    "hasKey",
    "eq",
    "ne",
    "lt",
    "gt",
    "le",
    "ge",
    "and",
    "or",
    "not",
    "empty",
    "lookup",
    "list",
    "dict",
    "tuple",
    "until",
    "untilStep",
    "splitList",
    "regexFind",
    "regexReplaceAll",
    "add",
    "sub",
    "mul",
    "div",
    "mod",
    "max",
    "min",
    "include",
    "template",
    "fromYaml",
    "fromJson",
    "required",
    "fail",
];

/// The field references whose values a pipeline prints: with `default`, the preferred value
/// when it is set, else the default; `None` when a function derives the printed value.
fn printed_fields(pipeline: &Pipeline, set: &dyn Fn(&Word) -> bool, depth: usize) -> Option<Vec<Word>> {
    if depth > 8 {
        return None;
    }
    let mut out: Vec<Word> = Vec::new();
    for (k, command) in pipeline.commands.iter().enumerate() {
        match command.as_slice() {
            // `X | default D`
            [Word::Name(f), fallback] if f == "default" && k > 0 => {
                if !out.iter().any(set) {
                    out = word_fields(fallback, set, depth)?;
                }
            }
            // `default D X`
            [Word::Name(f), fallback, preferred] if f == "default" => {
                let preferred = word_fields(preferred, set, depth)?;
                out.extend(if preferred.iter().any(set) { preferred } else { word_fields(fallback, set, depth)? });
            }
            // `tpl X context`: the context is not printed.
            [Word::Name(f), text, ..] if f == "tpl" => out.extend(word_fields(text, set, depth)?),
            [Word::Name(f), ..] if DERIVING.contains(&f.as_str()) => return None,
            words => {
                for word in words {
                    out.extend(word_fields(word, set, depth)?);
                }
            }
        }
    }
    Some(out)
}

fn word_fields(word: &Word, set: &dyn Fn(&Word) -> bool, depth: usize) -> Option<Vec<Word>> {
    match word {
        Word::Field { .. } => Some(vec![word.clone()]),
        Word::Group(inner) => printed_fields(inner, set, depth + 1),
        Word::Name(f) if DERIVING.contains(&f.as_str()) => None,
        _ => Some(Vec::new()),
    }
}

type Vars = Vec<(String, Dot)>;

/// Whether a key's literal value (if written without actions) is the rendered one.
fn literal_agrees(node: &Node, rendered: Option<&Value>) -> bool {
    let Some(literal) = &node.literal else { return true };
    match rendered {
        Some(Value::String(s)) => s == literal,
        Some(Value::Bool(b)) => literal == if *b { "true" } else { "false" },
        Some(Value::Number(n)) => literal == &n.to_string(),
        _ => true,
    }
}

/// What the first data reference of a pipeline stands for (`with .Values.x`, `range .Values.y`).
fn primary(pipeline: &Pipeline, dot: &Dot, root: &Dot, vars: &Vars) -> Dot {
    match pipeline.data_fields().first() {
        Some((head, fields)) => {
            resolve(&Word::Field { head: (*head).to_string(), fields: fields.to_vec() }, dot, root, vars)
        }
        None => Dot::Unknown,
    }
}

/// What a field reference stands for.
fn resolve(word: &Word, dot: &Dot, root: &Dot, vars: &Vars) -> Dot {
    let Word::Field { head, fields } = word else { return Dot::Unknown };
    let base = match head.as_str() {
        "." => dot.clone(),
        "$" => root.clone(),
        name => vars.iter().rev().find(|(n, _)| n == name).map_or(Dot::Unknown, |(_, d)| d.clone()),
    };
    follow(base, fields)
}

/// `base` followed by field names.
fn follow(base: Dot, fields: &[String]) -> Dot {
    let Some((first, rest)) = fields.split_first() else { return base };
    match base {
        Dot::Root if first == "Values" => Dot::Values(rest.iter().map(|f| PathSegment::Key(f.clone())).collect()),
        Dot::Values(mut path) => {
            path.extend(fields.iter().map(|f| PathSegment::Key(f.clone())));
            Dot::Values(path)
        }
        Dot::Dict(entries) => match entries.into_iter().find(|(k, _)| k == first) {
            Some((_, value)) => follow(value, rest),
            None => Dot::Unknown,
        },
        Dot::Root | Dot::Unknown => Dot::Unknown,
    }
}

/// What the argument handed to a named template stands for: a field, or a `dict` of fields.
fn argument(word: &Word, dot: &Dot, root: &Dot, vars: &Vars, depth: usize) -> Dot {
    match word {
        Word::Field { .. } => resolve(word, dot, root, vars),
        Word::Group(pipeline) if depth < 8 => match pipeline.commands.as_slice() {
            [command] => match command.as_slice() {
                [Word::Name(f), pairs @ ..] if f == "dict" => {
                    let entries = pairs
                        .chunks(2)
                        .filter_map(|pair| match pair {
                            [Word::Str(k), v] => Some((k.clone(), argument(v, dot, root, vars, depth + 1))),
                            _ => None,
                        })
                        .collect();
                    Dot::Dict(entries)
                }
                [single] => argument(single, dot, root, vars, depth + 1),
                _ => Dot::Unknown,
            },
            _ => Dot::Unknown,
        },
        _ => Dot::Unknown,
    }
}
