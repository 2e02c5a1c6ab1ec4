//! Linting part by part and writing the report as it is made, so that memory follows the work in
//! flight rather than the size of the input.
//!
//! Files (already read) are linted in groups of about [`GROUP_BYTES`], a longer file in blocks of
//! [`BLOCK_DOCUMENTS`] documents cut at its separators; standard input alone is read block by block
//! as it arrives. Each group or block is linted with its documents spread over the pool
//! ([`PartLinter`]), then its findings are written, in input order, and dropped; the pool lints
//! the next group or block meanwhile (`Ahead`), so that it does not wait for the writer. Only
//! what the end of the report needs is kept: the counts, the worst severity, and the suppressed
//! findings when they are shown. The formats that must see the whole report before writing
//! (JUnit), and the runs that need every object or finding first (Gatekeeper's inventory,
//! baselines), take the whole-report path in `commands` instead. When an enabled rule relates
//! objects, the run is summarised before its first part is linted (standard input is then read
//! whole first).

use crate::args::{Format, LintArgs};
use crate::render;
use crate::walk::{PathError, STDIN_NAME};
use plimsoll_core::linter::{Part, PartLinter};
use plimsoll_core::report::suppress::SuppressedFinding;
use plimsoll_core::report::JsonReportWriter;
use plimsoll_core::{FileReport, Linter, Pos, Report, Severity, Source, Summary};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, BufRead, Write};
use std::sync::{mpsc, Arc};

/// Files are linted in groups of about this many bytes: enough to keep the pool busy.
const GROUP_BYTES: usize = 4 << 20;
/// A file longer than [`GROUP_BYTES`], or standard input, is linted in blocks of this many documents.
const BLOCK_DOCUMENTS: usize = 256;

/// Whether the run can be written as it is linted.
pub fn streamable(args: &LintArgs, linter: &Linter) -> bool {
    // JUnit counts tests before listing them; baselines and Gatekeeper's inventory need every
    // finding or object first.
    args.format != Format::Junit
        && args.baseline.is_none()
        && args.write_baseline.is_none()
        && linter.gatekeeper_counts() == (0, 0)
}

/// What the end of the run needs: the summary, the suppressed findings (when shown) and the worst
/// severity reported.
pub struct Outcome {
    /// The report without its findings.
    pub report: Report,
    pub worst: Option<Severity>,
    pub write_error: Option<io::Error>,
}

/// Writes the report in the format asked for, part by part.
pub struct ReportStream<'a> {
    args: &'a LintArgs,
    writer: Writer,
    summary: Summary,
    suppressed: Vec<SuppressedFinding>,
    worst: Option<Severity>,
    /// The first write that failed; nothing more is written after it.
    error: Option<io::Error>,
    /// Every source's text by name, for the human format's snippets of related locations in other
    /// files (the object a cross-object finding relates to).
    sources: HashMap<&'a str, &'a str>,
}

enum Writer {
    Json(JsonReportWriter),
    Compact,
    Github,
    Human(Box<render::human::Renderer>, render::human::Style),
    Sarif(render::sarif::Stream),
}

