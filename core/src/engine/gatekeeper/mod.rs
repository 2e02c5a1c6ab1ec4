//! Gatekeeper policies: ConstraintTemplates and their Constraints, run like built-in rules.
//!
//! Data flow:
//! 1. [`PolicySet::from_documents`] reads loaded documents: each ConstraintTemplate
//!    (`template`) becomes a regorus engine holding its Rego and libs, compiled once; each
//!    Constraint (`constraint`) keeps its parameters (which its template's schema must accept),
//!    its `spec.match` (`matching`) and its enforcement action. A template with invalid Rego, or with no Rego at all (CEL only), stops
//!    the build with a [`GatekeeperError`] naming it.
//! 2. [`PolicySet::prepare`] takes the [`Inventory`] of every object of a run (`review`) and
//!    hands it to each template engine as `data.inventory`, once per run.
//! 3. [`Run::review`] shapes an object as Gatekeeper's `input.review`, selects the constraints
//!    whose match holds and evaluates each one's template `violation` rule with
//!    `input.parameters` set to the constraint's; each result is a [`Violation`].
//! 4. The linter turns violations into findings (rule `<Kind>/<name>`, severity from the
//!    enforcement action); [`suite`] runs gator test suites with the same pieces.

mod compat;
pub(crate) mod constraint;
pub(crate) mod matching;
pub(crate) mod review;
pub mod suite;
pub(crate) mod template;

pub use constraint::{Constraint, EnforcementAction};
pub use review::Inventory;
pub use template::Template;

use crate::load::position::Path;
use crate::load::Document;
use crate::report::finding::{Finding, Location, Severity};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// The Gatekeeper admission target: the only one plimsoll evaluates.
pub const ADMISSION_TARGET: &str = "admission.k8s.gatekeeper.sh";

/// Why Gatekeeper policies could not be used. Each names the document at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
pub enum GatekeeperError {
    /// `line` is the template document's first line, `rego_line` where its Rego is written.
    #[error(
        "ConstraintTemplate {template:?} ({file}:{line}) has invalid Rego (written from line {rego_line}): {message}"
    )]
    #[diagnostic(code(plimsoll::gatekeeper::rego))]
    Rego { template: String, file: String, line: u32, rego_line: u32, message: String },
    #[error(
        "ConstraintTemplate {template:?} ({file}:{line}) is unsupported: it has no Rego for target {target} \
         (engines: {engines}); plimsoll evaluates Rego only"
    )]
    #[diagnostic(
        code(plimsoll::gatekeeper::unsupported),
        help("add an `engine: Rego` entry to its `code` list, or leave the template out")
    )]
    Unsupported { template: String, file: String, line: u32, target: String, engines: String },
    #[error("ConstraintTemplate {template:?} ({file}:{line}): {message}")]
    #[diagnostic(code(plimsoll::gatekeeper::template))]
    Template { template: String, file: String, line: u32, message: String },
    #[error("Constraint {kind}/{name} ({file}:{line}): {message}")]
    #[diagnostic(code(plimsoll::gatekeeper::constraint))]
    Constraint { kind: String, name: String, file: String, line: u32, message: String },
}

/// Where a policy document was read from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: u32,
}

impl Origin {
    fn of(document: &Document) -> Origin {
        Origin { file: document.file.to_string(), line: document.positions.span.start.line }
    }

    /// The line where `path` is written in `document` (the document's first line if it is not).
    fn line_of(document: &Document, path: &str) -> u32 {
        Path::parse(path).map_or(document.positions.span.start.line, |p| document.locate(&p).span.start.line)
    }
}

/// Whether a document is a ConstraintTemplate (`templates.gatekeeper.sh`).
pub fn is_template(value: &Value) -> bool {
    value.get("kind").and_then(Value::as_str) == Some("ConstraintTemplate")
        && group_of(value) == "templates.gatekeeper.sh"
}

/// Whether a document is a Constraint (`constraints.gatekeeper.sh`).
pub fn is_constraint(value: &Value) -> bool {
    group_of(value) == "constraints.gatekeeper.sh"
}

/// Whether a document is a Gatekeeper policy document (template or constraint).
pub fn is_policy_document(value: &Value) -> bool {
    is_template(value) || is_constraint(value)
}

/// The API group of an object's `apiVersion` (`""` for the core group).
pub(crate) fn group_of(value: &Value) -> &str {
    let api_version = value.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}

/// Refuses a constraint whose `spec.parameters` its template's schema rejects, as the API server
/// would (see [`crate::schema::parameters`]), located at the first offending parameter.
fn check_parameters(template: &Template, constraint: &Constraint, document: &Document) -> Result<(), GatekeeperError> {
    let error = |line: u32, message: String| GatekeeperError::Constraint {
        kind: constraint.kind.clone(),
        name: constraint.name.clone(),
        file: constraint.origin.file.clone(),
        line,
        message,
    };
    let problems = template.parameters.problems(&document.value).map_err(|e| error(template.origin.line, e))?;
    let Some(first) = problems.first() else { return Ok(()) };
    let listed: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.path, p.message)).collect();
    let message = format!("its parameters do not fit template {:?}: {}", template.name, listed.join("; "));
    Err(error(document.locate(&first.path).span.start.line, message))
}

/// Compiled templates and the constraints that use them. Built once; shared by every worker.
#[derive(Clone, Default)]
pub struct PolicySet {
    /// Templates by the Constraint kind they define.
    templates: BTreeMap<String, Arc<Template>>,
    constraints: Vec<Arc<Constraint>>,
    /// The wall-clock budget of each template's evaluation for one object.
    timer: Option<regorus::utils::limits::ExecutionTimerConfig>,
    budget_ms: u64,
}

