//! Suppressions: findings that are known and accepted, kept out of the count but not forgotten.
//!
//! A finding is suppressed by, in this order of precedence:
//! - an **exemption** from the configuration file (namespace / kind / name globs, optionally
//!   per container; see [`Exemption`]) — the repository owner's decision;
//! - an object **annotation** — `plimsoll.io/ignore: "privileged,latest-tag"` for the whole
//!   object, `plimsoll.io/ignore.<container>: "privileged"` for one container, with the why in
//!   `plimsoll.io/ignore-reason`;
//! - a YAML **comment** — `# plimsoll-ignore: privileged -- reason` at the end of the offending
//!   line, or on comment lines directly above it;
//! - a **baseline** entry ([`crate::report::baseline`]), applied by the frontend after linting.
//!
//! Annotations and comments are the manifest exempting itself: [`SuppressionSettings::inline`]
//! turns them off (`--no-inline-ignores`). Rule names in annotations and comments may be full IDs
//! (`security-context/privileged`), short names (`privileged`) or categories (`images`).
//!
//! The linter applies this module to each file as it lints it ([`crate::Worker::lint`]), so the
//! CLI and the wasm package suppress the same findings; comments need the source text, which the
//! linter has.

pub use crate::report::finding::{SuppressedFinding, Suppression, SuppressionKind};

use crate::glob;
use crate::load::position::{Path, PathSegment};
use crate::load::Document;
use crate::report::finding::Finding;
use serde_json::Value;
use std::collections::HashMap;

/// The object annotation that names rules to ignore for the whole object.
pub const IGNORE_ANNOTATION: &str = "plimsoll.io/ignore";
/// The object annotation that says why.
pub const REASON_ANNOTATION: &str = "plimsoll.io/ignore-reason";
/// The YAML comment directive, `# plimsoll-ignore: rule[,rule…] [-- reason]`.
pub const COMMENT_DIRECTIVE: &str = "plimsoll-ignore:";

/// A configuration file exemption: findings of `rules` (all rules when empty) on objects that
/// match every non-empty list of globs. Within one list, any glob may match. Serialized as the
/// configuration file writes an item of `exemptions`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Exemption {
    /// Full rule IDs (the configuration resolves short names and categories).
    pub rules: Vec<String>,
    pub namespaces: Vec<String>,
    pub kinds: Vec<String>,
    pub names: Vec<String>,
    /// Container names: the exemption covers only findings about these containers.
    pub containers: Vec<String>,
    pub reason: Option<String>,
}

impl Exemption {
    fn covers(&self, finding: &Finding, document: &Document) -> bool {
        let Some(object) = &finding.object else { return false };
        let any = |globs: &[String], value: Option<&str>| {
            globs.is_empty() || value.is_some_and(|v| globs.iter().any(|g| glob::matches(g, v)))
        };
        (self.rules.is_empty() || self.rules.contains(&finding.rule))
            && any(&self.namespaces, object.namespace.as_deref())
            && any(&self.kinds, Some(&object.kind))
            && any(&self.names, object.name.as_deref())
            && any(&self.containers, finding.path.as_ref().and_then(|p| container_name(&document.value, p)))
    }
}

/// What may suppress findings, as the linter was configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuppressionSettings {
    /// Whether annotations and comments count (`--no-inline-ignores` turns them off).
    pub inline: bool,
    pub exemptions: Vec<Exemption>,
}

impl Default for SuppressionSettings {
    fn default() -> Self {
        SuppressionSettings { inline: true, exemptions: Vec::new() }
    }
}

/// Whether a rule name as a user wrote it (ID, short name or category) names `rule`.
pub fn names_rule(name: &str, rule: &str) -> bool {
    let (category, short) = rule.split_once('/').unwrap_or((rule, rule));
    name == rule || name == short || name == category
}

/// Splits `a, b c` into names.
fn rule_names(list: &str) -> Vec<String> {
    list.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// A `# plimsoll-ignore:` comment: the rules it names and its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Directive {
    rules: Vec<String>,
    reason: Option<String>,
}

/// The ignore comments of one source text, by line.
#[derive(Debug, Default)]
pub(crate) struct Comments {
    /// Line (1-based) → the directive written on it and whether the line holds only a comment.
    by_line: HashMap<u32, (Directive, bool)>,
    /// Lines (1-based) that hold only a comment, ignore directive or not: a directive applies
    /// across a block of them down to the next line of content.
    comment_only: Vec<bool>,
    /// The line of the file the scanned text starts on (a part of a file may be scanned alone).
    first_line: u32,
}

impl Comments {
    /// Scans `text`, a file or a part of one that starts on `first_line` (at a document
    /// separator, so that no block of comments is cut in two), for directives. Cheap when there
    /// are none: one substring search.
    pub(crate) fn scan_from(text: &str, first_line: u32) -> Comments {
        let mut comments = Comments { first_line, ..Comments::default() };
        if !text.contains(COMMENT_DIRECTIVE) {
            return comments;
        }
        for (number, line) in (first_line..).zip(text.lines()) {
            let comment = comment_start(line).map(|at| &line[at + 1..]);
            let only = line.trim_start().starts_with('#');
            comments.comment_only.push(only);
            if let Some(directive) = comment.and_then(parse_directive) {
                comments.by_line.insert(number, (directive, only));
            }
        }
        comments
    }

