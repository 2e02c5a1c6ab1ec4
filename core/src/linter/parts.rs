//! Linting a source part by part, with its documents spread over the rayon pool, so that one long
//! stream is linted as fast as the same documents in many files, in memory bounded by the part.
//!
//! A [`Part`] is a whole source, or a block of one cut at document separators
//! ([`crate::load::blocks`]; a frontend reading a stream cuts it the same way as it reads).
//! [`PartLinter::lint_part`] splits the part into documents (kubectl's `---` rule), then reads,
//! evaluates and suppresses each document on whichever pool thread is free. A `kind: List` is read
//! item by item ([`load::read_chunk_items`]): while one thread reads it, its items go to the pool in
//! slices as they are read, and at most a few slices wait at a time (when they do, the reading
//! thread lints the next slice itself if it is a pool thread, and waits otherwise), so a long list
//! never sits whole in memory; a list of 256 KiB or more that can be cut into its items' texts is
//! read by the pool's threads instead, a slice each (`pieces`), so that its reading is not one
//! thread's work. Results are gathered in document order, so the part's [`FileReport`] is the one
//! [`crate::Worker::lint`] gives for the same text, and every document is dropped as soon as its
//! findings are made.
//!
//! When an enabled rule reads the run's inventory, the parts of a run share the inventory made
//! beforehand ([`Linter::part_linter_in_run`]); a part linted without one is summarised first, as
//! its own run.

mod pieces;

use super::run::RunInventory;
use super::worker::{problem_finding, DocumentOutcome};
use super::{AfterObject, Linter, Part, ThreadWorkers, Worker};
use crate::load::{self, Chunk, Document, ListRead, RawDocument};
use crate::report::finding::SuppressedFinding;
use crate::report::finding::{FileReport, Finding};
use crate::report::suppress::Suppressor;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex, PoisonError};

/// Items of one list linted as one task: enough to outweigh the cost of a task, few enough that a
/// long list keeps every thread busy.
const ITEMS_PER_TASK: usize = 32;

/// Lists from this length on (in bytes), when a part is one, are reported piece by piece
/// ([`PartLinter::lint_part_pieces`]).
pub const PIECEWISE_LIST_BYTES: usize = 4 << 20;

/// Slices of a list being read that may wait for a thread, per pool thread: enough to keep every
/// thread busy, few enough that memory does not follow the list.
const WAITING_SLICES_PER_THREAD: usize = 2;

/// Lints parts with one worker per pool thread, kept from part to part.
pub struct PartLinter {
    linter: Linter,
    workers: ThreadWorkers<Box<dyn Fn() -> Worker + Send + Sync>>,
    /// The run's inventory, when the parts belong to a run summarised beforehand.
    inventory: Option<Arc<RunInventory>>,
}

/// What one document (or list) gives.
#[derive(Default)]
struct ChunkOutcome {
    documents: usize,
    problems: Vec<Finding>,
    objects: Vec<DocumentOutcome>,
}

impl Linter {
    /// A linter for sources read part by part (see [`PartLinter`]).
    pub fn part_linter(&self) -> PartLinter {
        self.part_linter_in_run(None)
    }

    /// A linter for the parts of a run whose inventory is `inventory` ([`Linter::run_inventory`]).
    /// Without one, when an enabled rule reads the inventory, each part is its own run.
    pub fn part_linter_in_run(&self, inventory: Option<Arc<RunInventory>>) -> PartLinter {
        let linter = self.clone();
        let make: Box<dyn Fn() -> Worker + Send + Sync> = Box::new(move || linter.worker());
        PartLinter { linter: self.clone(), workers: ThreadWorkers::new(make), inventory }
    }
}

impl PartLinter {
    /// The report of `part`'s documents, as [`crate::Worker::lint`] makes it for a whole source,
    /// with its documents linted in parallel. Gatekeeper constraints see the part's objects as
    /// their inventory.
    pub fn lint_part(&self, part: Part<'_>) -> FileReport {
        self.lint_part_then(part, None)
    }

