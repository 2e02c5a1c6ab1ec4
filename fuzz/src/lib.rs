//! What the fuzz targets share: turning fuzzer bytes into text, a linter built once per process,
//! and the invariants every located result must keep (a span lies inside the text it names, on
//! character boundaries, with its line and column where its offset is).

use plimsoll_core::load::position::{Path, PathSegment, Span};
use plimsoll_core::{Document, Linter, Worker};
use serde_json::Value;
use std::cell::RefCell;
use std::sync::OnceLock;

/// Fuzzer bytes as text. Invalid UTF-8 is replaced rather than skipped, as the CLI's reader would
/// refuse it before core sees it, and replacing keeps every input useful to the target.
pub fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// The default linter (the whole built-in catalog), built on first use.
pub fn default_linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| match Linter::builder().build() {
        Ok(linter) => linter,
        Err(error) => panic!("the default linter does not build: {error}"),
    })
}

thread_local! {
    static WORKER: RefCell<Option<Worker>> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's worker of the default linter.
pub fn with_default_worker<T>(f: impl FnOnce(&mut Worker) -> T) -> T {
    WORKER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let worker = slot.get_or_insert_with(|| default_linter().worker());
        f(worker)
    })
}

/// Asserts that `span` lies in `text`: offsets in order, in bounds and on character boundaries,
/// lines and columns 1-based and no further than the text goes.
pub fn assert_span_inside(text: &str, span: &Span, what: &str) {
    if !span_inside(text, line_count(text), span) {
        check_span(text, span, what);
    }
}

/// Lines of `text`, counting each line break character (so `\r\n` twice: an upper bound).
fn line_count(text: &str) -> usize {
    1 + text.bytes().filter(|&b| b == b'\n' || b == b'\r').count()
}

/// [`assert_span_inside`] for many spans of one text: the message is only made for a failure.
fn span_inside(text: &str, lines: usize, span: &Span) -> bool {
    let (start, end) = (span.start.offset as usize, span.end.offset as usize);
    start <= end
        && end <= text.len()
        && text.is_char_boundary(start)
        && text.is_char_boundary(end)
        && [span.start, span.end].iter().all(|p| p.line >= 1 && p.column >= 1)
        && span.end.line as usize <= lines
}

fn check_span(text: &str, span: &Span, what: &str) {
    let (start, end) = (span.start.offset as usize, span.end.offset as usize);
    assert!(start <= end, "{what}: span starts after it ends: {span:?}");
    assert!(end <= text.len(), "{what}: span ends past the text ({} bytes): {span:?}", text.len());
    assert!(text.is_char_boundary(start) && text.is_char_boundary(end), "{what}: span splits a character: {span:?}");
    for pos in [span.start, span.end] {
        assert!(pos.line >= 1 && pos.column >= 1, "{what}: line and column are 1-based: {span:?}");
    }
    let lines = line_count(text);
    assert!(span.end.line as usize <= lines, "{what}: span ends on line {} of {lines}: {span:?}", span.end.line);
}

/// Most paths of one document whose location is checked: enough to reach every kind of node, few
/// enough that a large document does not turn every execution into a slow one.
const MAX_PATHS: usize = 2_000;

/// Locates every field of `document` (up to [`MAX_PATHS`]) and checks each location lies in `text`.
pub fn assert_every_path_inside(text: &str, document: &Document) {
    let lines = line_count(text);
    let mut pending = vec![(Path::new(Vec::new()), &document.value)];
    let mut checked = 0;
    while let Some((path, value)) = pending.pop() {
        let located = document.locate(&path);
        if !span_inside(text, lines, &located.span) {
            check_span(text, &located.span, &format!("path {path} of document {}", document.index));
        }
        checked += 1;
        if checked >= MAX_PATHS {
            return;
        }
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let mut segments = path.segments().to_vec();
                    segments.push(PathSegment::Key(key.clone()));
                    pending.push((Path::new(segments), child));
                }
                // A key that is not there is located at its nearest ancestor.
                let mut missing = path.clone();
                missing.push_key("\u{0}not-a-field");
                let span = document.locate(&missing).span;
                if !span_inside(text, lines, &span) {
                    check_span(text, &span, &format!("missing field {missing}"));
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    let mut item = path.clone();
                    item.push_index(index);
                    pending.push((item, child));
                }
            }
            _ => {}
        }
    }
}
