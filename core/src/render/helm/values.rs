//! Values files and which of them supplies a value.
//!
//! Helm merges a chart's values from, lowest precedence first: each chart's own `values.yaml`
//! (a subchart's own file first, then its parents' files under the subchart's key), then the
//! user's values files in the order given. The file that supplies a value is the one of highest
//! precedence that writes the value's full path; [`ValuesSet::supplier`] finds it with the key's
//! position, and [`ValuesSet::lookup`] gives the merged value that conditions test.

use crate::load::position::{PathSegment, PosNode, Span};
use serde_json::Value;
use std::sync::Arc;

/// One values file, read with positions.
#[derive(Debug, Clone)]
pub(crate) struct ValuesFile {
    pub display: Arc<str>,
    /// The chart (source-name prefix, as `web` or `web/charts/db`) whose `values.yaml` it is;
    /// `None` for a user's values file (applied to the top chart).
    pub chart: Option<String>,
    pub value: Value,
    pub positions: PosNode,
}

/// Where a value is written.
#[derive(Debug, Clone)]
pub(crate) struct Supplied<'a> {
    pub file: &'a ValuesFile,
    /// The key's span (an item's own span for list items).
    pub span: Span,
    /// The path as written in that file (with the subchart keys leading to it).
    pub path: Vec<PathSegment>,
}

/// Every values file of a chart tree.
#[derive(Debug, Clone, Default)]
pub(crate) struct ValuesSet {
    pub files: Vec<ValuesFile>,
    /// `--set` assignments, in order (they override every file).
    pub sets: Vec<Value>,
    /// Set when some values come from a source not given: nothing is concluded from values.
    pub unknown: bool,
}

/// Reads a values file; `None` when it holds no mapping (unreadable, empty, a scalar).
pub(crate) fn read(display: &str, chart: Option<String>, text: &str) -> Option<ValuesFile> {
    let documents = crate::load::read_documents(text);
    let (value, positions) = documents.into_iter().find_map(|d| d.result.ok().flatten())?;
    value.is_object().then(|| ValuesFile { display: Arc::from(display), chart, value, positions })
}

impl ValuesSet {
    /// The sources of `chart`'s values, highest precedence first, each with the key path that leads
    /// from the file's root to the chart's values.
    fn sources<'a>(&'a self, chart: &str) -> Vec<(&'a ValuesFile, Vec<PathSegment>)> {
        // `web/charts/db/charts/x` → ancestors `web`, `web/charts/db`, and subchart keys `db`, `x`.
        let parts: Vec<&str> = chart.split("/charts/").collect();
        let mut out = Vec::new();
        let top_prefix: Vec<PathSegment> = parts.iter().skip(1).map(|p| PathSegment::Key((*p).to_string())).collect();
        for file in self.files.iter().rev().filter(|f| f.chart.is_none()) {
            out.push((file, top_prefix.clone()));
        }
        for depth in 0..parts.len() {
            let ancestor = parts.get(..=depth).unwrap_or(&[]).join("/charts/");
            let prefix: Vec<PathSegment> =
                parts.iter().skip(depth + 1).map(|p| PathSegment::Key((*p).to_string())).collect();
            for file in self.files.iter().rev().filter(|f| f.chart.as_deref() == Some(ancestor.as_str())) {
                out.push((file, prefix.clone()));
            }
        }
        out
    }

    /// The file of highest precedence writing `path` (relative to `.Values` of `chart`); `None`
    /// when a `--set` assignment supplies it.
    pub fn supplier(&self, chart: &str, path: &[PathSegment]) -> Option<Supplied<'_>> {
        if path.is_empty() || self.unknown || self.set_value(chart, path).is_some() {
            return None;
        }
        self.sources(chart).into_iter().find_map(|(file, prefix)| {
            let full: Vec<PathSegment> = prefix.into_iter().chain(path.iter().cloned()).collect();
            let span = locate_key(&file.positions, &file.value, &full)?;
            Some(Supplied { file, span, path: full })
        })
    }

    /// The merged value at `path` (relative to `.Values` of `chart`), as templates see it:
    /// mappings merge across files (the higher file's keys win), anything else is the highest
    /// file's, and `null` removes a key. Nothing when some values are [unknown](ValuesSet::unknown).
    pub fn lookup(&self, chart: &str, path: &[PathSegment]) -> Option<Value> {
        if self.unknown {
            return None;
        }
        let prefix = subchart_prefix(chart);
        let sets = self.sets.iter().rev().map(|set| (set, prefix.clone()));
        let files = self.sources(chart).into_iter().map(|(file, prefix)| (&file.value, prefix));
        let mut found: Vec<&Value> = Vec::new();
        for (root, prefix) in sets.chain(files) {
            match at(root, prefix.iter().chain(path)) {
                At::Found(Value::Null) | At::Removed if found.is_empty() => return None,
                At::Found(value) => found.push(value),
                At::Removed | At::Missing => {}
            }
            if found.first().is_some_and(|v| !v.is_object()) {
                break;
            }
        }
        let (first, lower) = found.split_first()?;
        let merged = lower.iter().fold((*first).clone(), |high, low| coalesce(high, low, 0));
        Some(without_nulls(merged))
    }
}

