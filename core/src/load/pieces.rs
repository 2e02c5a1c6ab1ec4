//! Cutting a long block-style list document into the texts of its items, so that the items can be
//! read each on its own, in parallel, and come out as reading the whole list makes them.
//!
//! [`ListPieces::cut`] looks for the one root `items:` line with nothing after it, followed by
//! block sequence entries (`- ` at one indentation), and cuts the text before each entry line.
//! No item's text can continue past such a line: a block or plain scalar's lines are indented
//! more than the sequence, and a flow collection or a quoted scalar cut there leaves the piece
//! before it unterminated. What the cut pieces cannot tell on their own shows when they are
//! read: an alias to an anchor of another piece, or a tag handle declared in a directive, is an
//! error there. The rest of the document, the skeleton, is read with the entries left out, and
//! must read as a list whose `items` is the key that was cut.
//!
//! Every check that fails gives `None`: the caller then reads the document whole, as before, so
//! reading in pieces changes only how fast a list is read, never what it reads as.

use super::position::{Pos, PosChildren, PosNode};
use super::tree::{self, Built, DuplicateKey, Limits};
use super::Chunk;
use super::Problem;
use serde_json::Value;
use std::sync::Arc;

/// Lists from this length on (in bytes) are worth reading in pieces: a list is one document,
/// which one thread would read alone, and below this one thread reads it about as fast.
pub const LIST_PIECES_BYTES: usize = 256 << 10;

/// A list document cut into its items' texts and the rest.
pub struct ListPieces<'t> {
    start: Pos,
    /// The document without its items' lines.
    skeleton: String,
    /// The line of the root `items` key.
    items_line: u32,
    /// Each item's text and where it starts in the file.
    items: Vec<(&'t str, Pos)>,
}

/// One item read on its own.
pub struct PieceItem {
    pub value: Value,
    pub positions: PosNode,
    /// The nodes it holds, as [`Limits::max_nodes`] counts them.
    pub nodes: usize,
    duplicates: Vec<DuplicateKey>,
}

impl PieceItem {
    /// The loader's findings on keys the item sets twice, as reading the list whole hands them
    /// over with the item (`document` being the list's index in its source).
    pub fn take_problems(&mut self, document: usize, template: &Option<Arc<str>>) -> Vec<Problem> {
        super::duplicate_problems(document, template, std::mem::take(&mut self.duplicates)).collect()
    }
}

impl<'t> ListPieces<'t> {
    /// The pieces of `chunk`, with the nodes of the rest of it, when it is a block-style list long
    /// enough to be worth reading in pieces ([`LIST_PIECES_BYTES`]) that can be cut and whose
    /// rest reads as that list (see the module docs).
    pub fn cut(chunk: &Chunk<'t>, limits: Limits) -> Option<(ListPieces<'t>, usize)> {
        if chunk.text.len() < LIST_PIECES_BYTES {
            return None;
        }
        let pieces = ListPieces::of(chunk)?;
        let skeleton_nodes = pieces.read_skeleton(limits)?;
        Some((pieces, skeleton_nodes))
    }