impl<'a> ReportStream<'a> {
    /// Writes the report's opening.
    pub fn begin(
        args: &'a LintArgs,
        context: &render::Context<'_>,
        style: render::human::Style,
        out: &mut dyn Write,
    ) -> ReportStream<'a> {
        let mut error = None;
        let writer = match args.format {
            Format::Json => match JsonReportWriter::begin(out) {
                Ok(writer) => Writer::Json(writer),
                Err(e) => {
                    error = Some(e);
                    Writer::Json(JsonReportWriter::default())
                }
            },
            Format::Sarif => match render::sarif::Stream::begin(context, out) {
                Ok(stream) => Writer::Sarif(stream),
                Err(e) => {
                    error = Some(e);
                    Writer::Compact
                }
            },
            Format::Human => Writer::Human(Box::new(render::human::Renderer::new(context.rules, &style)), style),
            Format::Github => Writer::Github,
            Format::Compact | Format::Junit => Writer::Compact,
        };
        let sources = HashMap::new();
        ReportStream { args, writer, summary: Summary::default(), suppressed: Vec::new(), worst: None, error, sources }
    }

    /// The run's sources, whose texts related locations in other files are shown from.
    pub fn with_sources(mut self, sources: &'a [Source]) -> Self {
        self.sources = sources.iter().map(|s| (s.name.as_str(), s.text.as_str())).collect();
        self
    }

    /// Writes the findings of one part of a source; `first_part` counts the source.
    pub fn part(&mut self, part: FileReport, first_part: bool, text: &str, out: &mut dyn Write) {
        let name = part.file.clone();
        let mut report = Report::from_files(vec![part]);
        self.summary.files += usize::from(first_part);
        self.summary.documents += report.summary.documents;
        self.summary.errors += report.summary.errors;
        self.summary.warnings += report.summary.warnings;
        self.summary.infos += report.summary.infos;
        self.summary.findings += report.summary.findings;
        self.summary.suppressed += report.summary.suppressed;
        self.worst = self.worst.max(report.max_severity());
        if self.args.show_suppressed {
            self.suppressed.append(&mut report.suppressed);
        }
        if self.error.is_some() {
            return;
        }
        let findings = &report.findings;
        let written = match &mut self.writer {
            Writer::Json(writer) => writer.findings(findings, out),
            Writer::Compact => render::compact::render(&report, out),
            Writer::Github => render::github::render_findings(findings, out),
            Writer::Human(renderer, _) => {
                let mut texts = HashMap::from([(&*name, text)]);
                for related in findings.iter().flat_map(|f| &f.related) {
                    if let Some(other) = self.sources.get(&*related.file) {
                        texts.insert(&*related.file, other);
                    }
                }
                renderer.findings(findings, &texts, out)
            }
            Writer::Sarif(stream) => stream.results(findings, out),
        };
        self.error = written.err();
    }

    /// Writes the end of the report: the suppressed findings if shown, and the summary.
    pub fn end(mut self, out: &mut dyn Write) -> Outcome {
        let report = Report { summary: self.summary, suppressed: self.suppressed, ..Report::default() };
        let shown = self.args.show_suppressed;
        if self.error.is_none() {
            let written = match self.writer {
                Writer::Json(writer) => writer
                    .end(&report.summary, shown.then_some(report.suppressed.as_slice()), out)
                    .and_then(|()| writeln!(out)),
                Writer::Compact if shown => render::compact::render_suppressed(&report, out),
                Writer::Compact => Ok(()),
                Writer::Github => render::github::render_suppressed(&report.suppressed, out),
                Writer::Human(_, style) => render::human::render_end(&report, &style, out),
                Writer::Sarif(mut stream) => stream.suppressed(&report.suppressed, out).and_then(|()| stream.end(out)),
            };
            self.error = written.and_then(|()| out.flush()).err();
        }
        Outcome { report, worst: self.worst, write_error: self.error }
    }
}

/// A report to write, with whether it is its source's first and the source's text (for the human
/// format's snippets).
struct Linted<'t> {
    report: FileReport,
    first_part: bool,
    text: Cow<'t, str>,
}

/// Groups and blocks linted on the pool one ahead of the writing: while this thread writes one's
/// findings (or reads standard input's next block), the pool lints the next, so that the pool
/// does not wait for the writer between them. At most two are in flight, so memory still follows
/// the work in flight.
struct Ahead<'t> {
    pending: Option<mpsc::Receiver<Vec<Linted<'t>>>>,
}

impl<'t> Ahead<'t> {
    fn new() -> Self {
        Ahead { pending: None }
    }

    /// Lints on the pool, then writes what was linted before.
    fn lint<'scope>(
        &mut self,
        scope: &rayon::Scope<'scope>,
        lint: impl FnOnce() -> Vec<Linted<'t>> + Send + 'scope,
        stream: &mut ReportStream<'_>,
        out: &mut dyn Write,
    ) where
        't: 'scope,
    {
        let (done, linted) = mpsc::sync_channel(1);
        scope.spawn(move |_| {
            // The receiver is gone only when the run is ending early.
            let _ = done.send(lint());
        });
        if let Some(before) = self.pending.replace(linted) {
            write_linted(before, stream, out);
        }
    }

    /// Writes what is still being linted, when it is.
    fn flush(&mut self, stream: &mut ReportStream<'_>, out: &mut dyn Write) {
        if let Some(before) = self.pending.take() {
            write_linted(before, stream, out);
        }
    }
}

/// Writes the reports of one group or block once it is linted.
fn write_linted(linted: mpsc::Receiver<Vec<Linted<'_>>>, stream: &mut ReportStream<'_>, out: &mut dyn Write) {
    // A lint that panicked drops its sender; the scope then carries the panic on.
    for linted in linted.recv().unwrap_or_default() {
        stream.part(linted.report, linted.first_part, &linted.text, out);
    }
}