    /// The directive covering `line`: on the line itself, or on the block of comment lines
    /// directly above it.
    fn covering(&self, line: u32) -> Vec<&Directive> {
        let mut found: Vec<&Directive> = self.by_line.get(&line).map(|(d, _)| d).into_iter().collect();
        let mut above = line.saturating_sub(1);
        let comment_only = |line: u32| {
            line.checked_sub(self.first_line).and_then(|i| self.comment_only.get(i as usize)).copied().unwrap_or(false)
        };
        while above >= 1 && comment_only(above) {
            if let Some((directive, true)) = self.by_line.get(&above) {
                found.push(directive);
            }
            above -= 1;
        }
        found
    }
}

/// Where a YAML comment starts on a line: a `#` at the start or after whitespace, outside quotes.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (at, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '#' && previous.is_whitespace() => return Some(at),
            None if (c == '"' || c == '\'') && (previous.is_whitespace() || "[{:,".contains(previous)) => {
                quote = Some(c)
            }
            None => {}
        }
        previous = c;
    }
    None
}

/// `plimsoll-ignore: a, b -- why` (after the `#`).
fn parse_directive(comment: &str) -> Option<Directive> {
    let body = comment.trim_start().strip_prefix(COMMENT_DIRECTIVE)?;
    let (names, reason) = match body.split_once(" -- ") {
        Some((names, reason)) => (names, Some(reason.trim().to_string()).filter(|r| !r.is_empty())),
        None => (body.strip_suffix(" --").unwrap_or(body), None),
    };
    let rules = rule_names(names);
    (!rules.is_empty()).then_some(Directive { rules, reason })
}

/// The `# plimsoll-ignore:` comment of `text` that covers `rule` at `line`, if any: for findings
/// placed in a file after linting (rendered output pointed back at a template or a base), whose
/// comments the linter did not see.
pub fn comment_suppression(text: &str, line: u32, rule: &str) -> Option<Suppression> {
    comment_suppression_in(&Comments::scan_from(text, 1), line, rule)
}

/// [`comment_suppression`] with the file's comments scanned once ([`Comments::scan_from`] line 1),
/// for the many findings placed in one file.
pub(crate) fn comment_suppression_in(comments: &Comments, line: u32, rule: &str) -> Option<Suppression> {
    let directive = comments.covering(line).into_iter().find(|d| d.rules.iter().any(|n| names_rule(n, rule)))?;
    Some(Suppression { kind: SuppressionKind::Comment, reason: directive.reason.clone() })
}

/// The name of the container a finding's path points into, if any
/// (`spec.template.spec.containers[1].image` → the second container's name).
pub fn container_name<'v>(object: &'v Value, path: &Path) -> Option<&'v str> {
    let segments = path.segments();
    let at = segments.windows(2).rposition(|pair| {
        matches!(
            pair,
            [PathSegment::Key(key), PathSegment::Index(_)]
                if key == "containers" || key == "initContainers" || key == "ephemeralContainers"
        )
    })?;
    let mut value = object;
    for segment in segments.get(..at + 2)? {
        value = match segment {
            PathSegment::Key(key) => value.get(key)?,
            PathSegment::Index(index) => value.get(*index)?,
        };
    }
    value.get("name")?.as_str()
}

/// The annotations of an object that ignore rules, read once per object.
struct Annotations<'a> {
    object: Vec<String>,
    containers: HashMap<&'a str, Vec<String>>,
    reason: Option<String>,
}

impl<'a> Annotations<'a> {
    fn read(value: &'a Value) -> Option<Annotations<'a>> {
        let annotations = value.get("metadata")?.get("annotations")?.as_object()?;
        let mut read = Annotations { object: Vec::new(), containers: HashMap::new(), reason: None };
        for (key, value) in annotations {
            let Some(text) = value.as_str() else { continue };
            if key == IGNORE_ANNOTATION {
                read.object = rule_names(text);
            } else if key == REASON_ANNOTATION {
                read.reason = Some(text.trim().to_string()).filter(|r| !r.is_empty());
            } else if let Some(container) = key.strip_prefix(IGNORE_ANNOTATION).and_then(|k| k.strip_prefix('.')) {
                read.containers.insert(container, rule_names(text));
            }
        }
        let any = !read.object.is_empty() || !read.containers.is_empty();
        any.then_some(read)
    }

    fn covers(&self, finding: &Finding, object: &Value) -> bool {
        let named = |names: &[String]| names.iter().any(|n| names_rule(n, &finding.rule));
        if named(&self.object) {
            return true;
        }
        let container = finding.path.as_ref().and_then(|p| container_name(object, p));
        container.and_then(|c| self.containers.get(c)).is_some_and(|names| named(names))
    }
}

/// Decides, finding by finding, what is reported and what is suppressed, for one source.
pub(crate) struct Suppressor<'a> {
    settings: &'a SuppressionSettings,
    comments: Comments,
}