    /// [`PartLinter::lint_part`], handing the report to `emit` in pieces, in order: the pieces'
    /// findings, each piece sorted, follow one another as the whole report's do, so that writing
    /// them one after the other writes that report. A part that is one long list
    /// (4 MiB or more, in block style, whose root `kind` line states a list)
    /// is reported a few slices of items at a time as they are linted, so that its findings do not
    /// wait in memory for the end of the list; any other part is one piece.
    ///
    /// Such a list that turns out not to read as a list (a syntax error or a limit met part-way, a
    /// second `items` key) still has the items read before reported, in pieces, and ends with the
    /// findings of the document as read whole (its error): pieces cannot be taken back.
    pub fn lint_part_pieces(&self, part: Part<'_>, emit: &mut dyn FnMut(FileReport)) {
        match self.long_list(part) {
            Some(chunk) => self.lint_list_pieces(part, chunk, emit),
            None => emit(self.lint_part(part)),
        }
    }

    /// Whether [`PartLinter::lint_part_pieces`] reports `part` in more than one piece (it is one
    /// long list): the caller must then write each piece as it comes.
    pub fn reports_in_pieces(&self, part: Part<'_>) -> bool {
        self.long_list(part).is_some()
    }

    /// [`PartLinter::lint_part`], calling `after` on each object once it is linted (not with
    /// Gatekeeper policies, whose objects are linted all together).
    pub fn lint_part_then(&self, part: Part<'_>, after: Option<&AfterObject<'_>>) -> FileReport {
        if self.linter.gatekeeper.is_some() {
            // The inventory is every object of the part: read them all first.
            let inventory = self.inventory.clone();
            return self.workers.with(|worker| {
                let whole_run = std::mem::replace(&mut worker.run_inventory, inventory);
                let report = worker.lint(part.name, part.text);
                worker.run_inventory = whole_run;
                report
            });
        }
        let file: Arc<str> = Arc::from(part.name);
        let suppressor = Suppressor::for_part(&self.linter.suppression, Some(part.text), part.start.line);
        let inventory = self.part_inventory(part);
        let hooks = ObjectHooks { after, inventory: inventory.as_ref() };
        let chunks = load::split_documents_at(part.text, part.start);
        let outcomes: Vec<ChunkOutcome> = chunks
            .into_par_iter()
            .enumerate()
            .map(|(i, chunk)| self.lint_chunk(&file, part.first_document + i, chunk, &suppressor, hooks))
            .collect();
        let mut report = report_of(&file, outcomes, &suppressor);
        if part.whole_source {
            let (kept, hidden) = self.file_findings(&file, part.text, &suppressor);
            report.findings.extend(kept);
            report.suppressed.extend(hidden);
        }
        report.sort();
        report
    }

    /// The inventory the rules of `part`'s objects read: the run's, or the part's own.
    fn part_inventory(&self, part: Part<'_>) -> Option<Arc<RunInventory>> {
        match &self.inventory {
            Some(inventory) => Some(inventory.clone()),
            None => self.linter.run_inventory([(part.name, part.text)]),
        }
    }

    /// Findings about a whole text: only a kustomization's have any, so other files do not make a
    /// worker for it (an input with no object, an alias bomb say, then never compiles one).
    fn file_findings(
        &self,
        file: &Arc<str>,
        text: &str,
        suppressor: &Suppressor<'_>,
    ) -> (Vec<Finding>, Vec<SuppressedFinding>) {
        if !crate::schema::kustomize::is_kustomization_file(file) {
            return (Vec::new(), Vec::new());
        }
        self.workers.with(|worker| worker.file_findings(file, text, suppressor))
    }

