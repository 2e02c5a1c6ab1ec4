//! The lint report as JavaScript receives it: the normative JSON report (docs/report-format.md) plus what an
//! editor needs to highlight a finding without re-scanning the text.
//!
//! Core positions are 1-based lines, 1-based columns counting characters, and byte offsets into
//! the UTF-8 text. JavaScript strings index UTF-16 code units, so each position also carries
//! `utf16Offset` (index into the JS string) and `utf16Column` (1-based, code units from the start
//! of the line). They are computed here, in one pass over the text for all findings.

use plimsoll_core::{Finding, ObjectRef, Pos, Report, Severity, Summary};
use serde::Serialize;
use std::collections::HashMap;

/// The object `lint()` returns (TypeScript: `LintReport`).
#[derive(Debug, Serialize)]
pub struct JsReport<'a> {
    pub version: u32,
    pub findings: Vec<JsFinding<'a>>,
    pub summary: Summary,
    /// Whether a finding is at or above the configured `failOn` severity (the CLI's exit code 1).
    pub failed: bool,
}

/// One finding (TypeScript: `Finding`): the JSON report's members, then `document` and `span`.
#[derive(Debug, Serialize)]
pub struct JsFinding<'a> {
    pub rule: &'a str,
    pub severity: Severity,
    pub message: &'a str,
    pub file: &'a str,
    pub line: u32,
    pub column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<&'a ObjectRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<&'a str>,
    /// Index of the YAML document within the text.
    pub document: usize,
    pub span: JsSpan,
}

/// The offending text, start inclusive, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct JsSpan {
    pub start: JsPos,
    pub end: JsPos,
}

/// A position in both encodings (TypeScript: `Position`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsPos {
    pub line: u32,
    /// 1-based, in characters (Unicode scalar values), as the CLI reports it.
    pub column: u32,
    /// 0-based, in UTF-8 bytes.
    pub offset: u32,
    /// 0-based, in UTF-16 code units: `text.slice(start.utf16Offset, end.utf16Offset)`.
    pub utf16_offset: u32,
    /// 1-based, in UTF-16 code units.
    pub utf16_column: u32,
}

impl<'a> JsReport<'a> {
    /// The report for `text`, failing at `fail_on` (`None`: never).
    pub fn new(report: &'a Report, text: &str, fail_on: Option<Severity>) -> Self {
        let offsets = report.findings.iter().flat_map(|f| [f.span.start.offset, f.span.end.offset]);
        let utf16 = Utf16Index::new(text, offsets);
        let failed = match (fail_on, report.max_severity()) {
            (Some(threshold), Some(worst)) => worst >= threshold,
            _ => false,
        };
        JsReport {
            version: 1,
            findings: report.findings.iter().map(|f| JsFinding::new(f, &utf16)).collect(),
            summary: report.summary,
            failed,
        }
    }
}

impl<'a> JsFinding<'a> {
    fn new(finding: &'a Finding, utf16: &Utf16Index) -> Self {
        JsFinding {
            rule: &finding.rule,
            severity: finding.severity,
            message: &finding.message,
            file: &finding.file,
            line: finding.line(),
            column: finding.column(),
            path: finding.path.as_ref().map(ToString::to_string),
            object: finding.object.as_ref(),
            template: finding.template.as_deref(),
            document: finding.document,
            span: JsSpan { start: utf16.pos(finding.span.start), end: utf16.pos(finding.span.end) },
        }
    }
}

/// UTF-16 offset and column of a set of byte offsets of one text.
struct Utf16Index {
    /// Byte offset → (UTF-16 offset, UTF-16 column). Empty for ASCII text, where both encodings
    /// agree with core's offsets and columns.
    table: HashMap<u32, (u32, u32)>,
}

impl Utf16Index {
    fn new(text: &str, offsets: impl Iterator<Item = u32>) -> Self {
        if text.is_ascii() {
            return Utf16Index { table: HashMap::new() };
        }
        let mut wanted: Vec<u32> = offsets.collect();
        wanted.sort_unstable();
        wanted.dedup();
        Utf16Index { table: walk(text, &wanted) }
    }

    fn pos(&self, pos: Pos) -> JsPos {
        let (utf16_offset, utf16_column) = self.table.get(&pos.offset).copied().unwrap_or((pos.offset, pos.column));
        JsPos { line: pos.line, column: pos.column, offset: pos.offset, utf16_offset, utf16_column }
    }
}

/// One pass over the text, counting UTF-16 units up to each wanted (sorted) byte offset. An offset
/// inside a character counts as that character's end; one past the text as the text's end. As in
/// core, a byte order mark is zero-width for columns (but it is part of a JS string's offsets).
fn walk(text: &str, wanted: &[u32]) -> HashMap<u32, (u32, u32)> {
    let mut table = HashMap::with_capacity(wanted.len());
    let mut pending = wanted.iter().copied().peekable();
    let (mut units, mut line_start) = (0u32, 0u32);
    for (index, ch) in text.char_indices() {
        while let Some(offset) = pending.next_if(|&offset| offset as usize <= index) {
            table.insert(offset, (units, units - line_start + 1));
        }
        if pending.peek().is_none() {
            break;
        }
        units += ch.len_utf16() as u32;
        if ch == '\n' || (index == 0 && ch == '\u{feff}') {
            line_start = units;
        }
    }
    for offset in pending {
        table.insert(offset, (units, units - line_start + 1));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, offset: usize) -> (u32, u32) {
        walk(text, &[offset as u32]).get(&(offset as u32)).copied().unwrap_or_default()
    }

    #[test]
    fn counts_utf16_units_and_columns() {
        let text = "a: é\nb: 😀x\n";
        // `x` is at byte 13 (😀 is 4 bytes), UTF-16 offset 10 (😀 is 2 units), column 6 in units.
        let x = text.find('x').unwrap_or_default();
        assert_eq!(at(text, x), (10, 6));
        let b = text.find('b').unwrap_or_default();
        assert_eq!(at(text, b), (5, 1));
        assert_eq!(at(text, text.len()), (12, 1));
    }

    #[test]
    fn byte_order_mark_shifts_offsets_not_columns() {
        let text = "\u{feff}kind: é";
        assert_eq!(at(text, 3), (1, 1));
        let e = text.find('é').unwrap_or_default();
        assert_eq!(at(text, e), (7, 7));
    }

    #[test]
    fn ascii_text_needs_no_table() {
        let index = Utf16Index::new("a: b\n", [3u32].into_iter());
        let pos = Pos { line: 1, column: 4, offset: 3 };
        assert_eq!(index.pos(pos), JsPos { line: 1, column: 4, offset: 3, utf16_offset: 3, utf16_column: 4 });
    }
}
