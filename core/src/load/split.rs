//! Splitting a YAML stream into documents as kubectl's reader does: a line that is exactly `---`,
//! or starts with `--- `, ends one document and starts the next (the rest of that line is not part
//! of either). Splitting first keeps one broken document from hiding the others, and gives each
//! document the Helm `# Source:` comment that precedes its content.

use super::FILE_START;
use crate::load::position::{Pos, Span};

/// One document's text and where it starts in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk<'t> {
    pub text: &'t str,
    pub start: Pos,
    /// `mychart/templates/deployment.yaml` from a `# Source: …` line before the content.
    pub template: Option<&'t str>,
    /// Text after `--- ` on the separator line that opened this chunk, which kubectl does not read.
    pub ignored_separator_content: Option<Span>,
    /// Whether any line holds more than blanks or a comment. kubectl reads every such chunk as a
    /// document (an empty one as `null`); a chunk without content is kept only for its separator.
    pub has_content: bool,
}

/// Splits `text` at separator lines. A byte order mark stays with the first chunk (the YAML parser
/// skips it there), so `\u{feff}---` is not a separator line, as for kubectl.
pub fn split_documents(text: &str) -> Vec<Chunk<'_>> {
    split_documents_at(text, FILE_START)
}

/// Like `split_documents` (the whole text) for a part of a file that starts at `base` (the file's start, or a
/// separator line: see [`blocks`]); positions come out file-relative.
pub fn split_documents_at(text: &str, base: Pos) -> Vec<Chunk<'_>> {
    let mut chunks = Vec::new();
    // Where the current chunk starts in `text`, and in the file.
    let mut start = (0usize, base);
    let mut ignored = None;
    let mut lines = LineCounter { line: base.line, counted: 0 };
    for (offset, content, next) in separator_lines(text) {
        let line = lines.line_at(text, offset);
        chunks.push(make_chunk(&text[start.0..offset], start.1, ignored));
        ignored = separator_content(content, line, base.offset as usize + offset);
        start = (next, Pos { line: line + 1, column: 1, offset: (base.offset as usize + next) as u32 });
    }
    chunks.push(make_chunk(&text[start.0..], start.1, ignored));
    chunks.retain(|chunk| chunk.has_content || chunk.ignored_separator_content.is_some());
    chunks
}

/// The separator lines of `text`: where each starts, its text without the line break, and where
/// the line after it starts. Every file is split, some of them long: only the places where `---`
/// is written are looked at, not every line.
fn separator_lines(text: &str) -> impl Iterator<Item = (usize, &str, usize)> + '_ {
    let bytes = text.as_bytes();
    // A separator starts the text or follows a line break.
    let first = bytes.starts_with(b"---").then_some(0);
    let after_breaks = memchr::memmem::find_iter(bytes, b"\n---").map(|at| at + 1);
    first.into_iter().chain(after_breaks).filter_map(move |at| {
        let line_break = bytes.get(at..).and_then(|rest| memchr::memchr(b'\n', rest));
        let next = line_break.map_or(text.len(), |end| at + end + 1);
        let content = text[at..next].trim_end_matches(['\r', '\n']);
        is_separator(content).then_some((at, content, next))
    })
}

/// The line breaks in `bytes`, counted a block of 64 at a time (which the compiler vectorises).
fn line_breaks(bytes: &[u8]) -> usize {
    let blocks = bytes.chunks_exact(64);
    let rest = blocks.remainder();
    let in_block = |block: &[u8]| block.iter().map(|&b| usize::from(b == b'\n')).sum::<usize>();
    blocks.map(in_block).sum::<usize>() + in_block(rest)
}

/// Line numbers of offsets met in increasing order, counting line breaks from the last one only.
struct LineCounter {
    /// The line of offset `counted`.
    line: u32,
    counted: usize,
}

impl LineCounter {
    fn line_at(&mut self, text: &str, offset: usize) -> u32 {
        self.line += line_breaks(text.as_bytes().get(self.counted..offset).unwrap_or_default()) as u32;
        self.counted = offset;
        self.line
    }
}

/// Whether a line (without its line break) separates documents, as for kubectl.
pub fn is_separator(line: &str) -> bool {
    line == "---" || line.starts_with("--- ")
}

/// Cuts `text` into consecutive blocks of about `separators` document separators each, every block
/// but the first starting at a separator line, so that [`split_documents_at`] reads each block's
/// documents as they are read in the whole text. Each block comes with where it
/// starts in the file.
pub fn blocks(text: &str, separators: usize) -> Vec<(Pos, &str)> {
    let mut blocks = Vec::new();
    let mut start = (0usize, FILE_START);
    let mut seen = 0usize;
    let mut lines = LineCounter { line: FILE_START.line, counted: 0 };
    for (offset, _, _) in separator_lines(text) {
        if seen >= separators.max(1) {
            let line = lines.line_at(text, offset);
            blocks.push((start.1, &text[start.0..offset]));
            start = (offset, Pos { line, column: 1, offset: offset as u32 });
            seen = 0;
        }
        seen += 1;
    }
    blocks.push((start.1, &text[start.0..]));
    blocks
}