    /// The one document of `part` when it is a long list to report piece by piece.
    fn long_list<'t>(&self, part: Part<'t>) -> Option<Chunk<'t>> {
        if self.linter.gatekeeper.is_some() || part.text.len() < PIECEWISE_LIST_BYTES || !load::may_be_list(part.text) {
            return None;
        }
        let mut chunks = load::split_documents_at(part.text, part.start);
        let chunk = chunks.pop().filter(|_| chunks.is_empty())?;
        if chunk.ignored_separator_content.is_some() || !load::states_list_kind(chunk.text) {
            return None;
        }
        // Findings about the whole text (a kustomization's) would have to be sorted in.
        if part.whole_source && crate::schema::kustomize::is_kustomization_file(part.name) {
            return None;
        }
        Some(chunk)
    }

    /// Lints a part that is one long list, handing its report to `emit` piece by piece.
    fn lint_list_pieces(&self, part: Part<'_>, chunk: Chunk<'_>, emit: &mut dyn FnMut(FileReport)) {
        let file: Arc<str> = Arc::from(part.name);
        let suppressor = Suppressor::for_part(&self.linter.suppression, Some(part.text), part.start.line);
        let inventory = self.part_inventory(part);
        let hooks = ObjectHooks { after: None, inventory: inventory.as_ref() };
        let index = part.first_document;
        let mut emitted_documents = 0usize;
        let mut emit_slice = |slice: SliceOutcome| {
            emitted_documents += slice.objects.len();
            let outcome =
                ChunkOutcome { documents: slice.objects.len(), problems: slice.problems, objects: slice.objects };
            let mut report = report_of(&file, [outcome], &suppressor);
            report.sort();
            emit(report);
        };
        let last = match self.lint_list(&file, index, chunk, &suppressor, hooks, Some(&mut emit_slice)) {
            ListLinted::Items(mut outcome) => {
                outcome.documents = outcome.documents.saturating_sub(emitted_documents);
                outcome
            }
            ListLinted::Document(raw) => self.lint_read(&file, index, raw, &suppressor, hooks),
        };
        let mut report = report_of(&file, [last], &suppressor);
        report.sort();
        emit(report);
    }

    /// Reads one document and lints its objects (a list's items in slices across the pool).
    fn lint_chunk(
        &self,
        file: &Arc<str>,
        index: usize,
        chunk: Chunk<'_>,
        suppressor: &Suppressor<'_>,
        hooks: ObjectHooks<'_>,
    ) -> ChunkOutcome {
        let raw = if load::may_be_list(chunk.text) {
            match self.lint_list(file, index, chunk, suppressor, hooks, None) {
                ListLinted::Items(outcome) => return outcome,
                ListLinted::Document(raw) => raw,
            }
        } else {
            load::read_chunk_within(index, chunk, self.linter.limits)
        };
        self.lint_read(file, index, raw, suppressor, hooks)
    }

    /// Lints the objects of a document read whole.
    fn lint_read(
        &self,
        file: &Arc<str>,
        index: usize,
        raw: RawDocument,
        suppressor: &Suppressor<'_>,
        hooks: ObjectHooks<'_>,
    ) -> ChunkOutcome {
        let mut outcome = ChunkOutcome {
            problems: raw.problems.iter().map(|p| problem_finding(file, p)).collect(),
            ..ChunkOutcome::default()
        };
        let (value, positions) = match raw.result {
            Ok(Some(read)) => read,
            Ok(None) => return outcome,
            Err(problem) => {
                outcome.documents = 1;
                outcome.problems.push(problem_finding(file, &problem));
                return outcome;
            }
        };
        let document = Document { file: file.clone(), index, item: None, template: raw.template, value, positions };
        let (objects, count) = load::into_objects(document);
        outcome.documents = count;
        let lint = |objects: &[Document]| self.lint_objects(file, objects, suppressor, hooks);
        outcome.objects = if objects.len() > ITEMS_PER_TASK {
            objects.par_chunks(ITEMS_PER_TASK).flat_map_iter(lint).collect()
        } else {
            lint(&objects)
        };
        outcome
    }

    /// Lints `objects` on this thread, calling `after` on each.
    fn lint_objects(
        &self,
        file: &Arc<str>,
        objects: &[Document],
        suppressor: &Suppressor<'_>,
        hooks: ObjectHooks<'_>,
    ) -> Vec<DocumentOutcome> {
        let mut outcomes: Vec<DocumentOutcome> = self.workers.with(|worker| {
            worker.enter_inventory(hooks.inventory);
            objects.iter().map(|d| worker.lint_in_source(file, d, suppressor, None)).collect()
        });
        if let Some(after) = hooks.after {
            for (document, outcome) in objects.iter().zip(&mut outcomes) {
                after(document, &mut outcome.findings, &mut outcome.suppressed);
            }
        }
        outcomes
    }

    /// Reads a document that may be a list item by item, linting its items in slices on the pool as
    /// they are read. When it is no list read that way, gives the document as read instead (what
    /// was linted of it is dropped, or went to `emit`). With `emit`, each slice's outcome goes there
    /// as soon as it and every slice before it are linted, from the thread reading the list, and the
    /// list's outcome holds only what is left (the problems of the list's own keys). A long list
    /// that can be cut is read in pieces by the pool's threads ([`PartLinter::lint_list_in_pieces`]).
    fn lint_list(
        &self,
        file: &Arc<str>,
        index: usize,
        chunk: Chunk<'_>,
        suppressor: &Suppressor<'_>,
        hooks: ObjectHooks<'_>,
        emit: Option<&mut dyn FnMut(SliceOutcome)>,
    ) -> ListLinted {
        let job = ListJob { file, index, suppressor, hooks };
        match load::ListPieces::cut(&chunk, self.linter.limits) {
            Some((pieces, skeleton_nodes)) => self.lint_list_in_pieces(job, chunk, &pieces, skeleton_nodes, emit),
            None => self.lint_list_read(job, chunk, 0, emit),
        }
    }

    /// [`PartLinter::lint_list`] reading the list item by item on this thread, from item `skip` on
    /// (those before were linted already).
    fn lint_list_read(
        &self,
        job: ListJob<'_, '_>,
        chunk: Chunk<'_>,
        skip: usize,
        mut emit: Option<&mut dyn FnMut(SliceOutcome)>,
    ) -> ListLinted {
        let ListJob { file, index, suppressor, hooks } = job;
        let template: Option<Arc<str>> = chunk.template.map(Arc::from);
        let slices = ListSlices {
            linter: self,
            file,
            suppressor,
            hooks,
            backlog: Backlog::new(),
            done: Mutex::new(BTreeMap::new()),
        };
        let mut next_to_emit = 0usize;
        let emitting = emit.is_some();
        let read = rayon::in_place_scope(|scope| {
            let mut slice = Slice::default();
            let mut next_slice = 0usize;
            let mut sink = |item: load::ListItem| {
                if item.index < skip {
                    return;
                }
                slice.problems.extend(item.problems.iter().map(|p| problem_finding(file, p)));
                if !load::is_kubernetes_object(&item.value) {
                    return;
                }
                let template = template.clone();
                let (value, positions) = (item.value, item.positions);
                slice.documents.push(Document {
                    file: file.clone(),
                    index,
                    item: Some(item.index),
                    template,
                    value,
                    positions,
                });
                if slice.documents.len() == ITEMS_PER_TASK {
                    slices.lint(scope, next_slice, std::mem::take(&mut slice));
                    next_slice += 1;
                    if let Some(emit) = emit.as_mut() {
                        next_to_emit = slices.emit_ready(next_to_emit, &mut **emit);
                    }
                }
            };
            let read = load::read_chunk_items(index, chunk, self.linter.limits, &mut sink);
            // Once pieces go out, every item read is reported, even of a list that then breaks.
            let reported = emitting || matches!(read, ListRead::Items { .. });
            if reported && !(slice.documents.is_empty() && slice.problems.is_empty()) {
                slices.lint(scope, next_slice, slice);
            }
            read
        });
        let done = slices.done.into_inner().unwrap_or_else(PoisonError::into_inner);
        let mut outcome = ChunkOutcome::default();
        let linted = done.into_iter().filter(|(number, _)| *number >= next_to_emit).map(|(_, slice)| slice);
        match emit.as_mut() {
            Some(emit) => linted.for_each(emit),
            None if matches!(read, ListRead::Items { .. }) => {
                for slice in linted {
                    outcome.problems.extend(slice.problems);
                    outcome.objects.extend(slice.objects);
                }
            }
            None => {}
        }
        match read {
            ListRead::Items { count, problems, .. } => {
                outcome.documents = count;
                outcome.problems.extend(problems.iter().map(|p| problem_finding(file, p)));
                ListLinted::Items(outcome)
            }
            ListRead::Document(raw) => ListLinted::Document(raw),
        }
    }
}

