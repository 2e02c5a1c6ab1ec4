//! The linter: built once from settings, then used from any number of threads.
//!
//! Three parts: `builder` ([`LinterBuilder`]: rule selection and settings in, a prepared
//! [`Linter`] or a [`BuildError`] out), this module (the [`Linter`]: its catalog, its workers, and
//! runs over many sources), and `worker` ([`Worker`]: one engine linting one source or object at a
//! time, giving a [`crate::report::FileReport`] or an [`ObjectReport`]).
//!
//! [`LinterBuilder::build`] selects rules, loads their Rego (and the shared library) into one
//! regorus engine, adds a generated module that gathers every enabled rule's violations into one
//! set, and evaluates it once so that unknown functions and other late errors surface at build time.
//! [`Linter::worker`] clones that prepared engine (cheap: compiled policies are shared); a
//! [`Worker`] lints sources one after another: load → evaluate each object once → locate each
//! violation's path → findings and evaluation errors. [`Linter::lint_sources`] runs workers over many sources, in
//! parallel with the `parallel` feature. Rules implemented in Rust ([`crate::schema`]: schema
//! validation, API lifecycle, kustomizations) run beside the Rego evaluation on every object, and
//! CustomResourceDefinitions among the sources extend the schemas for that run.
//!
//! When an enabled rule reads the run's inventory (`custom.inventory`), a run is summarised first
//! (`run`: every object read once, only its summary kept, [`crate::k8s::inventory`]) and then
//! linted as above with the summary as `data.plimsoll.inventory`; a source linted alone is its own
//! run.
//!
//! With Gatekeeper policies ([`LinterBuilder::gatekeeper`]), every source is loaded first, the
//! objects of all of them make up `data.inventory`, and then each object is linted as above plus
//! reviewed by every matching Constraint ([`crate::engine::gatekeeper`]); both kinds of finding land in
//! the same report.

mod builder;
mod part;
#[cfg(feature = "parallel")]
mod parts;
mod run;
mod worker;

use builder::InventoryNeeds;
pub use builder::{BuildError, LinterBuilder};
pub use part::Part;
#[cfg(feature = "parallel")]
pub use parts::PartLinter;
pub use run::RunInventory;
pub use worker::{ObjectReport, Worker};

/// Called on an object once it is linted, with its findings and suppressed findings, which it may
/// change (see [`Linter::lint_sources_then`]).
pub type AfterObject<'a> = dyn Fn(&Document, &mut [Finding], &mut [SuppressedFinding]) + Sync + 'a;

use crate::engine::evaluate::PreparedOnce;
use crate::engine::gatekeeper::{self, Inventory, PolicySet};
use crate::engine::prefilter::ObjectScope;
use crate::engine::user_policy::PolicyError;
use crate::k8s::inventory;
use crate::load::{self, Document, LoadedFile};
use crate::report::finding::{FileReport, Finding, Report, Severity, SuppressedFinding};
use crate::report::suppress::SuppressionSettings;
use crate::rules::RuleMeta;
use crate::schema::SchemaChecker;
use crate::signature::Verifier;
use std::collections::HashMap;
use std::sync::Arc;
use worker::GatekeeperState;

/// A source to lint: its name (as reports show it) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Clone)]
struct ActiveRule {
    severity: Severity,
}

/// A prepared linter. Cheap to share; each thread lints through its own [`Worker`].
#[derive(Clone)]
pub struct Linter {
    prepared: Arc<PreparedOnce>,
    rules: Arc<HashMap<String, ActiveRule>>,
    catalog: Arc<Vec<RuleMeta>>,
    /// The objects some enabled Rego rule looks at: others need no evaluation.
    evaluated: Arc<ObjectScope>,
    /// What the enabled rules read of a run's inventory: a run is summarised before it is linted
    /// unless nothing.
    inventory: InventoryNeeds,
    suppression: Arc<SuppressionSettings>,
    /// Present when a rule implemented in Rust is enabled.
    schema: Option<Arc<SchemaChecker>>,
    /// Trusted keys and checked signatures, when keys are configured.
    verifier: Option<Arc<Verifier>>,
    gatekeeper: Option<Arc<PolicySet>>,
    /// What loading the user's policies noticed without stopping the build.
    policy_notes: Arc<[PolicyError]>,
    /// Bounds on each document read.
    limits: load::Limits,
}

