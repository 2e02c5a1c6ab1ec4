//! Linting with one engine: a [`Worker`] loads a source, evaluates each object once (the Rego
//! rules in one pass, the rules implemented in Rust beside it, then any matching Gatekeeper
//! constraint), locates each violation's path in the source, applies suppressions, and returns the
//! file's report. An object the engine cannot evaluate becomes an [`EvaluationError`], not a
//! finding.

use super::run::RunInventory;
use super::ActiveRule;
use crate::engine::convert::to_rego;
use crate::engine::evaluate::Evaluator;
use crate::engine::functions::{self, FactsCache};
use crate::engine::gatekeeper::{self, Inventory, PolicySet};
use crate::engine::prefilter::ObjectScope;
use crate::k8s::kinds;
use crate::load::position::Path;
use crate::load::{self, Document, LoadedFile, Problem};
use crate::report::finding::{EvaluationError, FileReport, Finding, LintedObject, Location, Severity};
use crate::report::suppress::{SuppressedFinding, SuppressionSettings, Suppressor};
use crate::schema::SchemaChecker;
use crate::signature::Verifier;
use regorus::Value as RegoValue;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// Lints sources one at a time with its own engine.
pub struct Worker {
    pub(super) evaluator: Evaluator,
    pub(super) rules: Arc<HashMap<String, ActiveRule>>,
    pub(super) evaluated: Arc<ObjectScope>,
    pub(super) suppression: Arc<SuppressionSettings>,
    pub(super) schema: Option<Arc<SchemaChecker>>,
    pub(super) verifier: Option<Arc<Verifier>>,
    pub(super) gatekeeper: Option<GatekeeperState>,
    pub(super) facts_cache: FactsCache,
    pub(super) limits: load::Limits,
    /// An enabled rule reads the run's inventory.
    pub(super) uses_inventory: bool,
    /// The inventory of the run this worker lints, when given; otherwise each source linted is its
    /// own run.
    pub(super) run_inventory: Option<Arc<RunInventory>>,
    /// The inventory the evaluator holds now.
    pub(super) inventory: Option<Arc<RunInventory>>,
}

/// What linting one object of a source gives, its source's suppressions applied.
pub(super) struct DocumentOutcome {
    pub findings: Vec<Finding>,
    pub suppressed: Vec<SuppressedFinding>,
    /// The evaluation failure, unless a suppression covers it.
    pub error: Option<EvaluationError>,
    pub object: LintedObject,
}

/// Where a worker's Gatekeeper constraints get their inventory.
pub(super) enum GatekeeperState {
    /// From the source (or object) being linted: prepared per call.
    PerSource(Arc<PolicySet>),
    /// From a whole run, prepared once.
    Run(Arc<gatekeeper::Run>),
}

/// What linting one object gives: its findings, and the evaluation error if the policies could
/// not be evaluated against it (the findings of the rules implemented in Rust and of Gatekeeper
/// constraints are still there).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjectReport {
    pub findings: Vec<Finding>,
    pub error: Option<EvaluationError>,
}

impl Worker {
    /// Loads and lints one source; suppressions apply, comments included.
    pub fn lint(&mut self, name: &str, text: &str) -> FileReport {
        let loaded = load::load_within(name, text, self.limits);
        self.lint_with_text(name, Some(text), loaded)
    }

    /// Loads and lints one source of a run whose inventory is `inventory`
    /// ([`crate::Linter::run_inventory`]), as a worker of [`crate::Linter::worker_in_run`] would,
    /// keeping this worker's engine: for a frontend that lints one source again and again (an
    /// editor's open document), where a fresh worker per lint costs a copy of the compiled
    /// program. Gatekeeper constraints, if any, see the source's objects only.
    pub fn lint_in_run(&mut self, name: &str, text: &str, inventory: Option<Arc<RunInventory>>) -> FileReport {
        let own = std::mem::replace(&mut self.run_inventory, inventory);
        let report = self.lint(name, text);
        self.run_inventory = own;
        report
    }

    /// Lints already loaded documents. Without the source text, `# plimsoll-ignore:` comments
    /// cannot be seen: only exemptions and annotations suppress findings.
    pub fn lint_loaded(&mut self, name: &str, loaded: LoadedFile) -> FileReport {
        self.lint_with_text(name, None, loaded)
    }

