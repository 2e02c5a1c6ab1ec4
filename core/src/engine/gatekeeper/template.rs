//! ConstraintTemplates: reading one, compiling its Rego, evaluating its `violation` rule.
//!
//! A template's Rego comes from its `admission.k8s.gatekeeper.sh` target, either as `rego` (plus
//! `libs`) or as the `engine: Rego` entry of its `code` list (`source.rego`, `source.libs`, and
//! `source.version: v1` for Rego v1; Rego v0 otherwise, as Gatekeeper reads it). The template and
//! each lib become modules of one regorus engine per template, so packages of different templates
//! never meet. [`Template::with_data`] clones that engine with a run's `data.inventory`;
//! [`Prepared::violations`] clones it again per evaluation (cheap: compiled modules are shared).
//! The template's parameter schema ([`ParameterSchema`]) checks its Constraints' parameters.

use super::{compat, group_of, GatekeeperError, Origin, ADMISSION_TARGET};
use crate::engine::convert::to_rego;
use crate::load::Document;
use crate::schema::parameters::ParameterSchema;
use regorus::utils::limits::ExecutionTimerConfig;
use regorus::Value as RegoValue;
use serde_json::Value;
use std::sync::Arc;

/// API versions of ConstraintTemplate that are read.
const VERSIONS: &[&str] = &["v1", "v1beta1", "v1alpha1"];

/// A compiled ConstraintTemplate.
#[derive(Clone)]
pub struct Template {
    /// `metadata.name`.
    pub name: String,
    /// The Constraint kind it defines (`spec.crd.spec.names.kind`).
    pub kind: String,
    pub origin: Origin,
    /// `data.<package>.violation`, the rule evaluated.
    violation_rule: String,
    engine: regorus::Engine,
    /// What the template's Constraints may set as `spec.parameters`.
    pub parameters: Arc<ParameterSchema>,
}

/// The Rego found in a template's target.
struct RegoSource {
    rego: String,
    libs: Vec<String>,
    v1: bool,
    /// Where the Rego is written, for error messages.
    path: String,
}

impl Template {
    /// Reads and compiles a ConstraintTemplate document.
    pub fn from_document(document: &Document) -> Result<Template, GatekeeperError> {
        let value = &document.value;
        let origin = Origin::of(document);
        let name = value.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default().to_string();
        let error = |message: String| GatekeeperError::Template {
            template: name.clone(),
            file: origin.file.clone(),
            line: origin.line,
            message,
        };
        let version = value.get("apiVersion").and_then(Value::as_str).and_then(|v| v.rsplit_once('/')).map(|(_, v)| v);
        if group_of(value) != "templates.gatekeeper.sh" || !version.is_some_and(|v| VERSIONS.contains(&v)) {
            return Err(error(format!(
                "unsupported apiVersion (expected templates.gatekeeper.sh/{})",
                VERSIONS.join(", /")
            )));
        }
        if name.is_empty() {
            return Err(error("metadata.name is missing".into()));
        }
        let kind = value.pointer("/spec/crd/spec/names/kind").and_then(Value::as_str).unwrap_or_default().to_string();
        if kind.is_empty() {
            return Err(error("spec.crd.spec.names.kind is missing".into()));
        }
        let source = rego_source(value).map_err(|problem| match problem {
            SourceProblem::Invalid(message) => error(message),
            SourceProblem::NoRego(engines) => GatekeeperError::Unsupported {
                template: name.clone(),
                file: origin.file.clone(),
                line: origin.line,
                target: ADMISSION_TARGET.into(),
                engines,
            },
        })?;
        let rego_line = Origin::line_of(document, &source.path);
        let rego_error = |message: String| GatekeeperError::Rego {
            template: name.clone(),
            file: origin.file.clone(),
            line: origin.line,
            rego_line,
            message,
        };
        let (engine, violation_rule) = compile(&name, &source).map_err(rego_error)?;
        let parameters = Arc::new(ParameterSchema::of_template(value));
        Ok(Template { name, kind, origin, violation_rule, engine, parameters })
    }

    /// This template's engine with `data.inventory` set for a run.
    pub(crate) fn with_data(&self, data: &RegoValue, timer: Option<ExecutionTimerConfig>) -> Prepared {
        let mut engine = self.engine.clone();
        if let Some(timer) = timer {
            engine.set_execution_timer_config(timer);
        }
        // The data root is empty (templates read only data.inventory), so adding cannot clash.
        let added = engine.add_data(data.clone()).map_err(|e| e.to_string());
        // Evaluating once readies the engine for the new data, so the clones made per review
        // start prepared. The probe's own result does not matter.
        engine.set_input(probe_input());
        let _ = engine.eval_rule(self.violation_rule.clone());
        Prepared { engine, violation_rule: self.violation_rule.clone(), setup_error: added.err() }
    }
}

/// A template engine holding a run's inventory.
pub(crate) struct Prepared {
    engine: regorus::Engine,
    violation_rule: String,
    setup_error: Option<String>,
}