impl Linter {
    /// Rules in the user's policies that look like conftest rules but can never report (a boolean
    /// `deny`), located where they are written; the frontend shows them as notes.
    pub fn policy_notes(&self) -> &[PolicyError] {
        &self.policy_notes
    }

    pub fn builder() -> LinterBuilder {
        LinterBuilder::default()
    }

    /// Every rule the linter knows, enabled or not: the built-in rules (unless turned off) and
    /// the user policies' conftest rules.
    pub fn catalog(&self) -> &[RuleMeta] {
        &self.catalog
    }

    /// IDs of the rules this linter runs, sorted.
    pub fn enabled_rules(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.rules.keys().map(String::as_str).collect();
        ids.sort_unstable();
        ids
    }

    /// The severity `rule` is reported at, when it is enabled: for findings a frontend makes
    /// itself (a chart that failed to render), after the configuration's overrides.
    pub fn rule_severity(&self, rule: &str) -> Option<Severity> {
        self.rules.get(rule).map(|active| active.severity)
    }

    /// How policies run: `"compiled"` (an RVM program) or `"interpreted"`.
    pub fn evaluation_mode(&self) -> &'static str {
        self.prepared.mode()
    }

    /// Why the policies could not be compiled, when they run interpreted.
    pub fn fallback_reason(&self) -> Option<&str> {
        self.prepared.fallback_reason()
    }

    /// A worker with its own copy of the prepared engine. Gatekeeper constraints, if any, see
    /// the objects of the source being linted as their inventory.
    pub fn worker(&self) -> Worker {
        Worker {
            evaluator: self.prepared.evaluator(),
            rules: self.rules.clone(),
            evaluated: self.evaluated.clone(),
            suppression: self.suppression.clone(),
            schema: self.schema.clone(),
            gatekeeper: self.gatekeeper.clone().map(GatekeeperState::PerSource),
            verifier: self.verifier.clone(),
            facts_cache: Default::default(),
            limits: self.limits,
            uses_inventory: self.uses_inventory(),
            run_inventory: None,
            inventory: None,
        }
    }

    /// Whether an enabled rule reads the run's inventory, so that a run must be summarised
    /// ([`Linter::run_inventory`]) before it is linted.
    pub fn uses_inventory(&self) -> bool {
        self.inventory != InventoryNeeds::Nothing
    }

    /// The inventory of a run made of the `(name, text)` sources, when an enabled rule reads one:
    /// every object is read and summarised (in parallel with the `parallel` feature), and only
    /// the summaries are kept. `None` when no enabled rule needs it.
    pub fn run_inventory<'a>(
        &self,
        sources: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Option<Arc<RunInventory>> {
        if !self.uses_inventory() {
            return None;
        }
        let parts: Vec<Part<'a>> = sources.into_iter().map(|(name, text)| Part::whole(name, text)).collect();
        self.run_inventory_of_parts(&parts)
    }

    /// [`Linter::run_inventory`] of a run whose sources come in parts (a stream read block by
    /// block, each block kept as its own text): each part numbers its documents from its
    /// `first_document` and places them from its `start`, as when the source is read whole.
    pub fn run_inventory_of_parts(&self, parts: &[Part<'_>]) -> Option<Arc<RunInventory>> {
        if !self.uses_inventory() {
            return None;
        }
        let summaries = run::summaries_of_parts(parts, self.limits, &self.inventory);
        Some(Arc::new(RunInventory::new(inventory::Inventory::new(summaries))))
    }

    /// A worker whose cross-object rules see `inventory` as the run's.
    pub fn worker_in_run(&self, inventory: Option<Arc<RunInventory>>) -> Worker {
        Worker { run_inventory: inventory, ..self.worker() }
    }

    /// The signature verifier, when trusted keys are configured: `verify(image)` gives the
    /// verdict images/signature reports.
    pub fn verifier(&self) -> Option<&Verifier> {
        self.verifier.as_deref()
    }

    /// A worker whose Gatekeeper constraints see a whole run's objects.
    fn worker_for_run(&self, run: &Arc<gatekeeper::Run>, inventory: Option<Arc<RunInventory>>) -> Worker {
        Worker { gatekeeper: Some(GatekeeperState::Run(run.clone())), ..self.worker_in_run(inventory) }
    }

    /// Number of Gatekeeper templates and constraints evaluated.
    pub fn gatekeeper_counts(&self) -> (usize, usize) {
        self.gatekeeper.as_ref().map_or((0, 0), |policies| policies.counts())
    }

    /// Lints one source on this thread.
    pub fn lint_source(&self, name: &str, text: &str) -> FileReport {
        self.with_crds_in([(name, text)]).worker().lint(name, text)
    }

    /// Lints one source as part of a larger run whose other sources are `others` (`(name, text)`,
    /// not including this one): CRDs among all of them give schemas, and Gatekeeper constraints
    /// see every object of the run as their inventory, as [`Linter::lint_sources`] would, while
    /// only `text` is linted. For a frontend that lints one document of a folder at a time.
    pub fn lint_source_in_run<'a>(&self, name: &str, text: &str, others: &[(&'a str, &'a str)]) -> FileReport {
        let linter = self.with_crds_in(others.iter().copied().chain([(name, text)]));
        let loaded = load::load_within(name, text, self.limits);
        let inventory = linter.run_inventory(others.iter().copied().chain([(name, text)]));
        let Some(policies) = &linter.gatekeeper else {
            return linter.worker_in_run(inventory).lint_with_text(name, Some(text), loaded);
        };
        let others: Vec<LoadedFile> = others.iter().map(|(n, t)| load::load_within(n, t, self.limits)).collect();
        let objects = others.iter().chain([&loaded]).flat_map(|l| l.documents.iter().map(|d| &d.value));
        let run = Arc::new(policies.prepare(&Inventory::from_objects(objects)));
        linter.worker_for_run(&run, inventory).lint_with_text(name, Some(text), loaded)
    }

    /// Lints many sources, one worker per thread; the report keeps the sources' order.
    pub fn lint_sources(&self, sources: &[Source]) -> Report {
        let texts = sources.iter().map(|s| (s.name.as_str(), s.text.as_str()));
        Report::from_files(self.with_crds_in(texts).lint_each(sources))
    }

    /// This linter, knowing the schemas of the CustomResourceDefinitions among the `(name, text)`
    /// sources too: for a frontend that lints its sources part by part ([`Linter::part_linter`]).
    pub fn with_crds_from<'a>(&self, sources: impl IntoIterator<Item = (&'a str, &'a str)>) -> Linter {
        self.with_crds_in(sources).into_owned()
    }

    /// This linter, knowing the schemas of the CustomResourceDefinitions among the `(name, text)`
    /// sources (read first, so that objects anywhere in the run are checked against them).
    #[cfg(feature = "schema-validation")]
    fn with_crds_in<'a>(&self, sources: impl IntoIterator<Item = (&'a str, &'a str)>) -> std::borrow::Cow<'_, Linter> {
        match self.schema.as_ref().and_then(|checker| checker.with_crds_in(sources)) {
            Some(extended) => std::borrow::Cow::Owned(Linter { schema: Some(Arc::new(extended)), ..self.clone() }),
            None => std::borrow::Cow::Borrowed(self),
        }
    }

    /// Without schema validation, CRDs are not schemas: the linter is used as it is.
    #[cfg(not(feature = "schema-validation"))]
    fn with_crds_in<'a>(&self, _sources: impl IntoIterator<Item = (&'a str, &'a str)>) -> std::borrow::Cow<'_, Linter> {
        std::borrow::Cow::Borrowed(self)
    }

    /// Like [`Linter::lint_sources`], calling `done` after each source (from any worker thread),
    /// for progress display.
    pub fn lint_sources_with_progress(&self, sources: &[Source], done: &(dyn Fn() + Sync)) -> Report {
        let texts = sources.iter().map(|s| (s.name.as_str(), s.text.as_str()));
        Report::from_files(self.with_crds_in(texts).lint_each_with(sources, None, done))
    }

    /// Like [`Linter::lint_sources_with_progress`], calling `after` on each object once it is
    /// linted, on the thread that linted it, with its findings and suppressed findings: to move
    /// them while the object is at hand ([`crate::render::Placing::place_object`]). Objects linted
    /// otherwise (with Gatekeeper policies, or without the `parallel` feature) are not passed to
    /// `after`.
    pub fn lint_sources_then(&self, sources: &[Source], after: &AfterObject<'_>, done: &(dyn Fn() + Sync)) -> Report {
        let texts = sources.iter().map(|s| (s.name.as_str(), s.text.as_str()));
        Report::from_files(self.with_crds_in(texts).lint_each_with(sources, Some(after), done))
    }

    fn lint_each(&self, sources: &[Source]) -> Vec<FileReport> {
        self.lint_each_with(sources, None, &|| {})
    }

    #[cfg(feature = "parallel")]
    fn lint_each_with(
        &self,
        sources: &[Source],
        after: Option<&AfterObject<'_>>,
        done: &(dyn Fn() + Sync),
    ) -> Vec<FileReport> {
        use rayon::prelude::*;
        let inventory = self.run_inventory(sources.iter().map(|s| (s.name.as_str(), s.text.as_str())));
        if let Some(policies) = &self.gatekeeper {
            let loaded: Vec<LoadedFile> =
                sources.par_iter().map(|s| load::load_within(&s.name, &s.text, self.limits)).collect();
            let run = Arc::new(policies.prepare(&inventory_of(&loaded)));
            let lint = |worker: &mut Worker, (s, l): (&Source, LoadedFile)| {
                let report = worker.lint_with_text(&s.name, Some(&s.text), l);
                done();
                report
            };
            let workers = ThreadWorkers::new(|| self.worker_for_run(&run, inventory.clone()));
            return sources.par_iter().zip(loaded).map(|item| workers.with(|worker| lint(worker, item))).collect();
        }
        // Each source's documents are spread over the pool too, so one long file is no slower
        // than many short ones.
        let parts = self.part_linter_in_run(inventory);
        let lint = |s: &Source| {
            let report = parts.lint_part_then(Part::whole(&s.name, &s.text), after);
            done();
            report
        };
        sources.par_iter().map(lint).collect()
    }

    #[cfg(not(feature = "parallel"))]
    fn lint_each_with(
        &self,
        sources: &[Source],
        _after: Option<&AfterObject<'_>>,
        done: &(dyn Fn() + Sync),
    ) -> Vec<FileReport> {
        let inventory = self.run_inventory(sources.iter().map(|s| (s.name.as_str(), s.text.as_str())));
        if let Some(policies) = &self.gatekeeper {
            let loaded: Vec<LoadedFile> =
                sources.iter().map(|s| load::load_within(&s.name, &s.text, self.limits)).collect();
            let run = Arc::new(policies.prepare(&inventory_of(&loaded)));
            let mut worker = self.worker_for_run(&run, inventory);
            return sources
                .iter()
                .zip(loaded)
                .map(|(s, l)| {
                    let report = worker.lint_with_text(&s.name, Some(&s.text), l);
                    done();
                    report
                })
                .collect();
        }
        let mut worker = self.worker_in_run(inventory);
        let lint = |s: &Source| {
            let report = worker.lint(&s.name, &s.text);
            done();
            report
        };
        sources.iter().map(lint).collect()
    }
}

