//! Linting a source part by part, with its documents spread over the rayon pool, so that one long
//! stream is linted as fast as the same documents in many files, in memory bounded by the part.
//!
//! A [`Part`] is a whole source, or a block of one cut at document separators
//! ([`crate::load::blocks`]; a frontend reading a stream cuts it the same way as it reads).
//! [`PartLinter::lint_part`] splits the part into documents (kubectl's `---` rule), then reads,
//! evaluates and suppresses each document on whichever pool thread is free; the items of a long
//! `kind: List` are spread over the pool in slices. Results are gathered in document order, so the
//! part's [`FileReport`] is the one [`crate::Worker::lint`] gives for the same text, and every
//! document is dropped as soon as its findings are made.
//!
//! When an enabled rule reads the run's inventory, the parts of a run share the inventory made
//! beforehand ([`Linter::part_linter_in_run`]); a part linted without one is summarised first, as
//! its own run.

use super::run::RunInventory;
use super::worker::{problem_finding, DocumentOutcome};
use super::{Linter, ThreadWorkers, Worker};
use crate::load::position::Pos;
use crate::load::{self, Chunk, Document};
use crate::report::finding::{FileReport, Finding};
use crate::report::suppress::Suppressor;
use rayon::prelude::*;
use std::sync::Arc;

/// Items of one list linted as one task: enough to outweigh the cost of a task, few enough that a
/// long list keeps every thread busy.
const ITEMS_PER_TASK: usize = 32;

/// A source, or a block of one that starts at its beginning or at a document separator line.
#[derive(Debug, Clone, Copy)]
pub struct Part<'t> {
    /// The source's name, as reports show it.
    pub name: &'t str,
    pub text: &'t str,
    /// Where `text` starts in the source.
    pub start: Pos,
    /// How many documents of the source come before this part.
    pub first_document: usize,
    /// Whether `text` is the whole source: findings about a whole text (a kustomization's) are
    /// made only then.
    pub whole_source: bool,
}

impl<'t> Part<'t> {
    /// A whole source.
    pub fn whole(name: &'t str, text: &'t str) -> Self {
        Part { name, text, start: crate::load::FILE_START, first_document: 0, whole_source: true }
    }
}

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
        let inventory = match &self.inventory {
            Some(inventory) => Some(inventory.clone()),
            None => self.linter.run_inventory([(part.name, part.text)]),
        };
        let chunks = load::split_documents_at(part.text, part.start);
        let mut outcomes: Vec<ChunkOutcome> = chunks
            .into_par_iter()
            .enumerate()
            .map(|(i, chunk)| self.lint_chunk(&file, part.first_document + i, chunk, &suppressor, inventory.as_ref()))
            .collect();
        let mut report = FileReport { file: file.clone(), ..FileReport::default() };
        let mut findings = Vec::new();
        for outcome in &mut outcomes {
            report.documents += outcome.documents;
            findings.append(&mut outcome.problems);
        }
        let (kept, hidden) = suppressor.partition(findings, None);
        report.findings = kept;
        report.suppressed = hidden;
        for outcome in outcomes.into_iter().flat_map(|o| o.objects) {
            report.findings.extend(outcome.findings);
            report.suppressed.extend(outcome.suppressed);
            report.errors.extend(outcome.error);
            report.objects.push(outcome.object);
        }
        if part.whole_source {
            let (kept, hidden) = self.workers.with(|worker| worker.file_findings(&file, part.text, &suppressor));
            report.findings.extend(kept);
            report.suppressed.extend(hidden);
        }
        report.sort();
        report
    }

    /// Reads one document and lints its objects (a list's items in slices across the pool).
    fn lint_chunk(
        &self,
        file: &Arc<str>,
        index: usize,
        chunk: Chunk<'_>,
        suppressor: &Suppressor<'_>,
        inventory: Option<&Arc<RunInventory>>,
    ) -> ChunkOutcome {
        let raw = load::read_chunk_within(index, chunk, self.linter.limits);
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
        let lint = |objects: &[Document]| {
            self.workers.with(|worker| {
                worker.enter_inventory(inventory);
                objects.iter().map(|d| worker.lint_in_source(file, d, suppressor, None)).collect::<Vec<_>>()
            })
        };
        outcome.objects = if objects.len() > ITEMS_PER_TASK {
            objects.par_chunks(ITEMS_PER_TASK).flat_map_iter(lint).collect()
        } else {
            lint(&objects)
        };
        outcome
    }
}