/// Where a path leads in one values file.
enum At<'a> {
    Found(&'a Value),
    /// A `null` on the way: the file removes the value.
    Removed,
    Missing,
}

fn at<'a, 'p>(root: &'a Value, path: impl Iterator<Item = &'p PathSegment>) -> At<'a> {
    let mut value = root;
    for segment in path {
        if value.is_null() {
            return At::Removed;
        }
        match step(value, segment) {
            Some(next) => value = next,
            None => return At::Missing,
        }
    }
    At::Found(value)
}

/// `high` with the keys of `low` it lacks, mappings merged all the way down (helm's coalescing).
fn coalesce(high: Value, low: &Value, depth: usize) -> Value {
    match (high, low) {
        (Value::Object(mut high), Value::Object(low)) if depth < 64 => {
            for (key, low_value) in low {
                match high.remove(key) {
                    Some(high_value) => {
                        high.insert(key.clone(), coalesce(high_value, low_value, depth + 1));
                    }
                    None => {
                        high.insert(key.clone(), low_value.clone());
                    }
                }
            }
            Value::Object(high)
        }
        (high, _) => high,
    }
}

fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, without_nulls(v))).collect())
        }
        other => other,
    }
}

/// The keys leading from the top chart's values to a subchart's (`web/charts/db` → `db`).
fn subchart_prefix(chart: &str) -> Vec<PathSegment> {
    chart.split("/charts/").skip(1).map(|p| PathSegment::Key(p.to_string())).collect()
}

impl ValuesSet {
    /// The value a `--set` assignment gives `path`, the last assignment first.
    fn set_value(&self, chart: &str, path: &[PathSegment]) -> Option<&Value> {
        let prefix = subchart_prefix(chart);
        self.sets.iter().rev().find_map(|set| {
            let mut value = set;
            for segment in prefix.iter().chain(path) {
                value = step(value, segment)?;
            }
            Some(value)
        })
    }

    /// Reads `--set` assignments (`a.b=c,d=1`) as helm types them (integers, booleans, `null`,
    /// else strings). Forms this reader does not follow (list indexes, `{a,b}` lists, escapes)
    /// make the values unknown.
    pub fn add_set(&mut self, assignments: &str) {
        let mut root = serde_json::Map::new();
        for assignment in assignments.split(',') {
            let Some((key, text)) = assignment.split_once('=') else {
                self.unknown = true;
                continue;
            };
            if key.contains(['[', ']', '\\']) || text.starts_with('{') || text.contains('\\') || key.is_empty() {
                self.unknown = true;
                continue;
            }
            let value = match text {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                "null" => Value::Null,
                _ => text.parse::<i64>().map_or_else(|_| Value::String(text.to_string()), Value::from),
            };
            let parts: Vec<&str> = key.split('.').collect();
            insert(&mut root, &parts, value);
        }
        self.sets.push(Value::Object(root));
    }
}

/// Sets `parts` (a dotted key's steps) to `value`, creating mappings on the way.
fn insert(map: &mut serde_json::Map<String, Value>, parts: &[&str], value: Value) {
    match parts {
        [] => {}
        [last] => {
            map.insert((*last).to_string(), value);
        }
        [first, rest @ ..] => {
            let entry = map.entry((*first).to_string()).or_insert_with(|| Value::Object(serde_json::Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(serde_json::Map::new());
            }
            if let Value::Object(inner) = entry {
                insert(inner, rest, value);
            }
        }
    }
}

/// One step into a JSON value.
pub(crate) fn step<'a>(value: &'a Value, segment: &PathSegment) -> Option<&'a Value> {
    match segment {
        PathSegment::Key(key) => value.as_object()?.get(key),
        PathSegment::Index(i) => value.as_array()?.get(*i),
    }
}

/// The span of the last key (or item) of `path`, when the whole path is written.
fn locate_key(positions: &PosNode, value: &Value, path: &[PathSegment]) -> Option<Span> {
    let mut node = positions;
    let mut value = value;
    let mut span = positions.span;
    for segment in path {
        value = step(value, segment)?;
        match segment {
            PathSegment::Key(key) => {
                let entry = node.entry(key)?;
                span = entry.key_span;
                node = &entry.value;
            }
            PathSegment::Index(i) => {
                node = node.item(*i)?;
                span = node.span;
            }
        }
    }
    Some(span)
}

/// Go template truthiness: false, 0, "", null and empty collections are false.
pub(crate) fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
    }
}
