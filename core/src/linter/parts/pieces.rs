//! Linting a long list read in pieces ([`load::ListPieces`]): each task of the pool reads a slice
//! of the list's items from their own texts and lints them, so that no one thread reads the
//! whole list while the others wait for its items.
//!
//! Slices are taken in order, at most a few waiting at a time (when they do, the thread handing
//! them out lints the next one itself if it is a pool thread, and waits otherwise), and their
//! outcomes are accepted in order: a slice is accepted when every item of it read on its own and
//! the list's nodes so far stay within the limit. From the first slice that is not, the list is
//! read whole as before ([`PartLinter::lint_list_read`]), the items already accepted skipped, so
//! that what is reported is what reading the list whole reports.

use super::{Backlog, ChunkOutcome, ListJob, ListLinted, PartLinter, SliceOutcome, ITEMS_PER_TASK};
use crate::linter::worker::problem_finding;
use crate::load::{self, Chunk, Document, ListPieces};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// One slice of a list read in pieces.
enum PieceSlice {
    /// Its items read, with the nodes they hold, and linted.
    Linted { outcome: SliceOutcome, nodes: usize },
    /// One of its items does not read on its own.
    Unread,
}

/// The slices of one list read in pieces, handed to the pool, and their outcomes by number.
struct PieceSlices<'a, 's, 't> {
    linter: &'a PartLinter,
    job: ListJob<'a, 's>,
    pieces: &'a ListPieces<'t>,
    template: Option<Arc<str>>,
    backlog: Backlog,
    done: Mutex<BTreeMap<usize, PieceSlice>>,
    /// A slice did not read: no more are handed out.
    unread: AtomicBool,
}

/// The slices accepted so far, in order.
struct Accepted {
    /// The number of the next slice to accept.
    next: usize,
    /// The list's nodes so far: its skeleton's and the accepted items'.
    nodes: usize,
    max_nodes: usize,
    /// A slice was refused: none after it is accepted.
    stopped: bool,
}

impl PartLinter {
    /// [`PartLinter::lint_list`] of a list cut into `pieces` (see the module docs).
    pub(super) fn lint_list_in_pieces(
        &self,
        job: ListJob<'_, '_>,
        chunk: Chunk<'_>,
        pieces: &ListPieces<'_>,
        skeleton_nodes: usize,
        mut emit: Option<&mut dyn FnMut(SliceOutcome)>,
    ) -> ListLinted {
        let slices = PieceSlices {
            linter: self,
            job,
            pieces,
            template: chunk.template.map(Arc::from),
            backlog: Backlog::new(),
            done: Mutex::new(BTreeMap::new()),
            unread: AtomicBool::new(false),
        };
        let max_nodes = self.linter.limits.max_nodes;
        let mut accepted = Accepted { next: 0, nodes: skeleton_nodes, max_nodes, stopped: false };
        rayon::in_place_scope(|scope| {
            for number in 0..pieces.len().div_ceil(ITEMS_PER_TASK) {
                if slices.unread.load(Ordering::Acquire) {
                    break;
                }
                slices.lint(scope, number);
                if let Some(emit) = emit.as_mut() {
                    accepted.take_ready(&slices.done, &mut **emit);
                }
            }
        });
        let mut outcome = ChunkOutcome::default();
        let mut collect = |slice: SliceOutcome| {
            outcome.problems.extend(slice.problems);
            outcome.objects.extend(slice.objects);
        };
        match emit.as_mut() {
            Some(emit) => accepted.take_ready(&slices.done, &mut **emit),
            None => accepted.take_ready(&slices.done, &mut collect),
        }
        let handed = accepted.next * ITEMS_PER_TASK;
        if handed >= pieces.len() {
            outcome.documents = pieces.len();
            let problems = load::separator_problems(job.index, &chunk, &slices.template);
            outcome.problems.extend(problems.iter().map(|p| problem_finding(job.file, p)));
            return ListLinted::Items(outcome);
        }
        match self.lint_list_read(job, chunk, handed, emit) {
            ListLinted::Items(rest) => {
                outcome.documents = rest.documents;
                outcome.problems.extend(rest.problems);
                outcome.objects.extend(rest.objects);
                ListLinted::Items(outcome)
            }
            // Not a list after all: what was linted of it is dropped, as when read item by item.
            read => read,
        }
    }
}

impl PieceSlices<'_, '_, '_> {
    /// Reads and lints slice `number` on the pool, or on this thread when enough slices wait.
    fn lint<'scope>(&'scope self, scope: &rayon::Scope<'scope>, number: usize) {
        self.backlog.run(scope, move || self.lint_now(number));
    }

    fn lint_now(&self, number: usize) {
        let slice = self.read_and_lint(number);
        if matches!(slice, PieceSlice::Unread) {
            self.unread.store(true, Ordering::Release);
        }
        self.done.lock().unwrap_or_else(PoisonError::into_inner).insert(number, slice);
    }

    /// Reads the items of slice `number` each on its own, and lints its objects.
    fn read_and_lint(&self, number: usize) -> PieceSlice {
        let ListJob { file, index, suppressor, hooks } = self.job;
        let first = number * ITEMS_PER_TASK;
        let items = first..(first + ITEMS_PER_TASK).min(self.pieces.len());
        let (mut documents, mut problems, mut nodes) = (Vec::with_capacity(items.len()), Vec::new(), 0usize);
        for item in items {
            let Some(mut read) = self.pieces.read_item(item, self.linter.linter.limits) else {
                return PieceSlice::Unread;
            };
            nodes = nodes.saturating_add(read.nodes);
            problems.extend(read.take_problems(index, &self.template).iter().map(|p| problem_finding(file, p)));
            if load::is_kubernetes_object(&read.value) {
                let (value, positions, template) = (read.value, read.positions, self.template.clone());
                documents.push(Document { file: file.clone(), index, item: Some(item), template, value, positions });
            }
        }
        let objects = self.linter.lint_objects(file, &documents, suppressor, hooks);
        PieceSlice::Linted { outcome: SliceOutcome { problems, objects }, nodes }
    }
}

impl Accepted {
    /// Accepts the linted slices from the next one on, in order, handing each to `take`, up to
    /// the first one not linted yet or refused.
    fn take_ready(&mut self, done: &Mutex<BTreeMap<usize, PieceSlice>>, take: &mut dyn FnMut(SliceOutcome)) {
        while !self.stopped {
            let ready = done.lock().unwrap_or_else(PoisonError::into_inner).remove(&self.next);
            let Some(slice) = ready else { return };
            match slice {
                PieceSlice::Linted { outcome, nodes } if self.nodes.saturating_add(nodes) <= self.max_nodes => {
                    self.nodes += nodes;
                    self.next += 1;
                    take(outcome);
                }
                _ => self.stopped = true,
            }
        }
    }
}
