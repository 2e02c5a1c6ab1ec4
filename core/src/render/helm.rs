//! Where a field of `helm template` output was written: the template named by its `# Source:`
//! comment, the line inside it, and the values-file key its value came from.
//!
//! The frontend hands a chart's files over as texts ([`ChartSources::add_file`]: templates,
//! named-template files such as `_helpers.tpl`, each chart's and subchart's `values.yaml`; then
//! the user's values files with [`ChartSources::add_values`]), each under the name `helm template`
//! gives it in `# Source:` comments (`web/templates/deployment.yaml`, subcharts as
//! `web/charts/db/templates/x.yaml`) and the path to show the user; `--set` arguments go to
//! [`ChartSources::add_set`]. For a finding on a rendered object, [`ChartSources::place`] answers
//! with a [`Placement`]. One `ChartSources` serves every finding of a render, from any thread.
//!
//! Flow: each template is read once into a skeleton (`skeleton`: the literal keys and list items it
//! writes, nested by indentation; the actions that print YAML of their own; the `if`/`with`/`range`
//! blocks around them; `define` bodies apart), with the Go template actions tokenized by `lex`.
//! Placing a finding (`place`) picks the template's `---` section the object came from, then walks
//! the finding's field path down the skeleton: a key matches the literal key of that name; a field
//! no literal key writes comes from the one action that can print it (`toYaml`, a printed
//! variable key, or an `include` whose named template is then walked in turn); a list index maps to
//! the literal item at that position, or to the `range` block or action that prints the items.
//! Conditions (`if`, `with`) are evaluated on the values where they only test values, to choose
//! between branches. The value's origin follows `.Values` references through `with` and `range`
//! scopes into the values files (`values`): the supplying file is the one of highest precedence
//! writing that key. Whatever cannot be decided falls back to the object's first line, marked
//! inexact: a placement is never a guess.
//!
//! No I/O, no rendering: the mapping reads templates as text, and its work is bounded by the
//! texts' sizes (files over [`MAX_FILE_BYTES`] are left out; a template with more than 20000
//! actions, blocks nested more than 64 deep or an unterminated action is not placed from; named
//! templates are followed at most [`MAX_INCLUDE_DEPTH`] deep, and choices among them are budgeted).

mod lex;
mod place;
mod skeleton;
mod values;

use crate::load::position::{Path, Span};
use crate::load::Document;
use std::collections::HashMap;
use std::sync::Arc;

/// Files larger than this are not read (the mapping then falls back for their objects).
pub const MAX_FILE_BYTES: usize = 4 << 20;

/// How deep `include` chains are followed.
pub const MAX_INCLUDE_DEPTH: usize = 16;

/// A chart's templates and values files, ready to place findings on its rendered output.
#[derive(Debug, Clone, Default)]
pub struct ChartSources {
    /// Every body: templates' own documents and named templates' bodies.
    bodies: Vec<place::BodyEntry>,
    /// Template source name → its body.
    templates: HashMap<String, usize>,
    /// Named template → its bodies, in the order added.
    defines: HashMap<String, Vec<usize>>,
    values: values::ValuesSet,
}

/// Where a finding on a rendered object is edited.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// The display path of the template file (as given to [`ChartSources::add_file`]).
    pub file: Arc<str>,
    /// The key, list item or action that writes the field (1-based line and column).
    pub span: Span,
    /// False when the field's line could not be found with confidence: `span` is then the
    /// object's first line in the template (or the template's first line).
    pub exact: bool,
    /// The values-file keys the field's value comes from (the file that supplies it).
    pub related: Vec<RelatedValue>,
}

/// A values-file key a rendered value comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct RelatedValue {
    /// The display path of the values file.
    pub file: Arc<str>,
    /// The key (or list item) in that file.
    pub span: Span,
    /// The key's path in that file, as `image.tag` or `db.resources.limits`.
    pub key: String,
}

impl ChartSources {
    pub fn new() -> Self {
        ChartSources::default()
    }