/// The report of some of a part's documents, unsorted: their problems (less those comments
/// suppress) and their objects' findings.
fn report_of(
    file: &Arc<str>,
    outcomes: impl IntoIterator<Item = ChunkOutcome>,
    suppressor: &Suppressor<'_>,
) -> FileReport {
    let mut report = FileReport { file: file.clone(), ..FileReport::default() };
    let mut problems = Vec::new();
    let mut objects = Vec::new();
    for outcome in outcomes {
        report.documents += outcome.documents;
        problems.extend(outcome.problems);
        objects.extend(outcome.objects);
    }
    let (kept, hidden) = suppressor.partition(problems, None);
    report.findings = kept;
    report.suppressed = hidden;
    for outcome in objects {
        report.findings.extend(outcome.findings);
        report.suppressed.extend(outcome.suppressed);
        report.errors.extend(outcome.error);
        report.objects.push(outcome.object);
    }
    report
}

/// What the objects of a part are linted with beside their text: the run's inventory the rules
/// read, and the caller's hook on each linted object.
#[derive(Clone, Copy)]
struct ObjectHooks<'h> {
    after: Option<&'h AfterObject<'h>>,
    inventory: Option<&'h Arc<RunInventory>>,
}

/// What a list's items are linted with: the source, the list's index in it, its suppression
/// comments and the hooks.
#[derive(Clone, Copy)]
struct ListJob<'a, 's> {
    file: &'a Arc<str>,
    index: usize,
    suppressor: &'a Suppressor<'s>,
    hooks: ObjectHooks<'a>,
}

