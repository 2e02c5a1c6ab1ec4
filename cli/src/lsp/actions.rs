//! Code actions for a finding: a quick fix where the rule has an obvious one, and suppressions
//! (a `# plimsoll-ignore:` comment for the line, a `plimsoll.io/ignore` annotation for the object
//! or the container; see docs/suppressions.md).
//!
//! Edits are computed from the document's position tree (core's [`PosNode`]): a field is set by
//! replacing its written value, or, when it is missing, by inserting the missing keys as block
//! YAML above a sibling entry that starts its own line, with that entry's indentation. Where the
//! text is not block YAML (JSON, flow collections) no edit is offered rather than a wrong one.
//!
//! Each edit is checked before it is offered: the server lints the text it makes, as it lints the
//! document, and offers it only if [`removes`] says so (the finding is gone, no loader finding
//! came). The tests apply every edit of a set of documents in the same way.

use super::text::{Encoding, Text};
use plimsoll_core::load::position::{PathSegment, PosChildren, PosNode};
use plimsoll_core::report::suppress::{container_name, COMMENT_DIRECTIVE, IGNORE_ANNOTATION};
use plimsoll_core::{Document, Finding, LoadedFile};

/// The placeholder reason a suppression is written with, for the user to replace.
const REASON: &str = "TODO: say why this is accepted";

/// A replacement of the text between two byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub new_text: String,
}

/// What the editor offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub edit: Edit,
    /// The fix an editor may apply on its own ("fix all" / preferred quick fix).
    pub preferred: bool,
}

/// The actions for `finding` in `text` (block YAML when `yaml`), whose documents are `loaded`.
pub fn for_finding(finding: &Finding, text: &Text, loaded: &LoadedFile, yaml: bool) -> Vec<Action> {
    let mut actions = Vec::new();
    if !yaml {
        return actions;
    }
    let document = finding
        .object
        .as_ref()
        .and_then(|object| loaded.documents.iter().find(|d| d.index == finding.document && &d.object_ref() == object));
    if let Some(document) = document {
        actions.extend(quick_fix(finding, text, document));
    }
    actions.push(Action {
        title: format!("Ignore {} on this line", finding.rule),
        edit: ignore_line(finding, text),
        preferred: false,
    });
    if let Some(action) = document.and_then(|document| ignore_in_object(finding, text, document)) {
        actions.push(action);
    }
    actions
}

/// The obvious fixes: the settings the restricted Pod Security Standard asks for.
fn quick_fix(finding: &Finding, text: &Text, document: &Document) -> Option<Action> {
    let path = finding.path.as_ref()?.segments();
    let last = |key: &str| matches!(path.last(), Some(PathSegment::Key(k)) if k == key);
    let (title, edit) = match finding.rule.as_str() {
        "security-context/allow-privilege-escalation" if last("allowPrivilegeEscalation") => {
            ("Set allowPrivilegeEscalation: false", set_field(text, &document.positions, path, "false")?)
        }
        "security-context/run-as-non-root" if last("runAsNonRoot") => {
            ("Set runAsNonRoot: true", set_field(text, &document.positions, path, "true")?)
        }
        "security-context/capabilities-restricted" if last("drop") => {
            ("Drop ALL capabilities", drop_all(text, &document.positions, path)?)
        }
        _ => return None,
    };
    Some(Action { title: title.to_string(), edit, preferred: true })
}

/// `text` with `edit` made.
pub fn apply(text: &str, edit: &Edit) -> String {
    let mut out = text.to_string();
    if text.is_char_boundary(edit.start) && text.is_char_boundary(edit.end) && edit.start <= edit.end {
        out.replace_range(edit.start..edit.end.min(text.len()), &edit.new_text);
    }
    out
}

/// How many loader findings (`yaml/…`: the text does not read) are among `findings`.
pub fn loader_findings(findings: &[Finding]) -> usize {
    findings.iter().filter(|f| f.rule.starts_with("yaml/")).count()
}

/// Whether an edit did what it is for: `after` (the findings of the edited text) holds no finding
/// of the same rule on the same object and field, and no more loader findings than the text had
/// before (`loader_before`).
pub fn removes(finding: &Finding, after: &[Finding], loader_before: usize) -> bool {
    let same = |f: &Finding| f.rule == finding.rule && f.path == finding.path && f.object == finding.object;
    !after.iter().any(same) && loader_findings(after) <= loader_before
}

/// A `# plimsoll-ignore:` comment line above the finding's line, indented as it is.
fn ignore_line(finding: &Finding, text: &Text) -> Edit {
    let line = line_of(text, finding.span.start.offset as usize);
    let indent = leading_space(text.line_text(line));
    let start = text.line_start(line);
    let new_text = format!("{indent}# {COMMENT_DIRECTIVE} {} -- {REASON}{}", finding.rule, text.line_break());
    Edit { start, end: start, new_text }
}

