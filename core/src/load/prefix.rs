//! Reading what a document's text says of its object without building the object: its kind
//! ([`written_kind`], from its top-level `kind:` line) and its `metadata.namespace`
//! ([`written_namespace`]).
//!
//! The run's first pass ([`crate::linter`]) decides from them whether a document must be
//! summarised at all. The kind is searched for in the text; for the namespace, usually written in
//! the document's first lines, the parser is stopped once the top-level `metadata` mapping is
//! read. Whatever could make either answer differ from a full read (a flow-style or JSON
//! document, anchors, aliases, tags, merge keys, a key written twice, a parse error) makes the
//! answer unknown, and the caller reads the document whole.

use super::scalar::{self, Scalar};
use saphyr_parser::{Event, Parser, ScalarStyle};

/// Events read before giving up on finding the top-level `metadata` key: the parse stays a small
/// part of reading the whole document.
const MAX_EVENTS: usize = 96;

/// The kind a YAML document's text names on a top-level `kind:` line, when it names one plainly:
/// `None` when there is no such line, more than one, or a value that is not a plain word (a JSON
/// or flow-style document, a quoted or odd value), so that the document is read to be sure.
pub fn written_kind(text: &str) -> Option<&str> {
    if starts_with_flow(text) {
        return None;
    }
    let mut lines = top_level_key_lines(text, "kind");
    let line = lines.next()?;
    if lines.next().is_some() {
        return None;
    }
    let line = line.strip_suffix('\r').unwrap_or(line);
    let value = line.split(" #").next().unwrap_or(line).trim();
    Some(value).filter(|kind| !kind.is_empty() && kind.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The namespace a YAML document's object has, read from the start of its text: `Some(None)`
/// when it certainly sets none (or one that is not a string, which reads as unset), `Some(ns)`
/// when it certainly is `ns`, `None` when that cannot be told without reading it whole.
pub fn written_namespace(text: &str) -> Option<Option<String>> {
    if starts_with_flow(text) || top_level_key_lines(text, "metadata").count() != 1 {
        return None;
    }
    let mut events = Parser::new_from_str(text).map(|event| event.ok().map(|(event, _)| event));
    let mut seen = 0usize;
    let mut next = move || {
        seen += 1;
        if seen > MAX_EVENTS {
            return None;
        }
        events.next().flatten()
    };
    // Stream, document and the top-level mapping.
    loop {
        match next()? {
            Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => continue,
            Event::MappingStart(0, None) => break,
            _ => return None,
        }
    }
    loop {
        let key = match next()? {
            Event::Scalar(key, style, 0, None) => plain_key(&key, style)?,
            Event::MappingEnd => return Some(None),
            _ => return None,
        };
        if key == "metadata" {
            return metadata_namespace(&mut next);
        }
        skip_value(&mut next)?;
    }
}

/// The namespace in the `metadata` value about to be read.
fn metadata_namespace<'t>(next: &mut impl FnMut() -> Option<Event<'t>>) -> Option<Option<String>> {
    match next()? {
        Event::MappingStart(0, None) => {}
        // `metadata: null` or another non-mapping value: no namespace.
        Event::Scalar(_, _, 0, None) => return Some(None),
        _ => return None,
    }
    let mut namespace: Option<Option<String>> = None;
    loop {
        let key = match next()? {
            Event::Scalar(key, style, 0, None) => plain_key(&key, style)?,
            Event::MappingEnd => return Some(namespace.unwrap_or(None)),
            _ => return None,
        };
        if key != "namespace" {
            skip_value(next)?;
            continue;
        }
        if namespace.is_some() {
            // Set twice: which one counts is the full reader's business.
            return None;
        }
        namespace = Some(match next()? {
            Event::Scalar(value, style, 0, None) => match scalar::resolve(&value, style, None).ok()? {
                Scalar::Str(value) => Some(value),
                _ => None,
            },
            Event::MappingStart(0, None) | Event::SequenceStart(0, None) => {
                skip_nested(next)?;
                None
            }
            _ => return None,
        });
    }
}

/// A mapping key as the full reader keys it: a string, never the merge key.
fn plain_key(key: &str, style: ScalarStyle) -> Option<String> {
    match scalar::resolve(key, style, None).ok()? {
        Scalar::Str(key) => Some(key),
        _ => None,
    }
}

/// Reads past one value (a scalar or a whole collection); `None` on anything that makes the
/// early answer unsafe.
fn skip_value<'t>(next: &mut impl FnMut() -> Option<Event<'t>>) -> Option<()> {
    match next()? {
        Event::Scalar(_, _, 0, None) => Some(()),
        Event::MappingStart(0, None) | Event::SequenceStart(0, None) => skip_nested(next),
        _ => None,
    }
}

/// Reads to the end of a collection whose start was just read.
fn skip_nested<'t>(next: &mut impl FnMut() -> Option<Event<'t>>) -> Option<()> {
    let mut depth = 1usize;
    while depth > 0 {
        match next()? {
            Event::Scalar(_, _, 0, None) => {}
            Event::MappingStart(0, None) | Event::SequenceStart(0, None) => depth += 1,
            Event::MappingEnd | Event::SequenceEnd => depth -= 1,
            _ => return None,
        }
    }
    Some(())
}