/// Lints sources already read, writing each group's findings as soon as it is linted.
pub fn lint_sources(
    parts: &PartLinter,
    sources: &[Source],
    stream: &mut ReportStream<'_>,
    out: &mut dyn Write,
    tick: &(dyn Fn() + Sync),
) {
    rayon::in_place_scope(|scope| {
        let mut ahead = Ahead::new();
        let mut rest = sources;
        while !rest.is_empty() {
            let mut size = 0;
            let count = rest.iter().take_while(|s| {
                size += s.text.len();
                size <= GROUP_BYTES
            });
            let count = count.count().max(1);
            let (group, next) = rest.split_at(count);
            rest = next;
            if let [source] = group {
                if source.text.len() > GROUP_BYTES {
                    lint_long_source(scope, &mut ahead, parts, source, stream, out);
                    tick();
                    continue;
                }
            }
            let lint = move || {
                let reports: Vec<FileReport> = group
                    .par_iter()
                    .map(|s| {
                        let report = parts.lint_part(Part::whole(&s.name, &s.text));
                        tick();
                        report
                    })
                    .collect();
                let texts = group.iter().map(|s| Cow::Borrowed(s.text.as_str()));
                reports.into_iter().zip(texts).map(|(report, text)| Linted { report, first_part: true, text }).collect()
            };
            ahead.lint(scope, lint, stream, out);
        }
        ahead.flush(stream, out);
    });
}

/// Lints a long source block by block (a long list a few slices of items at a time), writing each
/// piece's findings as soon as it is linted.
fn lint_long_source<'t, 'scope>(
    scope: &rayon::Scope<'scope>,
    ahead: &mut Ahead<'t>,
    parts: &'scope PartLinter,
    source: &'t Source,
    stream: &mut ReportStream<'_>,
    out: &mut dyn Write,
) where
    't: 'scope,
{
    let mut first_document = 0;
    let blocks = plimsoll_core::load::blocks(&source.text, BLOCK_DOCUMENTS);
    let whole = blocks.len() == 1;
    for (i, (start, text)) in blocks.into_iter().enumerate() {
        let part = Part { name: &source.name, text, start, first_document, whole_source: whole };
        first_document += part.document_count();
        lint_block(scope, ahead, parts, part, i == 0, Cow::Borrowed(&source.text), stream, out);
    }
}

/// Lints one block of a source on the pool, ahead of the writing; a block that is one long list
/// is linted here, each of its pieces written as it comes.
#[allow(clippy::too_many_arguments)]
fn lint_block<'t, 'scope>(
    scope: &rayon::Scope<'scope>,
    ahead: &mut Ahead<'t>,
    parts: &'scope PartLinter,
    part: Part<'t>,
    first_part: bool,
    text: Cow<'t, str>,
    stream: &mut ReportStream<'_>,
    out: &mut dyn Write,
) where
    't: 'scope,
{
    if parts.reports_in_pieces(part) {
        lint_in_pieces(ahead, parts, part, first_part, &text, stream, out);
        return;
    }
    let lint = move || vec![Linted { report: parts.lint_part(part), first_part, text }];
    ahead.lint(scope, lint, stream, out);
}

/// Lints a block that is one long list on this thread, after what is linted ahead is written,
/// writing each piece of its report as it comes.
fn lint_in_pieces(
    ahead: &mut Ahead<'_>,
    parts: &PartLinter,
    part: Part<'_>,
    first_part: bool,
    text: &str,
    stream: &mut ReportStream<'_>,
    out: &mut dyn Write,
) {
    ahead.flush(stream, out);
    let mut first_piece = first_part;
    parts.lint_part_pieces(part, &mut |piece| {
        stream.part(piece, first_piece, text, out);
        first_piece = false;
    });
}

/// Reads standard input block by block as it arrives and lints each block. CustomResourceDefinitions
/// in the stream give their schemas to the blocks read after theirs (and their own). Not for the
/// human format, whose snippets need the whole text.
pub fn lint_stdin(
    linter: &Linter,
    input: &mut dyn BufRead,
    stream: &mut ReportStream<'_>,
    out: &mut dyn Write,
) -> Result<(), PathError> {
    let mut reader = BlockReader::new(input);
    if linter.uses_inventory() {
        return lint_stdin_whole(linter, &mut reader, stream, out);
    }
    let mut definitions: Vec<String> = Vec::new();
    let mut parts = Arc::new(linter.part_linter());
    let mut first_document = 0;
    let mut first_part = true;
    rayon::in_place_scope(|scope| {
        let mut ahead = Ahead::new();
        // The next block is read while the one before is linted.
        let read = loop {
            let (start, text) = match reader.next_block() {
                Ok(Some(block)) => block,
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            };
            if text.contains("CustomResourceDefinition") {
                definitions.push(text.clone());
                let definitions = definitions.iter().map(|t| (STDIN_NAME, t.as_str()));
                parts = Arc::new(linter.with_crds_from(definitions).part_linter());
            }
            let part = Part { name: STDIN_NAME, text: &text, start, first_document, whole_source: false };
            let block_first_document = first_document;
            first_document += part.document_count();
            let first = std::mem::replace(&mut first_part, false);
            if parts.reports_in_pieces(part) {
                lint_in_pieces(&mut ahead, &parts, part, first, &text, stream, out);
                continue;
            }
            let parts = Arc::clone(&parts);
            let lint = move || {
                let part = Part {
                    name: STDIN_NAME,
                    text: &text,
                    start,
                    first_document: block_first_document,
                    whole_source: false,
                };
                let report = parts.lint_part(part);
                vec![Linted { report, first_part: first, text: Cow::Owned(text) }]
            };
            ahead.lint(scope, lint, stream, out);
        };
        // What was read before an unreadable block is reported, as it would have been alone.
        ahead.flush(stream, out);
        read
    })
}