    /// The pieces of `chunk` when it is a block-style list that can be cut, whatever its length.
    fn of(chunk: &Chunk<'t>) -> Option<ListPieces<'t>> {
        let text = chunk.text;
        let mut lines = numbered_lines(text);
        let (items_line, _, _) = lines.by_ref().find(|(_, _, line)| is_items_key(line))?;
        let Sequence { entries, indent, end: region_end } = entries_after(text.len(), lines)?;
        let region_start = entries.first()?.1;
        let (before, after) = (text.get(..region_start)?, text.get(region_end..)?);
        if has_root_items_key(after) || !no_stream_markers(text) {
            return None;
        }
        let at = |(line, offset): (usize, usize)| Pos {
            line: chunk.start.line + line as u32,
            column: 1,
            offset: chunk.start.offset + offset as u32,
        };
        // A piece ends after the next entry's indentation, where reading the whole list ends
        // the item (at the `-`).
        let ends = entries.iter().skip(1).map(|(_, offset)| offset + indent).chain([region_end]);
        let items = entries.iter().zip(ends).map(|(&entry, end)| Some((text.get(entry.1..end)?, at(entry))));
        let items = items.collect::<Option<_>>()?;
        let skeleton = [before, after].concat();
        Some(ListPieces { start: chunk.start, skeleton, items_line: at((items_line, 0)).line, items })
    }

    /// How many items were cut.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The nodes of the document without its items, when it reads as a list (a `kind` ending
    /// in `List`) whose only `items` key is the one whose entries were cut, and sets no key twice
    /// outside its items: reading it whole reports such keys at places the skeleton, cut from the
    /// text, does not give as written.
    fn read_skeleton(&self, limits: Limits) -> Option<usize> {
        let read = tree::read_piece(&self.skeleton, self.start, limits, 0);
        let Ok(Built::Document(value, positions)) = read.result else { return None };
        let kind = value.get("kind").and_then(Value::as_str).unwrap_or("");
        let items_cut = value.get("items").is_some_and(Value::is_null)
            && positions.entry("items").is_some_and(|entry| entry.key_span.start.line == self.items_line);
        let list = kind.ends_with("List") && items_cut && read.duplicates.is_empty() && read.aliased == 0;
        list.then_some(read.nodes)
    }

    /// Item `index` read on its own, when it reads there as in the whole list.
    pub fn read_item(&self, index: usize, limits: Limits) -> Option<PieceItem> {
        let (text, start) = *self.items.get(index)?;
        // The item is nested in the root mapping and its `items` sequence; the piece holds the
        // sequence itself.
        let read = tree::read_piece(text, start, limits, 1);
        let Ok(Built::Document(Value::Array(mut values), positions)) = read.result else { return None };
        let PosChildren::Sequence(mut nodes) = positions.children else { return None };
        if values.len() != 1 || nodes.len() != 1 || read.aliased > 0 {
            return None;
        }
        let (value, positions) = (values.pop()?, nodes.pop()?);
        // The piece's own sequence is one node that the whole list does not hold per item.
        Some(PieceItem { value, positions, nodes: read.nodes.saturating_sub(1), duplicates: read.duplicates })
    }

    /// Whether the whole list, `skeleton_nodes` and the nodes of its items, stays within
    /// `limits`, as reading it whole would have checked.
    pub fn within(skeleton_nodes: usize, item_nodes: impl IntoIterator<Item = usize>, limits: Limits) -> bool {
        let nodes = item_nodes.into_iter().fold(skeleton_nodes, usize::saturating_add);
        nodes <= limits.max_nodes
    }
}

/// Every line's 0-based number, byte offset and text (without its line break).
fn numbered_lines(text: &str) -> impl Iterator<Item = (usize, usize, &str)> + '_ {
    let breaks = memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1);
    let ends = breaks.chain((!text.ends_with('\n')).then_some(text.len() + 1));
    let lines = ends.scan(0, move |start, end| {
        let line = (*start, text.get(*start..end - 1).unwrap_or_default());
        *start = end;
        Some(line)
    });
    lines.enumerate().map(|(number, (offset, line))| (number, offset, line.strip_suffix('\r').unwrap_or(line)))
}

/// Whether a line is a root `items` key with nothing after it but blanks or a comment.
fn is_items_key(line: &str) -> bool {
    match line.strip_prefix("items:") {
        Some("") => true,
        Some(rest) if rest.starts_with([' ', '\t']) => {
            let rest = rest.trim_start_matches([' ', '\t']);
            rest.is_empty() || rest.starts_with('#')
        }
        _ => false,
    }
}

/// Whether the text after the items holds another line that may set `items` at the root.
fn has_root_items_key(text: &str) -> bool {
    text.starts_with("items:") || memchr::memmem::find(text.as_bytes(), b"\nitems:").is_some()
}

/// Whether the text has no directive or document end marker, which would make the skeleton or a
/// piece read differently from the whole.
fn no_stream_markers(text: &str) -> bool {
    !text.starts_with(['%', '.']) && !text.contains("\n%") && !text.contains("\n...")
}

/// The block sequence after a root `items` line, as its lines show it.
struct Sequence {
    /// The line number and offset of each entry.
    entries: Vec<(usize, usize)>,
    /// The entries' indentation.
    indent: usize,
    /// Where the sequence ends: at the first line written at the root that is not one of its
    /// entries, or at the end of the text.
    end: usize,
}