/// Whether the document's first content is a flow collection (JSON, or `{...}` YAML), where a
/// key at the start of a line may be nested and a key written twice is not seen by
/// [`top_level_key_lines`].
fn starts_with_flow(text: &str) -> bool {
    let content = text
        .lines()
        .map(str::trim_start)
        .find(|line| !line.is_empty() && !line.starts_with('#') && !line.starts_with("---") && !line.starts_with('%'));
    content.is_none_or(|line| line.starts_with('{') || line.starts_with('['))
}

/// What follows the colon on each line that starts at column 0 with `key` as a mapping key
/// (plain or quoted), to the end of the line. In block style every top-level key starts a line
/// at column 0, and nothing else can: the content of a nested value is indented.
fn top_level_key_lines<'t>(text: &'t str, key: &'t str) -> impl Iterator<Item = &'t str> + 't {
    let bytes = text.as_bytes();
    // Searched for, not read line by line: this runs on every document of a run.
    memchr::memmem::find_iter(bytes, key.as_bytes()).filter_map(move |at| {
        let opening = at.checked_sub(1).and_then(|before| bytes.get(before).copied());
        let line_start = |at: usize| at == 0 || bytes.get(at - 1) == Some(&b'\n');
        let rest = text.get(at + key.len()..).unwrap_or_default();
        let rest = match opening {
            None | Some(b'\n') => rest,
            Some(quote @ (b'"' | b'\'')) if line_start(at - 1) => rest.strip_prefix(quote as char)?,
            _ => return None,
        };
        let rest = rest.trim_start_matches([' ', '\t']).strip_prefix(':')?;
        Some(rest.split('\n').next().unwrap_or_default())
    })
}

#[cfg(test)]
mod tests {
    use super::{written_kind, written_namespace};

    #[test]
    fn a_kind_is_read_from_the_text_only_when_written_plainly() {
        assert_eq!(written_kind("apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"), Some("Service"));
        assert_eq!(written_kind("kind: ConfigMap # note\n"), Some("ConfigMap"));
        // Not a plain top-level line, twice, quoted, or JSON: the document is read to be sure.
        assert_eq!(written_kind("spec:\n  kind: Service\n"), None);
        assert_eq!(written_kind("kind: Service\nkind: Secret\n"), None);
        assert_eq!(written_kind("kind: \"Service\"\n"), None);
        assert_eq!(written_kind("{\"kind\": \"Service\"}\n"), None);
        // A quoted key counts as a second kind line; in a flow mapping, a line may be nested.
        assert_eq!(written_kind("kind: Service\n\"kind\": Secret\n"), None);
        assert_eq!(written_kind("{\nspec: {\nkind: Secret\n}}\n"), None);
    }

    fn known(namespace: &str) -> Option<Option<String>> {
        Some(Some(namespace.to_string()))
    }

    #[test]
    fn the_namespace_is_read_from_the_metadata_at_the_start() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {app: web}\n  namespace: prod\nspec:\n  replicas: 3\n";
        assert_eq!(written_namespace(text), known("prod"));
        assert_eq!(written_namespace("# c\n---\nmetadata:\n  namespace: \"shop\"\n"), known("shop"));
        // None set, set to a non-string (which reads as unset), or no metadata at all.
        assert_eq!(written_namespace("kind: Pod\nmetadata:\n  name: web\n"), Some(None));
        assert_eq!(written_namespace("kind: Pod\nmetadata:\n  namespace: 12\n"), Some(None));
        assert_eq!(written_namespace("kind: Pod\nmetadata:\n  namespace: ~\n"), Some(None));
        assert_eq!(written_namespace("kind: Pod\nmetadata: null\n"), Some(None));
    }

    #[test]
    fn anything_a_full_read_could_read_otherwise_is_unknown() {
        for text in [
            // JSON and flow style: a key set twice is not seen line by line.
            "{\"metadata\": {\"namespace\": \"a\"}, \"metadata\": {}}\n",
            // metadata set twice, or namespace twice.
            "metadata:\n  namespace: a\nmetadata:\n  namespace: b\n",
            "metadata:\n  namespace: a\n  namespace: b\n",
            "\"metadata\":\n  namespace: a\n'metadata' :\n  namespace: b\n",
            // Anchors, aliases, merge keys and tags.
            "metadata: &m\n  namespace: a\n",
            "base: &b {namespace: a}\nmetadata: *b\n",
            "metadata:\n  <<: {namespace: a}\n",
            "metadata:\n  namespace: !custom a\n",
            // Not YAML the parser reads.
            "metadata:\n  namespace: [a\n",
        ] {
            assert_eq!(written_namespace(text), None, "{text}");
        }
    }

    #[test]
    fn a_document_whose_metadata_comes_late_is_not_read_far() {
        let long: String = (0..200).map(|i| format!("k{i}: v\n")).collect();
        assert_eq!(written_namespace(&format!("{long}metadata:\n  namespace: a\n")), None);
    }
}
