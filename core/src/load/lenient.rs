//! What go-yaml (libyaml) accepts and saphyr, following the YAML 1.2 spec, rejects — so that a file
//! kubectl reads is never a `yaml/syntax` finding here:
//!
//! - continuation lines of a quoted scalar or a flow collection indented no deeper than the block
//!   that holds it (`description: "two\nlines"` with the second line at the key's column);
//! - a tab between `key:` and its value;
//! - the `\'` escape in a double-quoted scalar;
//! - a comment right after a quoted scalar, a flow collection or a block scalar header (`"x"#c`);
//! - a lone `-` as an item or value in a flow collection (`[-, a]`, `{k: -}`): go-yaml reads the
//!   string `"-"`;
//! - a comment line after a block scalar, indented less than the scalar's content but more than
//!   its parent (`k: |4` then `  # c`), which YAML also reads as a comment and saphyr rejects.
//!
//! When saphyr stops at one of these errors, [`fix`] rewrites the text saphyr reads so the construct
//! becomes acceptable without changing any value (leading whitespace of those continuation lines is
//! folded away, a separating tab is whitespace either way, `\x27` is `'`, a space before `#` keeps
//! the comment a comment, a lone `-` is quoted, such a comment line starts at column 0), and the
//! document is read again. Rewrites never add or remove lines, so
//! [`Rewrite::original_column`] maps positions back to the text as written.

use super::tree::{BuildError, Open};
use super::FILE_START;
use crate::load::position::LineIndex;
use std::collections::BTreeMap;

/// The text saphyr reads for one document once rewritten, and how to map its columns back.
#[derive(Debug, Default)]
pub(crate) struct Rewrite {
    /// `None` while saphyr reads the original text.
    text: Option<String>,
    /// Per line (1-based), the edits made on it, oldest first.
    edits: BTreeMap<usize, Vec<Edit>>,
    count: usize,
}

/// `removed` characters at `column` were replaced by `inserted` ones. The column is counted in the
/// line as it was after the edits before this one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Edit {
    column: usize,
    removed: usize,
    inserted: usize,
}

/// A rewritten text and, per line, the edits that made it (left to right).
#[derive(Debug)]
pub(crate) struct Rewritten {
    text: String,
    edits: Vec<(usize, Edit)>,
}

impl Rewrite {
    /// The text saphyr should read.
    pub(crate) fn source<'a>(&'a self, original: &'a str) -> &'a str {
        self.text.as_deref().unwrap_or(original)
    }

    /// How many rewrites were made.
    pub(crate) fn count(&self) -> usize {
        self.count
    }

    pub(crate) fn record(&mut self, rewritten: Rewritten) {
        self.text = Some(rewritten.text);
        for (line, edit) in rewritten.edits {
            self.edits.entry(line).or_default().push(edit);
        }
        self.count += 1;
    }

    /// The column in the original text of `column` on `line` of the rewritten text. A column inside
    /// inserted text maps to where the insertion was made.
    pub(crate) fn original_column(&self, line: usize, column: usize) -> usize {
        let Some(edits) = self.edits.get(&line) else { return column };
        edits.iter().rev().fold(column, |column, edit| {
            if column >= edit.column + edit.inserted {
                column - edit.inserted + edit.removed
            } else {
                column.min(edit.column)
            }
        })
    }
}

/// One replacement in a text, by byte range.
struct Change {
    at: usize,
    removed: usize,
    insert: String,
}