/// A `plimsoll.io/ignore` annotation (`plimsoll.io/ignore.<container>` for a container's finding)
/// naming the rule, added to the object's annotations (created when missing) or to the rules the
/// annotation already names.
fn ignore_in_object(finding: &Finding, text: &Text, document: &Document) -> Option<Action> {
    let container = finding.path.as_ref().and_then(|path| container_name(&document.value, path));
    let key = match container {
        Some(name) => format!("{IGNORE_ANNOTATION}.{name}"),
        None => IGNORE_ANNOTATION.to_string(),
    };
    let metadata = document.positions.entry("metadata")?;
    let annotations = metadata.value.entry("annotations");
    let edit = match annotations.and_then(|a| a.value.entry(&key)) {
        Some(existing) => {
            let current = document.value.pointer(&format!("/metadata/annotations/{}", key.replace('/', "~1")));
            let current = current.and_then(|v| v.as_str()).unwrap_or("").trim();
            let rules = if current.is_empty() { finding.rule.clone() } else { format!("{current},{}", finding.rule) };
            let span = existing.value.span;
            if span.start == span.end {
                return None;
            }
            Edit { start: span.start.offset as usize, end: span.end.offset as usize, new_text: quoted(&rules) }
        }
        None => match annotations {
            Some(annotations) => {
                insert_lines(text, &annotations.value, &[format!("{key}: {}", quoted(&finding.rule))])?
            }
            None => insert_lines(
                text,
                &metadata.value,
                &["annotations:".to_string(), format!("  {key}: {}", quoted(&finding.rule))],
            )?,
        },
    };
    let whom = match container {
        Some(name) => format!("container {name:?}"),
        None => format!("this {}", document.object_ref().kind),
    };
    Some(Action { title: format!("Ignore {} for {whom}", finding.rule), edit, preferred: false })
}

/// Sets the scalar at `path` to `value`: replaces it where it is written, or inserts the missing
/// keys under the deepest mapping the path reaches.
fn set_field(text: &Text, root: &PosNode, path: &[PathSegment], value: &str) -> Option<Edit> {
    let mut node = root;
    for (at, segment) in path.iter().enumerate() {
        match segment {
            PathSegment::Index(index) => node = node.item(*index)?,
            PathSegment::Key(key) => match node.entry(key) {
                Some(entry) if at + 1 == path.len() => {
                    let span = entry.value.span;
                    let written = matches!(entry.value.children, PosChildren::Scalar) && span.start != span.end;
                    return written.then(|| Edit {
                        start: span.start.offset as usize,
                        end: span.end.offset as usize,
                        new_text: value.to_string(),
                    });
                }
                Some(entry) => node = &entry.value,
                None => return insert_lines(text, node, &nested_keys(&path[at..], value)?),
            },
        }
    }
    None
}

/// `a:`, `  b:`, `    c: value` for the keys `a.b.c`; none when the rest of the path has an index.
fn nested_keys(path: &[PathSegment], value: &str) -> Option<Vec<String>> {
    let mut lines = Vec::new();
    for (depth, segment) in path.iter().enumerate() {
        let PathSegment::Key(key) = segment else { return None };
        let indent = "  ".repeat(depth);
        let tail = if depth + 1 == path.len() { format!(" {value}") } else { String::new() };
        lines.push(format!("{indent}{key}:{tail}"));
    }
    Some(lines)
}

/// `ALL` added to `capabilities.drop` (a flow or block sequence), or the list created.
fn drop_all(text: &Text, root: &PosNode, path: &[PathSegment]) -> Option<Edit> {
    let (PathSegment::Key(last), parent) = path.split_last()? else { return None };
    let mut node = root;
    for segment in parent {
        node = match segment {
            PathSegment::Index(index) => node.item(*index)?,
            PathSegment::Key(key) => &node.entry(key)?.value,
        };
    }
    let Some(entry) = node.entry(last) else { return set_field(text, root, path, "[ALL]") };
    let PosChildren::Sequence(items) = &entry.value.children else { return None };
    let after_key = entry.key_span.end.offset as usize;
    let rest = text.as_str().get(after_key..)?;
    let flow = rest.trim_start_matches([':', ' ', '\t']);
    if flow.starts_with('[') {
        let at = after_key + (rest.len() - flow.len()) + 1;
        let new_text = if items.is_empty() { "ALL".to_string() } else { "ALL, ".to_string() };
        return Some(Edit { start: at, end: at, new_text });
    }
    let first = items.first()?;
    let line = line_of(text, first.span.start.offset as usize);
    let item_line = text.line_text(line);
    let indent = leading_space(item_line);
    if !item_line[indent.len()..].starts_with('-') {
        return None;
    }
    let start = text.line_start(line);
    Some(Edit { start, end: start, new_text: format!("{indent}- ALL{}", text.line_break()) })
}