impl<'a> Suppressor<'a> {
    /// `text` is the source the findings come from, when the caller has it (comments need it).
    pub(crate) fn new(settings: &'a SuppressionSettings, text: Option<&str>) -> Self {
        Suppressor::for_part(settings, text, 1)
    }

    /// For a part of a source that starts on `first_line`, at a document separator.
    pub(crate) fn for_part(settings: &'a SuppressionSettings, text: Option<&str>, first_line: u32) -> Self {
        let comments = match text {
            Some(text) if settings.inline => Comments::scan_from(text, first_line),
            _ => Comments::default(),
        };
        Suppressor { settings, comments }
    }

    /// Splits the findings about one object (or, without a document, the loader's findings).
    pub(crate) fn partition(
        &self,
        findings: Vec<Finding>,
        document: Option<&Document>,
    ) -> (Vec<Finding>, Vec<SuppressedFinding>) {
        let annotations = document.filter(|_| self.settings.inline).and_then(|d| Annotations::read(&d.value));
        let mut kept = Vec::new();
        let mut suppressed = Vec::new();
        for finding in findings {
            match self.suppression(&finding, document, annotations.as_ref()) {
                Some(suppression) => suppressed.push(SuppressedFinding { finding, suppression }),
                None => kept.push(finding),
            }
        }
        (kept, suppressed)
    }

    fn suppression(
        &self,
        finding: &Finding,
        document: Option<&Document>,
        annotations: Option<&Annotations<'_>>,
    ) -> Option<Suppression> {
        if let Some(document) = document {
            if let Some(exemption) = self.settings.exemptions.iter().find(|e| e.covers(finding, document)) {
                return Some(Suppression { kind: SuppressionKind::Exemption, reason: exemption.reason.clone() });
            }
            if let Some(annotations) = annotations.filter(|a| a.covers(finding, &document.value)) {
                return Some(Suppression { kind: SuppressionKind::Annotation, reason: annotations.reason.clone() });
            }
        }
        let directive = self
            .comments
            .covering(finding.line())
            .into_iter()
            .find(|d| d.rules.iter().any(|n| names_rule(n, &finding.rule)))?;
        Some(Suppression { kind: SuppressionKind::Comment, reason: directive.reason.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_match_ids_short_names_and_categories() {
        assert!(names_rule("security-context/privileged", "security-context/privileged"));
        assert!(names_rule("privileged", "security-context/privileged"));
        assert!(names_rule("security-context", "security-context/privileged"));
        assert!(!names_rule("privilege", "security-context/privileged"));
        assert!(!names_rule("images/privileged", "security-context/privileged"));
    }

    #[test]
    fn directives_and_their_reasons() {
        let parse = |c: &str| parse_directive(c);
        assert_eq!(
            parse(" plimsoll-ignore: privileged, latest-tag -- node agent needs the host"),
            Some(Directive {
                rules: vec!["privileged".into(), "latest-tag".into()],
                reason: Some("node agent needs the host".into())
            })
        );
        assert_eq!(parse(" plimsoll-ignore: privileged").map(|d| d.reason), Some(None));
        assert_eq!(parse(" plimsoll-ignore:"), None);
        assert_eq!(parse(" a note about plimsoll-ignore: x"), None);
    }

    #[test]
    fn comments_outside_quotes_only() {
        assert_eq!(comment_start("image: nginx # plimsoll-ignore: x"), Some(13));
        assert_eq!(comment_start("# whole line"), Some(0));
        assert_eq!(comment_start("url: http://a#b"), None);
        assert_eq!(comment_start("msg: \"a # b\""), None);
        assert_eq!(comment_start("msg: 'a # b' # real"), Some(13));
    }

    #[test]
    fn a_directive_covers_its_line_and_the_line_below_its_comment_block() {
        let text = "a: 1 # plimsoll-ignore: x\nb: 2\n# plimsoll-ignore: y -- why\n# another comment\nc: 3\nd: 4\n";
        let comments = Comments::scan_from(text, 1);
        let rules = |line| comments.covering(line).iter().flat_map(|d| d.rules.clone()).collect::<Vec<_>>();
        assert_eq!(rules(1), ["x"]);
        // A trailing comment does not reach the next line.
        assert!(rules(2).is_empty());
        assert_eq!(rules(5), ["y"]);
        assert!(rules(6).is_empty());
    }

    #[test]
    fn container_names_come_from_the_path() {
        let object = serde_json::json!({"spec": {"template": {"spec": {
            "initContainers": [{"name": "init"}], "containers": [{"name": "a"}, {"name": "b"}]}}}});
        let name = |p: &str| container_name(&object, &Path::parse(p).unwrap_or_default());
        assert_eq!(name("spec.template.spec.containers[1].securityContext.privileged"), Some("b"));
        assert_eq!(name("spec.template.spec.initContainers[0]"), Some("init"));
        assert_eq!(name("spec.template.spec.volumes[0]"), None);
        assert_eq!(name("spec.template.spec.containers[5].image"), None);
    }
}