    /// Adds one file of the chart tree by its source name, as `# Source:` comments write it: the
    /// chart's name (the `name` in its `Chart.yaml`, which need not be its folder's), then the path
    /// inside it, a subchart's files under `charts/<its name or dependency alias>/` whether it is
    /// a folder or a `.tgz` (`web/charts/db/templates/x.yaml`). Files under a chart's `templates/` are
    /// templates (named-template files such as `_helpers.tpl` included), and so are its `crds/`
    /// (printed as they are with `--include-crds`); a chart's `values.yaml`
    /// (`web/values.yaml`, `web/charts/db/values.yaml`) holds its default values; anything else is
    /// ignored. `display_path` is the path reports show. Returns whether the file was taken.
    pub fn add_file(&mut self, source_name: &str, display_path: &str, text: &str) -> bool {
        if chart_of_template(source_name).is_some() {
            self.add_template(source_name, display_path, text);
            return true;
        }
        match source_name.strip_suffix("/values.yaml") {
            Some(chart) if !chart.is_empty() && !chart.ends_with("/charts") => {
                self.add_chart_values(chart, display_path, text);
                true
            }
            _ => false,
        }
    }

    /// Adds a template (or named-template file) of the chart tree; `source_name` as `# Source:`
    /// names it (`web/templates/deployment.yaml`).
    pub fn add_template(&mut self, source_name: &str, display_path: &str, text: &str) {
        if text.len() > MAX_FILE_BYTES {
            return;
        }
        let chart = chart_of_template(source_name).unwrap_or_default().to_string();
        let file: Arc<str> = Arc::from(display_path);
        let parsed = skeleton::parse(text);
        let main = self.bodies.len();
        self.bodies.push(place::BodyEntry { file: file.clone(), chart: chart.clone(), body: parsed.main });
        self.templates.insert(source_name.to_string(), main);
        for (name, body) in parsed.defines {
            self.defines.entry(name).or_default().push(self.bodies.len());
            self.bodies.push(place::BodyEntry { file: file.clone(), chart: chart.clone(), body });
        }
    }

    /// Adds the default values of `chart` (its source-name prefix: `web`, `web/charts/db`).
    pub fn add_chart_values(&mut self, chart: &str, display_path: &str, text: &str) {
        if text.len() <= MAX_FILE_BYTES {
            if let Some(file) = values::read(display_path, Some(chart.to_string()), text) {
                self.values.files.push(file);
            }
        }
    }

    /// Adds a user's values file (`-f`/`--values`), in the order given to helm: later files
    /// override earlier ones.
    pub fn add_values(&mut self, display_path: &str, text: &str) {
        if text.len() <= MAX_FILE_BYTES {
            if let Some(file) = values::read(display_path, None, text) {
                self.values.files.push(file);
            }
        }
    }

    /// Adds a `--set` argument given to helm (`image.tag=1.2,replicas=3`): it overrides every
    /// values file, and a value it sets is named by no values-file key. Forms beyond dotted keys
    /// and plain values (list indexes, `{a,b}`, escapes) make the values unknown, as
    /// [`ChartSources::assume_unknown_values`] does.
    pub fn add_set(&mut self, assignments: &str) {
        self.values.add_set(assignments);
    }

    /// Says that some values come from a source not added (`--set-file`, `--set-json`, a values
    /// file not given): conditions on values are then not evaluated (branches they choose between
    /// fall back) and no values-file key is named.
    pub fn assume_unknown_values(&mut self) {
        self.values.unknown = true;
    }

    /// Whether a template of this source name was added.
    pub fn has_template(&self, source_name: &str) -> bool {
        self.templates.contains_key(source_name)
    }

    /// Places a finding on `document`, rendered from the template `source_name` (its `# Source:`
    /// comment) as the `ordinal`-th document that template rendered (0-based, counting the objects
    /// under the same `# Source:` before it in the output: [`Document::template`] equal, smaller
    /// [`Document::index`]). `path` is the finding's field; `None` (or an empty path) means the
    /// whole object, placed at its first line. A path that leaves the object is placed as its
    /// longest written prefix is (where a linter reports it). Returns `None` when no template of
    /// that name was added.
    pub fn place(
        &self,
        source_name: &str,
        ordinal: usize,
        document: &Document,
        path: Option<&Path>,
    ) -> Option<Placement> {
        let body = *self.templates.get(source_name)?;
        Some(place::place(self, body, ordinal, document, path))
    }
}

/// The chart a template belongs to: the chart directory's name and any `charts/<name>` steps
/// below it, when a `templates/` (or `crds/`) directory follows (`web/charts/db/templates/x.yaml`
/// → `web/charts/db`).
fn chart_of_template(source_name: &str) -> Option<&str> {
    let mut end = source_name.find('/')?;
    loop {
        let rest = source_name.get(end + 1..)?;
        if rest.starts_with("templates/") || rest.starts_with("crds/") {
            return source_name.get(..end);
        }
        let name = rest.strip_prefix("charts/")?;
        end += 1 + "charts/".len() + name.find('/')?;
    }
}

#[cfg(test)]
mod tests;