    pub(super) fn lint_with_text(&mut self, name: &str, text: Option<&str>, loaded: LoadedFile) -> FileReport {
        let file: Arc<str> = Arc::from(name);
        let suppression = self.suppression.clone();
        let suppressor = Suppressor::new(&suppression, text);
        let problems: Vec<Finding> = loaded.problems.iter().map(|p| problem_finding(&file, p)).collect();
        let (mut findings, mut suppressed) = suppressor.partition(problems, None);
        let mut errors = Vec::new();
        let mut objects = Vec::with_capacity(loaded.documents.len());
        let run = self.gatekeeper_run(loaded.documents.iter().map(|d| &d.value));
        let inventory = match (&self.run_inventory, self.uses_inventory) {
            (Some(inventory), _) => Some(inventory.clone()),
            (None, true) => Some(Arc::new(RunInventory::of_documents(&loaded.documents))),
            (None, false) => None,
        };
        self.enter_inventory(inventory.as_ref());
        for document in &loaded.documents {
            let outcome = self.lint_in_source(&file, document, &suppressor, run.as_ref());
            findings.extend(outcome.findings);
            suppressed.extend(outcome.suppressed);
            errors.extend(outcome.error);
            objects.push(outcome.object);
        }
        if let Some(text) = text {
            let (kept, hidden) = self.file_findings(&file, text, &suppressor);
            findings.extend(kept);
            suppressed.extend(hidden);
        }
        let mut report = FileReport { file, findings, errors, documents: loaded.document_count, suppressed, objects };
        report.sort();
        report
    }

    /// Lints one object of a source: its findings (Gatekeeper's too, when there is a `run`),
    /// split by the source's suppressions, and its evaluation error unless suppressed.
    pub(super) fn lint_in_source(
        &mut self,
        file: &Arc<str>,
        document: &Document,
        suppressor: &Suppressor<'_>,
        run: Option<&Arc<gatekeeper::Run>>,
    ) -> DocumentOutcome {
        let mut result = self.lint_builtin(document);
        if let Some(run) = run {
            result.findings.extend(gatekeeper::findings(run, document));
        }
        let (findings, mut suppressed) = suppressor.partition(result.findings, Some(document));
        let mut error = None;
        if let Some(failure) = result.error {
            // Suppressions name evaluation failures by their rule ID, as reports show them.
            let (kept, hidden) = suppressor.partition(vec![failure.to_finding()], Some(document));
            if !kept.is_empty() {
                error = Some(failure);
            }
            suppressed.extend(hidden);
        }
        let object = LintedObject {
            file: file.clone(),
            object: document.object_ref(),
            document: document.index,
            pod_spec: kinds::carries_pod_spec(&document.value),
        };
        DocumentOutcome { findings, suppressed, error, object }
    }

    /// Hands `inventory` to the evaluator as `data.plimsoll.inventory` (unless it holds it already):
    /// the objects linted next are linted within that run.
    pub(super) fn enter_inventory(&mut self, inventory: Option<&Arc<RunInventory>>) {
        let same = match (&self.inventory, inventory) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        if !same {
            self.evaluator.set_inventory(inventory.map(|i| i.rego()));
            self.inventory = inventory.cloned();
        }
    }

    /// Findings about a source's text as a whole (a kustomization's), split by its suppressions.
    pub(super) fn file_findings(
        &self,
        file: &Arc<str>,
        text: &str,
        suppressor: &Suppressor<'_>,
    ) -> (Vec<Finding>, Vec<SuppressedFinding>) {
        let Some(checker) = &self.schema else { return (Vec::new(), Vec::new()) };
        let rules = &self.rules;
        let kustomization = checker.kustomization_file_findings(file, text, |id| Some(rules.get(id)?.severity));
        suppressor.partition(kustomization, None)
    }