fn make_chunk(text: &str, start: Pos, ignored_separator_content: Option<Span>) -> Chunk<'_> {
    Chunk { text, start, template: helm_source(text), ignored_separator_content, has_content: has_content(text) }
}

/// The span of anything but a comment after `--- ` on a separator line.
fn separator_content(line_text: &str, line: u32, line_offset: usize) -> Option<Span> {
    let rest = &line_text[3..];
    let trimmed = rest.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    let skipped = 3 + rest.len() - trimmed.len();
    let column = line_text[..skipped].chars().count() as u32 + 1;
    let at = |extra: usize, col: u32| Pos { line, column: col, offset: (line_offset + extra) as u32 };
    let end_column = column + trimmed.trim_end().chars().count() as u32;
    Some(Span { start: at(skipped, column), end: at(skipped + trimmed.trim_end().len(), end_column) })
}

/// A chunk that holds only blank lines and comments is no document (kubectl skips it). A byte order
/// mark counts as content, as for kubectl (Go's `TrimSpace` keeps it): such a chunk reads as `null`.
fn has_content(text: &str) -> bool {
    text.lines().any(|line| {
        let trimmed = line.trim();
        !trimmed.is_empty() && !trimmed.starts_with('#')
    })
}

/// Helm writes `# Source: <chart>/templates/<file>` above each rendered document.
fn helm_source(text: &str) -> Option<&str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines()
        .map(str::trim)
        .take_while(|line| line.is_empty() || line.starts_with('#'))
        .find_map(|line| line.strip_prefix("# Source:"))
        .map(str::trim)
        .filter(|source| !source.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain way to split: every line looked at, one after the other.
    fn split_line_by_line(text: &str, base: Pos) -> Vec<Chunk<'_>> {
        let mut chunks = Vec::new();
        let mut start = (0usize, base);
        let mut ignored = None;
        let mut offset = 0usize;
        for (line, raw) in (base.line..).zip(text.split_inclusive('\n')) {
            let content = raw.trim_end_matches(['\r', '\n']);
            if is_separator(content) {
                chunks.push(make_chunk(&text[start.0..offset], start.1, ignored));
                ignored = separator_content(content, line, base.offset as usize + offset);
                let next = offset + raw.len();
                start = (next, Pos { line: line + 1, column: 1, offset: (base.offset as usize + next) as u32 });
            }
            offset += raw.len();
        }
        chunks.push(make_chunk(&text[start.0..], start.1, ignored));
        chunks.retain(|chunk| chunk.has_content || chunk.ignored_separator_content.is_some());
        chunks
    }

    /// Texts of lines that are, nearly are, or hold separators, in every order (a small
    /// deterministic generator: no seed to keep).
    fn separator_texts() -> impl Iterator<Item = String> {
        const PIECES: [&str; 16] = [
            "---",
            "--- x",
            "--- # c",
            "----",
            "-- -",
            " ---",
            "\n",
            "\r\n",
            "\r",
            "a: 1",
            "# c",
            "# Source: c/t.yaml",
            "\u{feff}",
            "k: ---",
            "é",
            "--- ",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        (0..20_000).map(move |_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut pick = state;
            let mut text = String::new();
            for _ in 0..(pick % 24) {
                pick = pick.rotate_right(5).wrapping_mul(0x9e37_79b9_7f4a_7c15);
                text.push_str(PIECES[(pick >> 60) as usize]);
            }
            text
        })
    }

    #[test]
    fn splitting_at_separator_candidates_finds_what_reading_every_line_finds() {
        let base = Pos { line: 7, column: 1, offset: 120 };
        let mut separators = 0;
        for text in separator_texts() {
            assert_eq!(split_documents_at(&text, base), split_line_by_line(&text, base), "{text:?}");
            assert_eq!(split_documents(&text), split_line_by_line(&text, FILE_START), "{text:?}");
            separators += split_documents(&text).iter().filter(|c| c.start != FILE_START).count();
        }
        // The generated texts do hold separators (the comparison is not between empty results).
        assert!(separators > 5_000, "{separators}");
    }

    #[test]
    fn blocks_of_generated_texts_read_as_the_whole_text() {
        for text in separator_texts().take(2_000) {
            let whole = split_documents(&text);
            for size in 1..4 {
                let parts = blocks(&text, size);
                assert_eq!(parts.iter().map(|(_, t)| *t).collect::<String>(), text);
                let read: Vec<Chunk<'_>> = parts.iter().flat_map(|(base, t)| split_documents_at(t, *base)).collect();
                assert_eq!(read, whole, "blocks of {size}: {text:?}");
            }
        }
    }

    #[test]
    fn documents_read_block_by_block_are_those_of_the_whole_text() {
        let text = "\u{feff}a: 1\n---\n# Source: c/templates/x.yaml\nb: 2\n--- junk\nc: 3\n\n---\n---\n# only\n---\nd: [\n---\ne: 5";
        let whole = split_documents(text);
        for size in 1..6 {
            let parts = blocks(text, size);
            assert_eq!(parts.iter().map(|(_, t)| *t).collect::<String>(), text);
            let read: Vec<Chunk<'_>> = parts.iter().flat_map(|(base, t)| split_documents_at(t, *base)).collect();
            assert_eq!(read, whole, "blocks of {size}");
        }
    }
}