/// The sequence that follows the `items` line; `None` when the lines do not have that shape.
fn entries_after<'t>(text_len: usize, lines: impl Iterator<Item = (usize, usize, &'t str)>) -> Option<Sequence> {
    let mut entries = Vec::new();
    let mut indent: Option<usize> = None;
    for (line, offset, content) in lines {
        let body = content.trim_start_matches(' ');
        let depth = content.len() - body.len();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        if body.starts_with('\t') {
            return None;
        }
        let entry = body.strip_prefix('-').is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']));
        match indent {
            _ if entry && indent.is_none_or(|indent| indent == depth) => {
                indent = Some(depth);
                entries.push((line, offset));
            }
            Some(indent) if depth > indent => {}
            Some(indent) if depth == 0 => return Some(Sequence { entries, indent, end: offset }),
            _ => return None,
        }
    }
    Some(Sequence { entries, indent: indent?, end: text_len })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::split_documents_at;

    fn pieces(text: &str) -> Option<ListPieces<'_>> {
        let chunk = split_documents_at(text, crate::load::FILE_START).into_iter().next()?;
        ListPieces::of(&chunk)
    }

    #[test]
    fn a_block_list_is_cut_before_each_entry() {
        let text =
            "apiVersion: v1\nkind: List\nitems:\n# first\n- a: 1\n  b: |\n    x\n\n-   c: 2\n-\n  - d\nmetadata: {}\n";
        let list = pieces(text).expect("cut");
        let texts: Vec<&str> = list.items.iter().map(|(text, _)| *text).collect();
        assert_eq!(texts, ["- a: 1\n  b: |\n    x\n\n", "-   c: 2\n", "-\n  - d\n"]);
        assert_eq!(list.items[1].1, Pos { line: 9, column: 1, offset: 62 });
        assert_eq!(list.skeleton, "apiVersion: v1\nkind: List\nitems:\n# first\nmetadata: {}\n");
    }

    #[test]
    fn indented_entries_are_cut_at_their_indentation() {
        let text = "kind: List\nitems:\n  - a: 1\n    b:\n    - c\n  - d\n";
        let texts: Vec<&str> = pieces(text).expect("cut").items.iter().map(|(text, _)| *text).collect();
        assert_eq!(texts, ["  - a: 1\n    b:\n    - c\n  ", "  - d\n"]);
    }

    #[test]
    fn lists_of_other_shapes_are_not_cut() {
        for text in [
            "kind: List\nitems: []\n",
            "kind: List\nitems: &all\n- a\n",
            "kind: List\nitems:\n",
            "kind: List\nitems:\n  - a\n - b\n",
            "kind: List\nitems:\n  - a\n  b: c\n",
            "kind: List\nitems:\n- a\nitems:\n- b\n",
            "%YAML 1.1\n---\nkind: List\nitems:\n- a\n",
            "kind: List\nitems:\n- a\n...\n",
            "kind: List\nitems:\n\t- a\n",
            "{\"kind\": \"List\", \"items\": [1]}",
        ] {
            assert!(pieces(text).is_none(), "{text:?}");
        }
    }

    /// The items as read in pieces, when every check passes.
    fn read_in_pieces(text: &str, limits: Limits) -> Option<Vec<(Value, PosNode)>> {
        let list = pieces(text)?;
        let skeleton = list.read_skeleton(limits)?;
        let items: Vec<PieceItem> = (0..list.len()).map(|i| list.read_item(i, limits)).collect::<Option<_>>()?;
        ListPieces::within(skeleton, items.iter().map(|item| item.nodes), limits)
            .then(|| items.into_iter().map(|item| (item.value, item.positions)).collect())
    }

    /// The items as read whole, item by item, when the document reads as a list.
    fn read_whole(text: &str, limits: Limits) -> Option<Vec<(Value, PosNode)>> {
        let chunk = split_documents_at(text, crate::load::FILE_START).into_iter().next()?;
        let mut items = Vec::new();
        let read =
            crate::load::read_chunk_items(0, chunk, limits, &mut |item| items.push((item.value, item.positions)));
        matches!(read, crate::load::ListRead::Items { .. }).then_some(items)
    }

    /// Reading in pieces gives what reading whole gives, or nothing; `cut` says which is expected.
    fn check(text: &str, limits: Limits, cut: bool) {
        let in_pieces = read_in_pieces(text, limits);
        assert_eq!(in_pieces.is_some(), cut, "{text}");
        if let Some(items) = in_pieces {
            assert_eq!(Some(items), read_whole(text, limits), "{text}");
        }
    }

    const LIST: &str = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: web  # a comment\n    annotations: {a: \"x, y\", b: 'it''s'}\n  spec:\n    template:\n      spec:\n        containers:\n        - name: web\n          image: nginx:1.27\n          args: [\"--a\",\n            \"--b\"]\n          command:\n          - sh\n          - -c\n          - |\n            echo a\n            - not an item\n# between\n-   apiVersion: batch/v1\n    kind: CronJob\n    metadata: {name: nightly}\n    spec:\n      schedule: 0 * * * *\n      note: \"two\n        lines\"\n- - a nested list\n  - b\n- 42\nmetadata:\n  resourceVersion: \"\"\n";

    #[test]
    fn items_read_in_pieces_are_those_read_whole() {
        check(LIST, Limits::default(), true);
        let indented = LIST.replace("\n- ", "\n  - ").replace("\n-   ", "\n  -   ");
        check(&indented.replace("\n  ", "\n    ").replace("\n    - ", "\n  - "), Limits::default(), true);
        let kind_last =
            "apiVersion: v1\nitems:\n- {kind: Pod, apiVersion: v1, metadata: {name: p}}\n- b\nkind: PodList\n";
        check(kind_last, Limits::default(), true);
    }

    #[test]
    fn what_pieces_cannot_tell_on_their_own_makes_the_list_read_whole() {
        let anchored = "kind: List\nitems:\n- &a {x: 1}\n- *a\n";
        let anchored_within = "kind: List\nitems:\n- a: &a {x: 1}\n  b: *a\n- c\n";
        let quoted_across = "kind: List\nitems:\n- a: \"x\n- y\"\n- b\n";
        let not_a_list = "kind: Deployment\nitems:\n- a\n";
        let items_twice = "kind: List\n\"items\": [a]\nitems:\n- b\n";
        let tagged = "%TAG !e! tag:example.com,2000:\n---\nkind: List\nitems:\n- !e!x a\n";
        for text in [anchored, anchored_within, quoted_across, not_a_list, items_twice, tagged] {
            check(text, Limits::default(), false);
        }
    }

    #[test]
    fn limits_are_those_of_the_whole_list() {
        let whole = tree::read_piece(LIST, crate::load::FILE_START, Limits::default(), 0);
        let list = pieces(LIST).expect("cut");
        let skeleton = list.read_skeleton(Limits::default()).expect("skeleton");
        let items: Vec<PieceItem> = (0..list.len()).filter_map(|i| list.read_item(i, Limits::default())).collect();
        assert_eq!(skeleton + items.iter().map(|item| item.nodes).sum::<usize>(), whole.nodes);
        check(LIST, Limits { max_nodes: whole.nodes }, true);
        check(LIST, Limits { max_nodes: whole.nodes - 1 }, false);
        // Nesting counts the list's own levels: an item as deep as the whole list allows is read,
        // one level more is refused either way.
        for depth in [tree::MAX_DEPTH - 1, tree::MAX_DEPTH] {
            let deep = format!("kind: List\nitems:\n- {}{}\n", "[".repeat(depth), "]".repeat(depth));
            let cut = read_whole(&deep, Limits::default()).is_some();
            assert_eq!(cut, depth == tree::MAX_DEPTH - 1);
            check(&deep, Limits::default(), cut);
        }
    }

    /// Every document of the rule fixtures and examples, made the items of a list (written at the
    /// root and indented, and twice so that an item ends at another item): whenever such a list
    /// is read in pieces, it reads as whole.
    #[test]
    fn fixture_documents_as_list_items_read_in_pieces_as_whole() {
        let (mut lists, mut cut) = (0, 0);
        for (_, text) in crate::engine::evaluate::tests::fixture_texts() {
            for chunk in split_documents_at(&text, crate::load::FILE_START) {
                let lines: Vec<&str> = chunk.text.lines().collect();
                if lines.first().is_none_or(|line| line.starts_with([' ', '-', '{', '['])) {
                    continue;
                }
                for indent in ["", "  "] {
                    let item = |first: &str| {
                        let rest = lines.iter().skip(1).map(|line| format!("{indent}  {line}\n"));
                        format!("{indent}- {first}\n{}", rest.collect::<String>())
                    };
                    let list = format!("kind: List\nitems:\n{}{}apiVersion: v1\n", item(lines[0]), item(lines[0]));
                    lists += 1;
                    if read_in_pieces(&list, Limits::default()).is_some() {
                        cut += 1;
                        check(&list, Limits::default(), true);
                    }
                }
            }
        }
        assert!(lists > 500 && cut * 10 > lists * 9, "{cut} of {lists} lists read in pieces");
    }
}