/// Reads all of standard input, then lints it block by block as one run: rules that relate
/// objects need every object's summary before the first block is linted. The blocks are kept as
/// read, each its own text: one text of the whole input would grow by doubling, and hold up to
/// three times the input while it grows.
fn lint_stdin_whole(
    linter: &Linter,
    reader: &mut BlockReader<'_>,
    stream: &mut ReportStream<'_>,
    out: &mut dyn Write,
) -> Result<(), PathError> {
    let mut blocks: Vec<(Pos, String, usize)> = Vec::new();
    let mut first_document = 0;
    while let Some((start, mut text)) = reader.next_block()? {
        text.shrink_to_fit();
        let documents =
            Part { name: STDIN_NAME, text: &text, start, first_document, whole_source: false }.document_count();
        blocks.push((start, text, first_document));
        first_document += documents;
    }
    let whole_source = blocks.len() == 1;
    let parts: Vec<Part<'_>> = blocks
        .iter()
        .map(|(start, text, first_document)| Part {
            name: STDIN_NAME,
            text,
            start: *start,
            first_document: *first_document,
            whole_source,
        })
        .collect();
    let linter = linter.with_crds_from(parts.iter().map(|part| (STDIN_NAME, part.text)));
    let linter_of_parts = linter.part_linter_in_run(linter.run_inventory_of_parts(&parts));
    rayon::in_place_scope(|scope| {
        let mut ahead = Ahead::new();
        for (i, part) in parts.into_iter().enumerate() {
            lint_block(scope, &mut ahead, &linter_of_parts, part, i == 0, Cow::Borrowed(part.text), stream, out);
        }
        ahead.flush(stream, out);
    });
    Ok(())
}

/// Cuts a stream into blocks of [`BLOCK_DOCUMENTS`] documents at separator lines, as
/// [`plimsoll_core::load::blocks`] cuts a text, reading no further than the block.
struct BlockReader<'r> {
    input: &'r mut dyn BufRead,
    /// The separator line that starts the next block, and where it starts.
    pending: Option<(Pos, String)>,
    at: Pos,
    done: bool,
}

impl<'r> BlockReader<'r> {
    fn new(input: &'r mut dyn BufRead) -> Self {
        BlockReader { input, pending: None, at: Pos { line: 1, column: 1, offset: 0 }, done: false }
    }

    /// The next block and where it starts; an empty stream is one empty block.
    fn next_block(&mut self) -> Result<Option<(Pos, String)>, PathError> {
        if self.done {
            return Ok(None);
        }
        let (start, mut text) = self.pending.take().unwrap_or_else(|| (self.at, String::new()));
        let mut separators = usize::from(!text.is_empty());
        let mut line = Vec::new();
        loop {
            line.clear();
            let read = self.input.read_until(b'\n', &mut line).map_err(|e| error(e.to_string()))?;
            if read == 0 {
                self.done = true;
                return Ok(Some((start, text)));
            }
            let line_text = std::str::from_utf8(&line).map_err(|e| {
                error(format!("not valid UTF-8 (byte offset {})", self.at.offset as usize + e.valid_up_to()))
            })?;
            let here = self.at;
            self.at = Pos { line: here.line + 1, column: 1, offset: here.offset.saturating_add(read as u32) };
            if plimsoll_core::load::is_separator(line_text.trim_end_matches(['\r', '\n'])) {
                if separators >= BLOCK_DOCUMENTS {
                    self.pending = Some((here, line_text.to_string()));
                    return Ok(Some((start, text)));
                }
                separators += 1;
            }
            text.push_str(line_text);
        }
    }
}

fn error(message: String) -> PathError {
    PathError { path: STDIN_NAME.to_string(), message }
}
