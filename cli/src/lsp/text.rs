//! An open document's text and the conversion between its byte offsets (what core's spans carry)
//! and protocol positions (a line and a character offset in the negotiated encoding).
//!
//! Lines end at `\n`, `\r\n` or a lone `\r`, as the protocol counts them. A byte order mark is an
//! ordinary character here: the client's text holds it, so its positions count it. Edits arrive as
//! ranges in the negotiated encoding; [`Text::apply`] turns each into a byte range and splices it.
//! The line table is rebuilt after each edit (one pass over the text, no cache kept across edits).

use lsp_types::{Position, Range};

/// How the client counts characters within a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// The width of `ch` in this encoding's units.
    fn width(self, ch: char) -> u32 {
        match self {
            Encoding::Utf8 => ch.len_utf8() as u32,
            Encoding::Utf16 => ch.len_utf16() as u32,
        }
    }
}

/// A document's text with the byte offset at which each line starts.
#[derive(Debug, Clone)]
pub struct Text {
    text: String,
    line_starts: Vec<usize>,
}

impl Text {
    pub fn new(text: String) -> Self {
        let line_starts = line_starts(&text);
        Text { text, line_starts }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The protocol position of a byte offset (clamped to the text; an offset inside a character
    /// counts as that character's start).
    pub fn position(&self, offset: usize, encoding: Encoding) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset).saturating_sub(1);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let character = self.text.get(start..).unwrap_or("").char_indices().take_while(|(at, _)| start + at < offset);
        let character = character.map(|(_, ch)| encoding.width(ch)).sum();
        Position { line: line as u32, character }
    }

    pub fn range(&self, start: usize, end: usize, encoding: Encoding) -> Range {
        Range { start: self.position(start, encoding), end: self.position(end, encoding) }
    }

    /// The byte offset of a protocol position. A character past the line's end means the line's
    /// end (before its line break), a line past the text's end the text's end, as the protocol says.
    pub fn offset(&self, position: Position, encoding: Encoding) -> usize {
        let Some(&start) = self.line_starts.get(position.line as usize) else { return self.text.len() };
        let line = self.line_text(position.line as usize);
        let mut units = 0;
        for (at, ch) in line.char_indices() {
            if units >= position.character {
                return start + at;
            }
            units += encoding.width(ch);
        }
        start + line.len()
    }

    /// Line `line`'s text without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line) else { return "" };
        let end = self.line_starts.get(line + 1).copied().unwrap_or(self.text.len());
        self.text.get(start..end).unwrap_or("").trim_end_matches(['\n', '\r'])
    }

    /// The byte offset at which line `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line).copied().unwrap_or(self.text.len())
    }

    /// The line break the text uses (the first one's), `\n` when there is none.
    pub fn line_break(&self) -> &'static str {
        match self.text.find(['\n', '\r']) {
            Some(at) if self.text[at..].starts_with("\r\n") => "\r\n",
            Some(at) if self.text[at..].starts_with('\r') => "\r",
            _ => "\n",
        }
    }

    /// Replaces `range` (or, without one, the whole text) with `new_text`.
    pub fn apply(&mut self, range: Option<Range>, new_text: &str, encoding: Encoding) {
        match range {
            Some(range) => {
                let start = self.offset(range.start, encoding);
                let end = self.offset(range.end, encoding).max(start);
                self.text.replace_range(start..end, new_text);
            }
            None => self.text = new_text.to_string(),
        }
        self.line_starts = line_starts(&self.text);
    }
}

/// Byte offsets at which lines start: 0, and after each `\n`, `\r\n` or lone `\r`.
fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (at, &byte) in bytes.iter().enumerate() {
        let ends_line = byte == b'\n' || (byte == b'\r' && bytes.get(at + 1) != Some(&b'\n'));
        if ends_line {
            starts.push(at + 1);
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn columns_count_the_negotiated_units() {
        let text = Text::new("a: é\nb: 😀x\n".to_string());
        let x = text.as_str().find('x').unwrap();
        assert_eq!(text.position(x, Encoding::Utf16), pos(1, 5));
        assert_eq!(text.position(x, Encoding::Utf8), pos(1, 7));
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            assert_eq!(text.offset(text.position(x, encoding), encoding), x);
        }
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        let text = Text::new("a: 1\r\nb: 2\rc: 3\n".to_string());
        let c = text.as_str().find('c').unwrap();
        assert_eq!(text.position(c, Encoding::Utf16), pos(2, 0));
        assert_eq!(text.line_text(0), "a: 1");
        assert_eq!(text.line_break(), "\r\n");
        // A position past a line's end stays before its line break.
        assert_eq!(text.offset(pos(0, 99), Encoding::Utf16), 4);
    }

    #[test]
    fn a_byte_order_mark_is_a_character() {
        let text = Text::new("\u{feff}kind: Pod".to_string());
        assert_eq!(text.position(3, Encoding::Utf16), pos(0, 1));
        assert_eq!(text.position(3, Encoding::Utf8), pos(0, 3));
    }

    #[test]
    fn incremental_edits_splice_by_position() {
        let mut text = Text::new("a: é\nb: 2\n".to_string());
        text.apply(Some(Range { start: pos(0, 3), end: pos(0, 4) }), "😀", Encoding::Utf16);
        assert_eq!(text.as_str(), "a: 😀\nb: 2\n");
        text.apply(Some(Range { start: pos(1, 3), end: pos(1, 4) }), "3\nc: 4", Encoding::Utf16);
        assert_eq!(text.as_str(), "a: 😀\nb: 3\nc: 4\n");
        assert_eq!(text.position(text.as_str().find('c').unwrap(), Encoding::Utf16), pos(2, 0));
        text.apply(None, "x", Encoding::Utf16);
        assert_eq!(text.as_str(), "x");
    }
}