/// `lines` inserted into the block mapping `mapping`, above an entry that starts its own line and
/// with its indentation; none for a mapping with no such entry (flow style, or a one-entry item).
fn insert_lines(text: &Text, mapping: &PosNode, lines: &[String]) -> Option<Edit> {
    let PosChildren::Mapping(entries) = &mapping.children else { return None };
    let anchor = entries.iter().find_map(|entry| {
        let offset = entry.key_span.start.offset as usize;
        let line = line_of(text, offset);
        let before = text.as_str().get(text.line_start(line)..offset)?;
        before.chars().all(|c| c == ' ').then_some((line, before.len()))
    })?;
    let (line, width) = anchor;
    let indent = " ".repeat(width);
    let new_text: String = lines.iter().map(|l| format!("{indent}{l}{}", text.line_break())).collect();
    let start = text.line_start(line);
    Some(Edit { start, end: start, new_text })
}

fn line_of(text: &Text, offset: usize) -> usize {
    text.position(offset, Encoding::Utf8).line as usize
}

fn leading_space(line: &str) -> &str {
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// A YAML double-quoted string (JSON's escaping is valid there).
fn quoted(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| format!("\"{value}\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use plimsoll_core::{Linter, Report};

    fn lint(text: &str) -> Vec<Finding> {
        let linter = Linter::builder().build().expect("the default linter builds");
        let report = linter.worker().lint("pod.yaml", text);
        Report::from_files(vec![report]).findings
    }

    /// Every action offered for every finding of `text`, applied one at a time: the finding is
    /// gone and the text still reads without a loader finding. Returns the titles offered.
    fn check_every_action(text: &str) -> Vec<String> {
        let findings = lint(text);
        assert!(!findings.is_empty());
        let loaded = plimsoll_core::load("pod.yaml", text);
        let lines = Text::new(text.to_string());
        let mut titles = Vec::new();
        for finding in &findings {
            for action in for_finding(finding, &lines, &loaded, true) {
                let fixed = apply(text, &action.edit);
                let after = lint(&fixed);
                assert!(removes(finding, &after, 0), "{:?} left {} or broke:\n{fixed}", action.title, finding.rule);
                titles.push(action.title);
            }
        }
        titles
    }

    const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx:1.27.2
      securityContext:
        allowPrivilegeEscalation: true
        runAsNonRoot: false
        capabilities:
          drop: [NET_RAW]
    - name: side
      image: nginx:latest
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  annotations:
    plimsoll.io/ignore: \"cpu-limits\"
spec:
  template:
    spec:
      containers:
        - name: a
          image: nginx:1.27.2
          securityContext:
            capabilities:
              drop:
                - NET_RAW
";

    #[test]
    fn every_action_removes_its_finding() {
        let titles = check_every_action(POD);
        for expected in ["Set allowPrivilegeEscalation: false", "Set runAsNonRoot: true", "Drop ALL capabilities"] {
            assert!(titles.iter().any(|t| t == expected), "{expected:?} not offered: {titles:#?}");
        }
        assert!(titles.iter().any(|t| t == "Ignore images/latest-tag for container \"side\""), "{titles:#?}");
        assert!(titles.iter().any(|t| t == "Ignore images/latest-tag on this line"), "{titles:#?}");
        assert!(titles.iter().any(|t| t.ends_with("for this Deployment")), "{titles:#?}");
    }

    #[test]
    fn actions_keep_crlf_line_breaks() {
        let text = POD.replace('\n', "\r\n");
        check_every_action(&text);
    }

    #[test]
    fn quick_fixes_write_the_expected_yaml() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27.2\n";
        let findings = lint(text);
        let loaded = plimsoll_core::load("pod.yaml", text);
        let lines = Text::new(text.to_string());
        let escalation = findings.iter().find(|f| f.rule == "security-context/allow-privilege-escalation").unwrap();
        let fix = for_finding(escalation, &lines, &loaded, true).into_iter().find(|a| a.preferred).unwrap();
        assert_eq!(
            apply(text, &fix.edit),
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      securityContext:\n        allowPrivilegeEscalation: false\n      image: nginx:1.27.2\n"
        );
        check_every_action(text);
    }

    #[test]
    fn json_gets_no_edits() {
        let text = r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}, "spec": {"containers": [{"name": "a", "image": "nginx"}]}}"#;
        let findings = lint(text);
        let loaded = plimsoll_core::load("pod.json", text);
        let lines = Text::new(text.to_string());
        assert!(findings.iter().all(|f| for_finding(f, &lines, &loaded, false).is_empty()));
    }
}