    /// The Gatekeeper run for objects being linted: the run's own, or one whose inventory is
    /// `objects`.
    fn gatekeeper_run<'a>(&self, objects: impl Iterator<Item = &'a Value>) -> Option<Arc<gatekeeper::Run>> {
        match self.gatekeeper.as_ref()? {
            GatekeeperState::Run(run) => Some(run.clone()),
            GatekeeperState::PerSource(policies) => Some(Arc::new(policies.prepare(&Inventory::from_objects(objects)))),
        }
    }

    /// Lints one object that comes without source text (an admission request's object):
    /// configuration exemptions and `plimsoll.io/ignore` annotations apply to its findings as
    /// they do to files. An evaluation error is never suppressed, so that a failure policy still
    /// sees it.
    pub fn lint_object(&mut self, document: &Document) -> ObjectReport {
        // An object linted alone has no run: rules that relate objects say nothing about it.
        let run_inventory = self.run_inventory.clone();
        self.enter_inventory(run_inventory.as_ref());
        let suppression = self.suppression.clone();
        let suppressor = Suppressor::new(&suppression, None);
        let result = self.lint_document(document);
        let (kept, _) = suppressor.partition(result.findings, Some(document));
        ObjectReport { findings: kept, error: result.error }
    }

    /// Evaluates every enabled rule, and every matching Gatekeeper constraint, against one object
    /// and locates the violations. No suppression applies.
    pub fn lint_document(&mut self, document: &Document) -> ObjectReport {
        let mut result = self.lint_builtin(document);
        if let Some(run) = self.gatekeeper_run(std::iter::once(&document.value)) {
            result.findings.extend(gatekeeper::findings(&run, document));
        }
        result
    }

    /// Evaluates every enabled built-in rule (Rego and Rust) against one object.
    fn lint_builtin(&mut self, document: &Document) -> ObjectReport {
        let mut findings = match &self.schema {
            Some(checker) => checker.findings(document, |id| Some(self.rules.get(id)?.severity)),
            None => Vec::new(),
        };
        if !self.evaluated.includes(&document.value) {
            return ObjectReport { findings, error: None };
        }
        let input = to_rego(&document.value);
        let mut facts =
            functions::facts_with_cache(&document.value, &input, self.verifier.as_deref(), &mut self.facts_cache);
        if let (Some(inventory), Ok(fields)) = (&self.inventory, facts.as_object_mut()) {
            fields.insert(RegoValue::from("relations"), inventory.relations(document));
        }
        let results = match self.evaluator.evaluate(input, facts) {
            Ok(value) => value,
            Err(reason) => {
                let error = EvaluationError { at: Location::of_document(document), reason };
                return ObjectReport { findings, error: Some(error) };
            }
        };
        if let Ok(set) = results.as_set() {
            findings.extend(set.iter().filter_map(|result| self.violation_finding(document, result)));
        }
        ObjectReport { findings, error: None }
    }

    fn violation_finding(&self, document: &Document, result: &RegoValue) -> Option<Finding> {
        let rule_id = result["rule"].as_string().ok()?.to_string();
        let rule = self.rules.get(&rule_id)?;
        let violation = &result["violation"];
        let (message, path) = read_violation(violation);
        let mut finding = Finding::new(rule_id, rule.severity, message, Location::in_object(document, path));
        if let (Some(inventory), Ok(_)) = (&self.inventory, violation.as_object()) {
            finding.related = inventory.related(&violation["related"]);
        }
        Some(finding)
    }
}

/// A loader problem: an error at the text that could not be read.
pub(super) fn problem_finding(file: &Arc<str>, problem: &Problem) -> Finding {
    let at = Location::in_text(file.clone(), problem.span, problem.document, problem.template.clone());
    Finding::new(problem.kind.rule_id(), Severity::Error, problem.message.clone(), at)
}

/// A violation is `{"msg": string, "path": [keys and indexes] | "a.b[0]"}`; a bare string is a
/// message about the whole object.
fn read_violation(violation: &RegoValue) -> (String, Option<Path>) {
    if let Ok(message) = violation.as_string() {
        return (message.to_string(), None);
    }
    let message = violation["msg"].as_string().map(|s| s.to_string()).unwrap_or_else(|_| violation.to_string());
    let path = match &violation["path"] {
        RegoValue::String(text) => Path::parse(text),
        RegoValue::Array(items) => {
            let json: Vec<Value> = items.iter().map(|v| serde_json::to_value(v).unwrap_or(Value::Null)).collect();
            Path::from_json_array(&json)
        }
        _ => None,
    };
    (message, path)
}