impl Prepared {
    /// The `msg` of every result of the template's `violation` rule for this review and parameters.
    pub(crate) fn violations(&self, review: &RegoValue, parameters: &RegoValue) -> Result<Vec<String>, String> {
        if let Some(error) = &self.setup_error {
            return Err(error.clone());
        }
        let mut engine = self.engine.clone();
        let mut input = std::collections::BTreeMap::new();
        input.insert(RegoValue::from("review"), review.clone());
        input.insert(RegoValue::from("parameters"), parameters.clone());
        engine.set_input(RegoValue::from(input));
        let results = engine.eval_rule(self.violation_rule.clone()).map_err(|e| e.to_string())?;
        Ok(messages(&results))
    }
}

/// Each result's `msg`; a result without one is shown whole, so that nothing is lost.
fn messages(results: &RegoValue) -> Vec<String> {
    let items: Vec<&RegoValue> = match results {
        RegoValue::Set(set) => set.iter().collect(),
        RegoValue::Array(array) => array.iter().collect(),
        _ => Vec::new(),
    };
    items
        .into_iter()
        .map(|item| match &item["msg"] {
            RegoValue::String(msg) => msg.to_string(),
            _ => item.to_string(),
        })
        .collect()
}

enum SourceProblem {
    Invalid(String),
    /// No Rego; the engines that are there.
    NoRego(String),
}

/// Finds the Rego of the admission target.
fn rego_source(template: &Value) -> Result<RegoSource, SourceProblem> {
    let targets = template.pointer("/spec/targets").and_then(Value::as_array);
    let Some((index, target)) = targets
        .into_iter()
        .flatten()
        .enumerate()
        .find(|(_, t)| t.get("target").and_then(Value::as_str) == Some(ADMISSION_TARGET))
    else {
        return Err(SourceProblem::Invalid(format!("spec.targets has no target {ADMISSION_TARGET}")));
    };
    let base = format!("spec.targets[{index}]");
    if let Some(rego) = target.get("rego").and_then(Value::as_str) {
        let libs = strings(target.get("libs"), &format!("{base}.libs"))?;
        return Ok(RegoSource { rego: rego.to_string(), libs, v1: false, path: format!("{base}.rego") });
    }
    let code = target.get("code").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let rego_entry = code.iter().enumerate().find(|(_, c)| c.get("engine").and_then(Value::as_str) == Some("Rego"));
    let Some((entry, code)) = rego_entry else {
        let engines: Vec<&str> = code.iter().filter_map(|c| c.get("engine").and_then(Value::as_str)).collect();
        let engines = if engines.is_empty() { "none".to_string() } else { engines.join(", ") };
        return Err(SourceProblem::NoRego(engines));
    };
    let base = format!("{base}.code[{entry}].source");
    let source = code.get("source");
    let rego = source.and_then(|s| s.get("rego")).and_then(Value::as_str);
    let Some(rego) = rego else { return Err(SourceProblem::Invalid(format!("{base}.rego is missing"))) };
    let libs = strings(source.and_then(|s| s.get("libs")), &format!("{base}.libs"))?;
    let v1 = match source.and_then(|s| s.get("version")).and_then(Value::as_str) {
        None | Some("v0") => false,
        Some("v1") => true,
        Some(other) => return Err(SourceProblem::Invalid(format!("{base}.version {other:?} is not v0 or v1"))),
    };
    Ok(RegoSource { rego: rego.to_string(), libs, v1, path: format!("{base}.rego") })
}

fn strings(value: Option<&Value>, path: &str) -> Result<Vec<String>, SourceProblem> {
    let Some(value) = value else { return Ok(Vec::new()) };
    let items = value.as_array().ok_or_else(|| SourceProblem::Invalid(format!("{path} is not a list")))?;
    items
        .iter()
        .map(|item| {
            item.as_str()
                .map(str::to_string)
                .ok_or_else(|| SourceProblem::Invalid(format!("{path} holds a non-string")))
        })
        .collect()
}

/// Loads the template's modules into a fresh engine and evaluates `violation` once on an empty
/// review: regorus reports unknown functions and some other mistakes only when a rule first runs.
fn compile(name: &str, source: &RegoSource) -> Result<(regorus::Engine, String), String> {
    let mut engine = regorus::Engine::new();
    // The probe below runs the template once: bounded like any evaluation.
    if let Some(timer) = crate::engine::budget::timer(crate::engine::budget::DEFAULT_BUDGET_MS) {
        engine.set_execution_timer_config(timer);
    }
    engine.set_rego_v0(!source.v1);
    super::compat::register(&mut engine).map_err(|e| e.to_string())?;
    let package = engine
        .add_policy(format!("{name}.rego"), compat::rewrite(&source.rego, !source.v1))
        .map_err(|e| e.to_string())?;
    for (i, lib) in source.libs.iter().enumerate() {
        engine
            .add_policy(format!("{name}-lib{i}.rego"), compat::rewrite(lib, !source.v1))
            .map_err(|e| e.to_string())?;
    }
    let violation_rule = format!("{package}.violation");
    let violation_rule =
        if violation_rule.starts_with("data.") { violation_rule } else { format!("data.{violation_rule}") };
    engine.set_input(probe_input());
    engine.eval_rule(violation_rule.clone()).map_err(|e| e.to_string())?;
    Ok((engine, violation_rule))
}

/// An input with an empty object under review.
fn probe_input() -> RegoValue {
    to_rego(&serde_json::json!({"review": {"object": {}}, "parameters": {}}))
}
