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
    let mut offset = 0usize;
    for (line, raw) in (base.line..).zip(lines_inclusive(text)) {
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
    let (mut offset, mut seen) = (0usize, 0usize);
    for (line, raw) in (1u32..).zip(lines_inclusive(text)) {
        if is_separator(raw.trim_end_matches(['\r', '\n'])) {
            if seen >= separators.max(1) {
                blocks.push((start.1, &text[start.0..offset]));
                start = (offset, Pos { line, column: 1, offset: offset as u32 });
                seen = 0;
            }
            seen += 1;
        }
        offset += raw.len();
    }
    blocks.push((start.1, &text[start.0..]));
    blocks
}

/// `text.split_inclusive('\n')`, found with memchr: every file is split this way, line by line.
fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> {
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1);
    let ends = ends.chain((!text.ends_with('\n') && !text.is_empty()).then_some(text.len()));
    ends.scan(0, move |start, end| {
        let line = text.get(*start..end);
        *start = end;
        line
    })
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

    #[test]
    fn lines_are_split_as_split_inclusive_splits_them() {
        for text in ["", "\n", "a", "a\n", "a\nb", "a\r\nb\r\n", "\n\n---\n", "é\nü\n\nx"] {
            let ours: Vec<&str> = lines_inclusive(text).collect();
            let std: Vec<&str> = text.split_inclusive('\n').collect();
            assert_eq!(ours, std, "{text:?}");
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