impl fmt::Debug for PolicySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolicySet")
            .field("templates", &self.templates.keys().collect::<Vec<_>>())
            .field("constraints", &self.constraints.iter().map(|c| c.rule_id()).collect::<Vec<_>>())
            .finish()
    }
}

impl PolicySet {
    /// Reads every template and constraint among `documents` (others are ignored) and compiles
    /// the templates. Every constraint must have its template among them.
    pub fn from_documents<'a>(documents: impl IntoIterator<Item = &'a Document>) -> Result<PolicySet, GatekeeperError> {
        let documents: Vec<&Document> = documents.into_iter().collect();
        let mut set = PolicySet::default();
        for document in documents.iter().filter(|d| is_template(&d.value)) {
            set.add_template(Template::from_document(document)?)?;
        }
        for document in documents.iter().filter(|d| is_constraint(&d.value)) {
            set.add_constraint(Constraint::from_document(document)?, document)?;
        }
        Ok(set)
    }

    /// Adds a compiled template; a second template for the same kind is an error.
    pub fn add_template(&mut self, template: Template) -> Result<(), GatekeeperError> {
        if let Some(existing) = self.templates.get(&template.kind) {
            return Err(GatekeeperError::Template {
                template: template.name.clone(),
                file: template.origin.file.clone(),
                line: template.origin.line,
                message: format!(
                    "kind {} is already defined by template {:?} ({}:{})",
                    template.kind, existing.name, existing.origin.file, existing.origin.line
                ),
            });
        }
        self.templates.insert(template.kind.clone(), Arc::new(template));
        Ok(())
    }

    /// Adds a constraint read from `document`, whose template must already be present and accept
    /// its parameters.
    pub fn add_constraint(&mut self, constraint: Constraint, document: &Document) -> Result<(), GatekeeperError> {
        let Some(template) = self.templates.get(&constraint.kind) else {
            return Err(GatekeeperError::Constraint {
                kind: constraint.kind.clone(),
                name: constraint.name.clone(),
                file: constraint.origin.file.clone(),
                line: constraint.origin.line,
                message: format!("no ConstraintTemplate defines kind {}", constraint.kind),
            });
        };
        check_parameters(template, &constraint, document)?;
        self.constraints.push(Arc::new(constraint));
        Ok(())
    }

    /// Whether there is nothing to evaluate.
    pub fn is_empty(&self) -> bool {
        self.constraints.is_empty()
    }

    /// Number of templates and of constraints.
    pub fn counts(&self) -> (usize, usize) {
        (self.templates.len(), self.constraints.len())
    }

    /// The evaluation budget per object, in milliseconds (see [`crate::engine::budget`]).
    pub(crate) fn set_budget(&mut self, budget_ms: u64) {
        self.timer = crate::engine::budget::timer(budget_ms);
        self.budget_ms = budget_ms;
    }

    /// Readies every template for a run whose objects make up `inventory`.
    pub fn prepare(&self, inventory: &Inventory) -> Run {
        let data = inventory.to_data();
        let engines = self
            .templates
            .iter()
            .map(|(kind, template)| (kind.clone(), template.with_data(&data, self.timer)))
            .collect();
        let budget_ms = self.budget_ms;
        Run { engines, constraints: self.constraints.clone(), namespaces: inventory.namespace_labels(), budget_ms }
    }
}

/// One violation of one constraint.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub constraint: Arc<Constraint>,
    /// The violation's `msg`, or why the template could not be evaluated.
    pub message: String,
    /// Set when evaluation failed rather than reporting a violation.
    pub failed: bool,
}

/// Templates with a run's inventory loaded, ready to review objects from any thread.
pub struct Run {
    engines: BTreeMap<String, template::Prepared>,
    constraints: Vec<Arc<Constraint>>,
    /// Labels of the run's Namespace objects, for `namespaceSelector`.
    namespaces: BTreeMap<String, BTreeMap<String, String>>,
    /// The evaluation budget per object, for messages.
    budget_ms: u64,
}

impl Run {
    /// Reviews one object (a manifest) against every matching constraint.
    pub fn review(&self, object: &Value) -> Vec<Violation> {
        let review = review::Review::of_object(object);
        self.review_prepared(&review)
    }

    /// Reviews an already shaped review (an object, or an AdmissionReview's request).
    pub fn review_prepared(&self, review: &review::Review) -> Vec<Violation> {
        let namespace_labels = |name: &str| self.namespaces.get(name);
        let mut violations = Vec::new();
        for constraint in &self.constraints {
            if !constraint.matcher.matches(&review.object, &namespace_labels) {
                continue;
            }
            let Some(engine) = self.engines.get(&constraint.kind) else { continue };
            match engine.violations(&review.value, &constraint.parameters) {
                Ok(messages) => violations.extend(messages.into_iter().map(|message| Violation {
                    constraint: constraint.clone(),
                    message,
                    failed: false,
                })),
                Err(error) => violations.push(Violation {
                    constraint: constraint.clone(),
                    message: format!(
                        "policy evaluation failed: {}",
                        crate::engine::budget::explain(error, self.budget_ms)
                    ),
                    failed: true,
                }),
            }
        }
        violations
    }
}

/// The findings of every matching constraint for one linted object. A finding is located at the
/// object's `metadata` (the document's start without one): a violation names no field.
pub(crate) fn findings(run: &Run, document: &Document) -> Vec<Finding> {
    run.review(&document.value)
        .into_iter()
        .map(|violation| {
            let severity = if violation.failed { Severity::Error } else { violation.constraint.action.severity() };
            let at = Location::in_object(document, None);
            Finding::new(violation.constraint.rule_id(), severity, violation.message, at)
        })
        .collect()
}