/// If saphyr's `error` is one of the constructs go-yaml accepts, `source` rewritten so that saphyr
/// accepts it too. `open` are the collections being read when the error happened and `read_to`
/// where the last event read ends.
pub(crate) fn fix(source: &str, error: &BuildError, open: &[Open], read_to: (usize, usize)) -> Option<Rewritten> {
    let (line, column) = error.at?;
    let lines = LineIndex::new(source);
    let offset = |(line, column): (usize, usize)| lines.pos(line, column, FILE_START).offset as usize;
    let at = offset((line, column));
    let message = error.message.as_str();
    let changes = if message.contains("invalid indentation in quoted scalar") {
        indent_quoted(source, at, needed_indent(source, open, &offset)?)?
    } else if message.contains("unknown escape character") {
        escape_quotes(source, at)?
    } else if message.starts_with("':' must be followed by a valid YAML whitespace") {
        untab_value(source, at)?
    } else if message.starts_with("comments must be separated from other tokens by whitespace") {
        (source.as_bytes().get(at) == Some(&b'#')).then(|| vec![Change { at, removed: 0, insert: " ".to_string() }])?
    } else if message.starts_with("plain scalar cannot start with '-' followed by") {
        quote_dash(source, at)?
    } else if message.contains("wrongly indented line in block scalar") {
        dedent_comment(source, at)?
    } else if message == "invalid indentation" || message.contains("invalid indentation in flow construct") {
        // Both come from a flow collection (saphyr unindents block collections instead).
        // saphyr announces a flow collection that could be a key (`- [a]`, `[a]: b`) only once it
        // has read to its end, so the one in error may not be open yet: then it is the next node.
        let bracket = match open.iter().rev().find_map(|o| flow_bracket(source, o, &offset)) {
            Some(bracket) => bracket,
            None => next_bracket(source, offset(read_to))?,
        };
        let end = flow_end(source, bracket)?;
        indent_lines(source, bracket, end, needed_indent(source, open, &offset)?)?
    } else {
        return None;
    };
    apply(source, changes)
}

/// The byte offset of the bracket that opens `open`, when it is a flow collection: its event spans
/// its properties, the bracket and the blanks after it (a block collection's spans no bracket).
fn flow_bracket(source: &str, open: &Open, offset: &impl Fn((usize, usize)) -> usize) -> Option<usize> {
    let start = offset(open.start);
    let opening = source.get(start..offset(open.end))?;
    opening.rfind(['[', '{']).map(|i| start + i)
}

/// The byte offset of the flow collection that is the next node after byte `from`: only
/// indicators, properties (anchors, tags), blanks and comments may come before its bracket.
fn next_bracket(source: &str, from: usize) -> Option<usize> {
    let mut rest = source.get(from..)?;
    loop {
        let trimmed = rest.trim_start_matches([' ', '\t', '\r', '\n', '-', '?', ':']);
        rest = match trimmed.as_bytes().first()? {
            b'[' | b'{' => return Some(source.len() - trimmed.len()),
            b'#' => trimmed.find('\n').map_or("", |i| &trimmed[i..]),
            b'&' | b'!' => trimmed.find([' ', '\t', '\r', '\n']).map_or("", |i| &trimmed[i..]),
            _ => return None,
        };
    }
}

/// saphyr wants continuation lines deeper than the innermost block collection.
fn needed_indent(source: &str, open: &[Open], offset: &impl Fn((usize, usize)) -> usize) -> Option<usize> {
    open.iter().rev().find(|o| flow_bracket(source, o, offset).is_none()).map(|block| block.start.1 + 1)
}

/// The quoted scalar opening at byte `at`: indent its continuation lines, unless it is a key
/// (go-yaml too rejects a multi-line implicit key).
fn indent_quoted(source: &str, at: usize, needed: usize) -> Option<Vec<Change>> {
    let end = quoted_end(source, at)?;
    if source[end..].trim_start_matches([' ', '\t']).starts_with(':') {
        return None;
    }
    indent_lines(source, at, end, needed)
}

/// Gives every non-blank line that starts between bytes `from` and `to` at least `needed` columns of
/// spaces before its content (tabs in an indentation may not count as indentation for saphyr).
/// `None` when a line there is a document marker, which ends the document for go-yaml as well.
fn indent_lines(source: &str, from: usize, to: usize, needed: usize) -> Option<Vec<Change>> {
    let mut changes = Vec::new();
    let mut line_start = from + source[from..].find('\n')? + 1;
    while line_start < to {
        let line_end = source[line_start..].find('\n').map_or(source.len(), |i| line_start + i);
        let line = &source[line_start..line_end];
        let content = line.trim_start_matches([' ', '\t']);
        let indent = line.len() - content.len();
        if !content.trim_end().is_empty() {
            if indent == 0 && (content.starts_with("---") || content.starts_with("...")) {
                return None;
            }
            if indent < needed || line[..indent].contains('\t') {
                changes.push(Change { at: line_start, removed: 0, insert: " ".repeat(needed) });
            }
        }
        line_start = line_end + 1;
    }
    Some(changes)
}