/// The inventory of every object of a run.
fn inventory_of(loaded: &[LoadedFile]) -> Inventory {
    Inventory::from_objects(loaded.iter().flat_map(|l| l.documents.iter().map(|d| &d.value)))
}

/// One worker per thread of the rayon pool, made when the thread first needs it. (rayon's
/// `map_init` makes one for every job it splits the work into, and a worker copies the compiled
/// program, so that workers share no reference counts: about a millisecond each.)
#[cfg(feature = "parallel")]
struct ThreadWorkers<F> {
    make: F,
    slots: Vec<std::sync::Mutex<Option<Worker>>>,
}

#[cfg(feature = "parallel")]
impl<F: Fn() -> Worker> ThreadWorkers<F> {
    fn new(make: F) -> Self {
        let slots = (0..rayon::current_num_threads().max(1)).map(|_| std::sync::Mutex::new(None)).collect();
        ThreadWorkers { make, slots }
    }

    /// Runs `f` with this thread's worker. Each pool thread has a slot of its own, so the lock is
    /// never waited for (a caller outside the pool shares the first slot, safely).
    fn with<R>(&self, f: impl FnOnce(&mut Worker) -> R) -> R {
        let index = rayon::current_thread_index().unwrap_or(0);
        let slot = self.slots.get(index).or(self.slots.first());
        match slot {
            Some(slot) => {
                let mut slot = slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                f(slot.get_or_insert_with(&self.make))
            }
            None => f(&mut (self.make)()),
        }
    }
}