/// What [`PartLinter::lint_list`] made of a document.
enum ListLinted {
    /// A list, its items linted.
    Items(ChunkOutcome),
    /// No list read item by item: the document as read, to be linted as any other.
    Document(RawDocument),
}

/// Items of a list read and not yet linted, with the problems met while reading them.
#[derive(Default)]
struct Slice {
    documents: Vec<Document>,
    problems: Vec<Finding>,
}

/// What one slice of a list gives.
struct SliceOutcome {
    problems: Vec<Finding>,
    objects: Vec<DocumentOutcome>,
}

/// Slices of a list handed to the pool and not yet linted: at most a few per thread, so that
/// memory follows the slices in flight, not the list. Over that, a pool thread handing slices out
/// lints the next one itself; a thread outside the pool (the frontend's, reading or writing the
/// list) waits for a place instead: linting there would make one thread more than the pool has
/// cores for, and would share the first pool thread's worker, stalling that thread.
struct Backlog {
    waiting: Mutex<usize>,
    freed: Condvar,
    most: usize,
}

impl Backlog {
    fn new() -> Backlog {
        let most = WAITING_SLICES_PER_THREAD * rayon::current_num_threads().max(1);
        Backlog { waiting: Mutex::new(0), freed: Condvar::new(), most }
    }

    /// Runs `lint` on the pool, or on this thread when enough slices wait already and this is a
    /// pool thread.
    fn run<'scope>(&'scope self, scope: &rayon::Scope<'scope>, lint: impl FnOnce() + Send + 'scope) {
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        if *waiting >= self.most {
            if rayon::current_thread_index().is_some() {
                drop(waiting);
                lint();
                return;
            }
            while *waiting >= self.most {
                waiting = self.freed.wait(waiting).unwrap_or_else(PoisonError::into_inner);
            }
        }
        *waiting += 1;
        drop(waiting);
        scope.spawn(move |_| {
            lint();
            *self.waiting.lock().unwrap_or_else(PoisonError::into_inner) -= 1;
            self.freed.notify_one();
        });
    }
}

/// The slices of one list being read, linted on the pool, and their outcomes by slice number.
struct ListSlices<'a, 's> {
    linter: &'a PartLinter,
    file: &'a Arc<str>,
    suppressor: &'a Suppressor<'s>,
    hooks: ObjectHooks<'a>,
    backlog: Backlog,
    done: Mutex<BTreeMap<usize, SliceOutcome>>,
}

impl<'a, 's> ListSlices<'a, 's> {
    /// Lints slice `number` on the pool, or on this thread when enough slices wait already.
    fn lint<'scope>(&'scope self, scope: &rayon::Scope<'scope>, number: usize, slice: Slice) {
        self.backlog.run(scope, move || self.lint_now(number, slice));
    }

    fn lint_now(&self, number: usize, slice: Slice) {
        let objects = self.linter.lint_objects(self.file, &slice.documents, self.suppressor, self.hooks);
        drop(slice.documents);
        let outcome = SliceOutcome { problems: slice.problems, objects };
        self.done.lock().unwrap_or_else(PoisonError::into_inner).insert(number, outcome);
    }

    /// Hands the linted slices from number `next` on to `emit`, in order, up to the first one not
    /// linted yet; gives the number of that one.
    fn emit_ready(&self, mut next: usize, emit: &mut dyn FnMut(SliceOutcome)) -> usize {
        loop {
            let ready = self.done.lock().unwrap_or_else(PoisonError::into_inner).remove(&next);
            let Some(slice) = ready else { return next };
            emit(slice);
            next += 1;
        }
    }
}