/// `\'` in the double-quoted scalar opening at byte `at` becomes `\x27`.
fn escape_quotes(source: &str, at: usize) -> Option<Vec<Change>> {
    if source.as_bytes().get(at) != Some(&b'"') {
        return None;
    }
    let end = quoted_end(source, at)?;
    let bytes = source.as_bytes();
    let mut changes = Vec::new();
    let mut i = at + 1;
    while i < end {
        if bytes.get(i) == Some(&b'\\') {
            if bytes.get(i + 1) == Some(&b'\'') {
                changes.push(Change { at: i, removed: 2, insert: "\\x27".to_string() });
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    Some(changes)
}

/// A `-` at byte `at` directly followed by a flow indicator becomes the quoted scalar `"-"`.
fn quote_dash(source: &str, at: usize) -> Option<Vec<Change>> {
    let bytes = source.as_bytes();
    let next_is_indicator = bytes.get(at + 1).is_some_and(|b| b",[]{}".contains(b));
    (bytes.get(at) == Some(&b'-') && next_is_indicator)
        .then(|| vec![Change { at, removed: 1, insert: "\"-\"".to_string() }])
}

/// The indentation of the comment line whose `#` is at byte `at` is removed.
fn dedent_comment(source: &str, at: usize) -> Option<Vec<Change>> {
    let line_start = source.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let indented_comment =
        source.as_bytes().get(at) == Some(&b'#') && source[line_start..at].bytes().all(|b| b == b' ');
    indented_comment.then(|| vec![Change { at: line_start, removed: at - line_start, insert: String::new() }])
}

/// Tabs between a `:` and the value at byte `at` become spaces.
fn untab_value(source: &str, at: usize) -> Option<Vec<Change>> {
    let before = source.get(..at)?;
    let separator_start = before.trim_end_matches([' ', '\t']).len();
    if !before[..separator_start].ends_with(':') {
        return None;
    }
    let tabs = before[separator_start..].match_indices('\t');
    Some(tabs.map(|(i, _)| Change { at: separator_start + i, removed: 1, insert: " ".to_string() }).collect())
}

/// The byte after the closing quote of the quoted scalar opening at byte `at`.
pub(crate) fn quoted_end(source: &str, at: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    let quote = *bytes.get(at).filter(|b| matches!(b, b'"' | b'\''))?;
    let mut i = at + 1;
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The byte after the bracket that closes the flow collection opening at byte `at`: brackets are
/// counted outside quoted scalars and comments (plain scalars cannot hold them in flow context).
fn flow_end(source: &str, at: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut previous = b'[';
    let mut i = at;
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            // A quote opens a quoted scalar only where a node can start.
            b'"' | b'\'' if matches!(previous, b'[' | b'{' | b',' | b':' | b'?') => {
                i = quoted_end(source, i)?;
                previous = byte;
                continue;
            }
            b'#' if i.checked_sub(1).and_then(|before| bytes.get(before)).is_none_or(u8::is_ascii_whitespace) => {
                i = source[i..].find('\n').map_or(bytes.len(), |n| i + n);
                continue;
            }
            _ => {}
        }
        if !byte.is_ascii_whitespace() {
            previous = byte;
        }
        i += 1;
    }
    None
}

/// Applies non-overlapping changes, and notes each as a line edit for mapping positions back.
fn apply(source: &str, mut changes: Vec<Change>) -> Option<Rewritten> {
    if changes.is_empty() {
        return None;
    }
    changes.sort_by_key(|change| change.at);
    let mut text = String::with_capacity(source.len() + 64);
    let mut edits = Vec::with_capacity(changes.len());
    let mut copied = 0;
    // Columns shift as earlier edits on the same line add characters.
    let mut shift = (0usize, 0isize);
    for change in changes {
        let end = change.at + change.removed;
        text.push_str(source.get(copied..change.at)?);
        text.push_str(&change.insert);
        copied = end;
        let (line, column) = line_column(source, change.at);
        if shift.0 != line {
            shift = (line, 0);
        }
        let removed = source.get(change.at..end)?.chars().count();
        let inserted = change.insert.chars().count();
        let column = column.checked_add_signed(shift.1)?;
        edits.push((line, Edit { column, removed, inserted }));
        shift.1 += inserted as isize - removed as isize;
    }
    text.push_str(source.get(copied..)?);
    Some(Rewritten { text, edits })
}

/// saphyr's line (1-based) and column (0-based, characters; a leading byte order mark not counted)
/// of a byte offset.
fn line_column(source: &str, at: usize) -> (usize, usize) {
    let before = &source[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].trim_start_matches('\u{feff}').chars().count();
    (before.matches('\n').count() + 1, column)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn rewritten(source: &str, changes: Vec<Change>) -> (String, Rewrite) {
        let mut rewrite = Rewrite::default();
        rewrite.record(apply(source, changes).unwrap());
        (rewrite.source(source).to_string(), rewrite)
    }

    #[test]
    fn columns_map_back_through_insertions_and_replacements() {
        let source = "a: \"x\\'y\\'z\"\n";
        let (text, rewrite) = rewritten(source, escape_quotes(source, 3).unwrap());
        assert_eq!(text, "a: \"x\\x27y\\x27z\"\n");
        // `y` moved from column 7 to 9, `z` from 10 to 14; inside `\x27` maps to its start.
        assert_eq!(rewrite.original_column(1, 9), 7);
        assert_eq!(rewrite.original_column(1, 14), 10);
        assert_eq!(rewrite.original_column(1, 6), 5);
        assert_eq!(rewrite.original_column(2, 4), 4);
    }

    #[test]
    fn flow_collections_end_at_their_matching_bracket() {
        let source = "a: [1, \"]\", [2], {b: '}'}] # ]\nc: 1";
        assert_eq!(flow_end(source, 3), Some(source.find(" #").unwrap()));
        assert_eq!(flow_end("[1, 2", 0), None);
    }

    #[test]
    fn the_next_bracket_skips_indicators_properties_and_comments() {
        let source = "- # c\n  &a !t [1]";
        assert_eq!(next_bracket(source, 0), Some(source.find('[').unwrap()));
        assert_eq!(next_bracket("- a [1]", 0), None);
    }

    #[test]
    fn a_lone_dash_in_a_flow_collection_is_a_string() {
        // Found by the differential test against kubectl's reader (go-yaml reads `"-"`).
        let read = |text: &str| crate::load::parse_yaml_value(text).unwrap().unwrap();
        assert_eq!(read("k: [-, {}, a]\nm: {f: -}\n"), serde_json::json!({"k": ["-", {}, "a"], "m": {"f": "-"}}));
        assert_eq!(read("k: [a, -]"), serde_json::json!({"k": ["a", "-"]}));
    }

    #[test]
    fn a_comment_less_indented_than_a_block_scalar_ends_it() {
        // Found by the differential test against kubectl's reader, which reads these values.
        let read = |text: &str| crate::load::parse_yaml_value(text).unwrap().unwrap();
        assert_eq!(read("a:\n  k: |9\n    # c\n  m: 1\n"), serde_json::json!({"a": {"k": "", "m": 1}}));
        assert_eq!(read("a:\n  k: |+\n      \n    # c\n  m: 1\n"), serde_json::json!({"a": {"k": "\n", "m": 1}}));
    }

    #[test]
    fn only_under_indented_content_lines_are_indented() {
        let source = "k: \"a\n\n  b\nc\"\n";
        let changes = indent_lines(source, 3, quoted_end(source, 3).unwrap(), 1).unwrap();
        let (text, _) = rewritten(source, changes);
        assert_eq!(text, "k: \"a\n\n  b\n c\"\n");
    }
}
