//! Running the rules against one object.
//!
//! [`Prepared::new`] loads the shared library and the selected rules into a regorus engine, adds a
//! generated module whose one rule (`data.plimsoll.run.findings`) gathers every rule's violations,
//! and compiles that rule to an RVM program: one compiled query per object is several times
//! cheaper than interpreting it (and much cheaper than a query per rule). Should compilation fail
//! (a construct the compiler does not handle), the interpreter serves instead: slower, same results.
//! Each worker gets an [`Evaluator`] of its own; evaluation is bounded by an instruction budget, so
//! a runaway policy gives the same error on every platform instead of hanging.
//!
//! Per object the evaluator also sets `data.plimsoll.facts`, what [`crate::engine::functions`] computed
//! for it in Rust (parsed quantities and images, signature verdicts): the compiled program cannot
//! call Rust, so the answers are handed in beforehand. The engine has the same functions as extensions.
//!
//! Rules are evaluated only for objects in their scope (`custom.scope`) that write one of the
//! fields they need (`custom.requires_fields`): the evaluator lists the others in
//! `data.plimsoll.facts.skipped_rules` ([`crate::engine::prefilter`]), and the aggregate rule does
//! not call their `violation`.

use crate::engine::convert::to_rego;
use crate::engine::prefilter::RuleFilter;
use crate::engine::user_policy::{LoadedPolicies, PolicyError};
use crate::rules::{self, PolicyFileKind, RuleEngine, RuleMeta, RuleScope, BUILTIN_POLICY_FILES};
use crate::signature::Verifier;
use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::program::Program;
use regorus::rvm::vm::RegoVM;
use regorus::utils::limits::ExecutionTimerConfig;
use regorus::Value as RegoValue;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

/// Why the policies could not be prepared.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PrepareError {
    /// A built-in module, the engine's data or the generated aggregate module was refused.
    Policy { path: String, message: String },
    /// A user's policy is broken.
    User(PolicyError),
}

impl From<PolicyError> for PrepareError {
    fn from(error: PolicyError) -> Self {
        PrepareError::User(error)
    }
}

/// The rule that collects every enabled rule's violations.
const AGGREGATE_RULE: &str = "data.plimsoll.run.findings";

/// Most VM instructions one object's evaluation may take: the deterministic bound (the clock
/// budget of [`crate::engine::budget`] is the one users set).
const MAX_INSTRUCTIONS: usize = 50_000_000;

/// Policies loaded and compiled once; shared by all workers.
pub(crate) struct Prepared {
    engine: regorus::Engine,
    program: Option<Arc<Program>>,
    /// Why the rules could not be compiled, when they run interpreted.
    fallback_reason: Option<String>,
    /// The data every object shares, as JSON: each worker makes its own copy.
    data_json: Value,
    filter: Arc<RuleFilter>,
    /// The entry point of each class of object, for the compiled program.
    classes: Arc<ObjectClasses>,
    /// The wall-clock budget per object (see [`crate::engine::budget`]).
    budget_ms: u64,
    timer: Option<ExecutionTimerConfig>,
}

/// The prepared policies, made at once when making them may fail on the user's own policies or
/// data (the error is then reported before linting), else the first time a worker needs them:
/// a run that reads no object (an empty file, a document the reader refuses) never compiles the
/// catalog, which is most of a short run's memory.
pub(crate) struct PreparedOnce {
    prepared: OnceLock<Result<Prepared, String>>,
    /// What a deferred [`Prepared::new`] is given.
    deferred: Option<DeferredInputs>,
}

/// How prepared policies evaluate, beside the rules and their settings.
#[derive(Clone, Default)]
pub(crate) struct EvaluationSettings {
    /// What `images/signature` verifies signatures with.
    pub verifier: Option<Arc<Verifier>>,
    /// The wall-clock budget per object (see [`crate::engine::budget`]).
    pub budget_ms: u64,
    /// Whether the user declared the input complete (`data.plimsoll.complete_input`).
    pub complete_input: bool,
}

struct DeferredInputs {
    rules: Vec<RuleMeta>,
    config: serde_json::Map<String, Value>,
    settings: EvaluationSettings,
}

impl DeferredInputs {
    fn prepare(
        &self,
        user: &LoadedPolicies,
        user_data: &serde_json::Map<String, Value>,
    ) -> Result<Prepared, PrepareError> {
        Prepared::new(&self.rules, &self.config, user, user_data, &self.settings)
    }
}

impl PreparedOnce {
    /// [`Prepared::new`], now or when first needed (see [`PreparedOnce`]).
    pub(crate) fn new(
        selected: &[RuleMeta],
        config: &serde_json::Map<String, Value>,
        user: &LoadedPolicies,
        user_data: &serde_json::Map<String, Value>,
        settings: &EvaluationSettings,
    ) -> Result<PreparedOnce, PrepareError> {
        let inputs = DeferredInputs { rules: selected.to_vec(), config: config.clone(), settings: settings.clone() };
        if user.modules.is_empty() && user_data.is_empty() {
            return Ok(PreparedOnce { prepared: OnceLock::new(), deferred: Some(inputs) });
        }
        let prepared = inputs.prepare(user, user_data)?;
        Ok(PreparedOnce { prepared: OnceLock::from(Ok(prepared)), deferred: None })
    }

    /// The prepared policies, made now if they were deferred. Built-in policies that fail to
    /// prepare (a defect, which their tests would show) give every object an evaluation error.
    fn get(&self) -> Result<&Prepared, &str> {
        let made = self.prepared.get_or_init(|| {
            let Some(inputs) = &self.deferred else { return Err("the policies were not prepared".to_string()) };
            inputs.prepare(&LoadedPolicies::default(), &serde_json::Map::new()).map_err(|e| match e {
                PrepareError::Policy { path, message } => format!("{path}: {message}"),
                PrepareError::User(error) => error.to_string(),
            })
        });
        made.as_ref().map_err(String::as_str)
    }

    pub(crate) fn mode(&self) -> &'static str {
        self.get().map_or("unavailable", Prepared::mode)
    }

    pub(crate) fn fallback_reason(&self) -> Option<&str> {
        self.get().map_or_else(Some, Prepared::fallback_reason)
    }

    /// A worker's evaluator (see [`Prepared::evaluator`]).
    pub(crate) fn evaluator(&self) -> Evaluator {
        match self.get() {
            Ok(prepared) => prepared.evaluator(),
            Err(reason) => Evaluator {
                engine: Engine::Unavailable(reason.to_string()),
                budget_ms: 0,
                data: RegoValue::new_object(),
                filter: Arc::new(RuleFilter::new(&[])),
                classes: Arc::new(ObjectClasses::new(&[])),
            },
        }
    }
}

/// One worker's means of evaluation, and the data every object shares.
pub(crate) struct Evaluator {
    engine: Engine,
    budget_ms: u64,
    data: RegoValue,
    filter: Arc<RuleFilter>,
    classes: Arc<ObjectClasses>,
}

enum Engine {
    Compiled(Box<RegoVM>),
    Interpreted(Box<regorus::Engine>),
    /// The policies could not be prepared: every evaluation fails with this reason.
    Unavailable(String),
}

impl Prepared {
    pub(crate) fn new(
        selected: &[RuleMeta],
        config: &serde_json::Map<String, Value>,
        user: &LoadedPolicies,
        user_data: &serde_json::Map<String, Value>,
        settings: &EvaluationSettings,
    ) -> Result<Prepared, PrepareError> {
        let EvaluationSettings { verifier, budget_ms, complete_input } = settings.clone();
        let timer = crate::engine::budget::timer(budget_ms);
        // Rules implemented in Rust have no policy to load.
        let selected: Vec<RuleMeta> = selected.iter().filter(|r| r.engine == RuleEngine::Rego).cloned().collect();
        let selected = selected.as_slice();
        let policy_error =
            |path: &str, e: &dyn std::fmt::Display| PrepareError::Policy { path: path.into(), message: e.to_string() };
        let mut data_json = base_data(config, user_data);
        if let Some(plimsoll) = data_json.get_mut("plimsoll").and_then(Value::as_object_mut) {
            plimsoll.insert("complete_input".into(), Value::Bool(complete_input));
        }
        let data = to_rego(&data_json);
        let mut engine = regorus::Engine::new();
        if let Some(timer) = timer {
            engine.set_execution_timer_config(timer);
        }
        engine.set_rego_v0(false);
        crate::engine::functions::register(&mut engine, verifier).map_err(|e| policy_error("functions", &e))?;
        engine.add_data(data.clone()).map_err(|e| policy_error("data.plimsoll", &e))?;
        for (path, source) in policy_files(selected) {
            let path = format!("policies/{path}");
            engine.add_policy(path.clone(), source.to_string()).map_err(|e| policy_error(&path, &e))?;
        }
        for module in &user.modules {
            engine.set_rego_v0(module.rego_v0);
            let added = engine.add_policy(module.name.clone(), module.text.clone());
            engine.set_rego_v0(false);
            added.map_err(|e| PolicyError::from_engine(&module.name, &e.to_string()))?;
        }
        let run = "plimsoll/run.rego";
        let classes = ObjectClasses::new(selected);
        engine
            .add_policy(run.into(), aggregate_module(selected, &user.complete_rules, &classes))
            .map_err(|e| policy_error(run, &e))?;
        // regorus reports unknown functions and some type errors only when a rule first runs:
        // users' policies are run once on an empty object so that such an error is reported
        // before linting, as theirs. The built-in policies' own tests run every one of them,
        // and this run was a quarter of the start-up.
        if !user.modules.is_empty() {
            engine.set_input(RegoValue::new_object());
            engine
                .eval_rule(AGGREGATE_RULE.into())
                .map_err(|e| evaluation_error(user, &crate::engine::budget::explain(e.to_string(), budget_ms)))?;
        }
        let (program, fallback_reason) = match compile(&mut engine, &classes) {
            Ok(program) => (Some(program), None),
            Err(reason) => {
                unknown_user_function(user, &reason)?;
                (None, Some(reason))
            }
        };
        let filter = Arc::new(RuleFilter::new(selected));
        let classes = Arc::new(classes);
        Ok(Prepared { engine, program, fallback_reason, data_json, filter, classes, budget_ms, timer })
    }

    pub(crate) fn mode(&self) -> &'static str {
        if self.program.is_some() {
            "compiled"
        } else {
            "interpreted"
        }
    }

    pub(crate) fn fallback_reason(&self) -> Option<&str> {
        self.fallback_reason.as_deref()
    }

    /// A worker's evaluator. It gets copies of the program and the data that share no reference
    /// counts with other workers': the VM clones literals and data values all the time, and
    /// workers counting on the same counters slowed each other down (two workers took a fifth
    /// more CPU per document than one).
    pub(crate) fn evaluator(&self) -> Evaluator {
        let interpreted = || Engine::Interpreted(Box::new(self.engine.clone()));
        let data = to_rego(&self.data_json);
        let engine = match &self.program {
            Some(program) => {
                let mut vm = RegoVM::new();
                vm.load_program(own_copy(program));
                vm.set_max_instructions(MAX_INSTRUCTIONS);
                vm.set_execution_timer_config(self.timer);
                match vm.set_data(data.clone()) {
                    Ok(()) => Engine::Compiled(Box::new(vm)),
                    Err(_) => interpreted(),
                }
            }
            None => interpreted(),
        };
        Evaluator {
            engine,
            budget_ms: self.budget_ms,
            data,
            filter: self.filter.clone(),
            classes: self.classes.clone(),
        }
    }
}

impl Evaluator {
    /// Sets the run's inventory, `data.plimsoll.inventory` (see [`crate::k8s::inventory`]), for
    /// the objects evaluated from now on; `None` removes it.
    pub(crate) fn set_inventory(&mut self, inventory: Option<RegoValue>) {
        if let Ok(root) = self.data.as_object_mut() {
            if let Some(Ok(plimsoll)) = root.get_mut(&RegoValue::from("plimsoll")).map(RegoValue::as_object_mut) {
                match inventory {
                    Some(inventory) => plimsoll.insert(RegoValue::from("inventory"), inventory),
                    None => plimsoll.remove(&RegoValue::from("inventory")),
                };
            }
        }
    }

    /// Evaluates the aggregate rule for one object, with the facts core computed for it: a set of
    /// `{"rule", "violation"}`.
    pub(crate) fn evaluate(&mut self, input: RegoValue, mut facts: RegoValue) -> Result<RegoValue, String> {
        if !self.filter.is_empty() {
            if let Ok(facts) = facts.as_object_mut() {
                facts.insert(RegoValue::from("skipped_rules"), self.filter.skipped_rules(&input));
            }
        }
        let data = with_facts(&self.data, facts);
        let budget_ms = self.budget_ms;
        let result = match &mut self.engine {
            Engine::Compiled(vm) => {
                let entry_point = self.classes.entry_point(&input);
                vm.set_data(data).map_err(|e| e.to_string())?;
                vm.set_input(input);
                match entry_point {
                    Some(name) => vm.execute_entry_point_by_name(name),
                    None => vm.execute(),
                }
                .map_err(|e| e.to_string())
            }
            Engine::Interpreted(engine) => {
                engine.clear_data();
                engine.add_data(data).map_err(|e| e.to_string())?;
                engine.set_input(input);
                engine.eval_rule(AGGREGATE_RULE.into()).map_err(|e| e.to_string())
            }
            Engine::Unavailable(reason) => Err(reason.clone()),
        };
        result.map_err(|reason| crate::engine::budget::explain(reason, budget_ms))
    }
}

/// An error evaluating the policies once at build time: located in the user's policy when it
/// names one of their files, else an error of the built-in policies.
fn evaluation_error(user: &LoadedPolicies, message: &str) -> PrepareError {
    let located = PolicyError::from_engine("policies", message);
    if user.modules.iter().any(|m| m.name == located.file) {
        PrepareError::User(located)
    } else {
        PrepareError::Policy { path: "policies".into(), message: message.to_string() }
    }
}

/// Calling a function that does not exist is an error in the policy. The interpreter notices only
/// when a call is reached (a rule whose first condition fails never gets there), but compiling
/// resolves every call of every rule the findings depend on: its "Unknown function" is reliable.
/// Plimsoll's own functions are extensions the compiler cannot call; they are not unknown.
fn unknown_user_function(user: &LoadedPolicies, reason: &str) -> Result<(), PolicyError> {
    let Some((_, rest)) = reason.split_once("Unknown function: '") else { return Ok(()) };
    let name = rest.split('\'').next().unwrap_or_default();
    let located = PolicyError::from_engine("policies", reason);
    if name.starts_with("plimsoll.") || !user.modules.iter().any(|m| m.name == located.file) {
        return Ok(());
    }
    Err(PolicyError { message: format!("unknown function `{name}`"), ..located })
}

/// The shared data with `plimsoll.facts` set (copy on write: only the two outer maps are copied).
fn with_facts(data: &RegoValue, facts: RegoValue) -> RegoValue {
    let mut data = data.clone();
    if let Ok(root) = data.as_object_mut() {
        if let Some(Ok(plimsoll)) = root.get_mut(&RegoValue::from("plimsoll")).map(RegoValue::as_object_mut) {
            plimsoll.insert(RegoValue::from("facts"), facts);
        }
    }
    data
}

/// A copy of `program` that shares no values with it (through its binary form); the shared
/// program itself should that fail.
#[cfg(feature = "parallel")]
fn own_copy(program: &Arc<Program>) -> Arc<Program> {
    use regorus::rvm::program::DeserializationResult;
    let copied = program.serialize_binary().and_then(|bytes| Program::deserialize_binary(&bytes));
    match copied {
        Ok(DeserializationResult::Complete(copy)) => Arc::new(copy),
        _ => program.clone(),
    }
}

/// Without the worker pool there is one worker: it may share the program (and the package stays
/// without the program serializer).
#[cfg(not(feature = "parallel"))]
fn own_copy(program: &Arc<Program>) -> Arc<Program> {
    program.clone()
}

fn compile(engine: &mut regorus::Engine, classes: &ObjectClasses) -> Result<Arc<Program>, String> {
    let compiled = engine.compile_with_entrypoint(&AGGREGATE_RULE.into()).map_err(|e| e.to_string())?;
    let entry_points: Vec<&str> = std::iter::once(AGGREGATE_RULE).chain(classes.entry_points()).collect();
    Compiler::compile_from_policy(&compiled, &entry_points).map_err(|e| e.to_string())
}

/// Objects fall into classes by whether they carry a pod spec and by their kind, when a selected
/// rule names it (`scope: kinds`). Each class has its own entry point in the compiled program,
/// which collects the violations of only the rules whose scope includes the class: skipping a rule
/// in the generated aggregate still cost a guard per rule and object, and a ConfigMap judged by one
/// rule paid for the other sixty.
#[derive(Debug, Default)]
pub(crate) struct ObjectClasses {
    /// (carries a pod spec, kind named by a rule or `None`) → the class's rules and entry point.
    classes: HashMap<(bool, Option<String>), ObjectClass>,
}

#[derive(Debug)]
struct ObjectClass {
    /// `data.plimsoll.run.<rule>`
    entry_point: String,
    /// Indexes of the class's rules among the selected.
    rules: Vec<usize>,
}

impl ObjectClasses {
    fn new(selected: &[RuleMeta]) -> ObjectClasses {
        let named: BTreeSet<&str> = selected
            .iter()
            .filter(|rule| rule.scope == RuleScope::Kinds)
            .flat_map(|rule| rule.kinds.iter().map(String::as_str))
            .collect();
        // A kind that is not a plain word cannot name a rule; its objects use the whole aggregate.
        let named: Vec<&str> =
            named.into_iter().filter(|kind| kind.chars().all(|c| c.is_ascii_alphanumeric())).collect();
        // Only kinds that carry a pod spec have a class with one.
        let pod_bearing: BTreeSet<&str> = crate::k8s::kinds::pod_bearing_kinds().collect();
        let pod_bearing = &pod_bearing;
        let keys = [false, true].into_iter().flat_map(|pod| {
            let kinds = named.iter().filter(move |kind| !pod || pod_bearing.contains(*kind));
            std::iter::once((pod, None)).chain(kinds.map(move |kind| (pod, Some(kind.to_string()))))
        });
        let classes = keys
            .map(|(pod, kind): (bool, Option<String>)| {
                let rules = (0..selected.len())
                    .filter(|&i| {
                        selected.get(i).is_some_and(|rule| rule.applies_to(kind.as_deref().unwrap_or(""), pod))
                    })
                    .collect();
                let name = format!("class_{}_{}", if pod { "pod" } else { "other" }, kind.as_deref().unwrap_or("any"));
                let class = ObjectClass { entry_point: format!("data.plimsoll.run.{name}"), rules };
                ((pod, kind), class)
            })
            .collect();
        ObjectClasses { classes }
    }

    fn entry_points(&self) -> impl Iterator<Item = &str> {
        self.classes.values().map(|class| class.entry_point.as_str())
    }

    /// The entry point for `input`'s class; `None`: the whole aggregate.
    fn entry_point(&self, input: &RegoValue) -> Option<&str> {
        let (kind, pod) = crate::engine::prefilter::kind_and_pod_spec(input);
        let class = self.classes.get(&(pod, Some(kind.to_string()))).or_else(|| self.classes.get(&(pod, None)))?;
        Some(class.entry_point.as_str())
    }
}

/// Data every policy can read: `data.plimsoll.kinds` (see [`crate::k8s::kinds`]), the rule settings
/// in `data.plimsoll.config`, whether the input is declared complete (`data.plimsoll.complete_input`),
/// and at the top level the user's data documents (which may not set
/// `plimsoll`: see [`crate::engine::user_policy::UserPolicies::add_data`]).
pub(crate) fn base_data(config: &serde_json::Map<String, Value>, user_data: &serde_json::Map<String, Value>) -> Value {
    let mut data = user_data.clone();
    let plimsoll = serde_json::json!({
        "kinds": {"pod_spec_paths": crate::k8s::kinds::pod_spec_paths_json()},
        "config": Value::Object(config.clone()),
        "complete_input": false,
    });
    data.insert("plimsoll".into(), plimsoll);
    Value::Object(data)
}

/// The library modules and the selected rules' modules.
fn policy_files(selected: &[RuleMeta]) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
    BUILTIN_POLICY_FILES.iter().copied().filter(move |(path, _)| match rules::policy_file_kind(path) {
        PolicyFileKind::Library => true,
        PolicyFileKind::Rule => selected.iter().any(|rule| rules::rule_id_for_path(path).as_deref() == Some(&rule.id)),
        PolicyFileKind::Test => false,
    })
}

/// The module that unions every selected rule's violations, tagging each with its rule ID; rules
/// that name required fields first check that the object is not among those they cannot report.
/// A user's complete rule (`complete_rules`) is read only when its value is a set or an array,
/// as conftest reads it (iterating anything else is an error in the engine).
fn aggregate_module(selected: &[RuleMeta], complete_rules: &[String], classes: &ObjectClasses) -> String {
    let mut module = String::from("package plimsoll.run\n\nimport rego.v1\n");
    for rule in selected {
        // The whole aggregate (interpreted evaluation) skips rules by scope too.
        module.push_str(&rule_bodies("findings", rule, RuleFilter::may_skip(rule), complete_rules));
    }
    if selected.is_empty() {
        module.push_str("\nfindings := set()\n");
    }
    let mut sorted: Vec<&ObjectClass> = classes.classes.values().collect();
    sorted.sort_by(|a, b| a.entry_point.cmp(&b.entry_point));
    for class in sorted {
        let name = class.entry_point.rsplit('.').next().unwrap_or_default();
        for rule in class.rules.iter().filter_map(|&i| selected.get(i)) {
            module.push_str(&rule_bodies(name, rule, !rule.requires_fields.is_empty(), complete_rules));
        }
        if class.rules.is_empty() {
            module.push_str(&format!("\n{name} := set()\n"));
        }
    }
    module
}

/// The bodies that add `rule`'s violations to the set `set_name`; `guarded`: not when core lists
/// the rule in `data.plimsoll.facts.skipped_rules`.
fn rule_bodies(set_name: &str, rule: &RuleMeta, guarded: bool, complete_rules: &[String]) -> String {
    let guard = match guarded {
        false => String::new(),
        true => format!("\tnot {:?} in data.plimsoll.facts.skipped_rules\n", rule.id),
    };
    let mut bodies = String::new();
    for set in &rule.violation_sets {
        // One body per kind of collection a complete rule's value may be.
        let collection_guards = match complete_rules.contains(set) {
            true => vec![format!("\tis_set(data.{set})\n"), format!("\tis_array(data.{set})\n")],
            false => vec![String::new()],
        };
        for collection_guard in collection_guards {
            bodies.push_str(&format!(
                "\n{set_name} contains {{\"rule\": {:?}, \"violation\": v}} if {{\n{guard}{collection_guard}\tsome v in data.{set}\n}}\n",
                rule.id
            ));
        }
    }
    bodies
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::engine::budget::DEFAULT_BUDGET_MS;

    /// The settings a run gets by default.
    fn default_settings() -> EvaluationSettings {
        EvaluationSettings { budget_ms: DEFAULT_BUDGET_MS, ..EvaluationSettings::default() }
    }

    /// Policies see only the object, the configuration and data the host hands in: the builtins
    /// that would reach the network (`http.send`) or the environment (`opa.runtime`) are not built in.
    #[test]
    fn policies_cannot_reach_network_or_environment() {
        for call in ["http.send({\"method\": \"get\", \"url\": \"http://127.0.0.1:9\"})", "opa.runtime()"] {
            let mut engine = regorus::Engine::new();
            let policy = format!("package probe\nimport rego.v1\nx := {call}\n");
            let added = engine.add_policy("probe.rego".into(), policy);
            let evaluated = added.and_then(|_| engine.eval_rule("data.probe.x".into()));
            let message = evaluated.err().map(|e| e.to_string()).unwrap_or_default();
            assert!(message.contains("could not find function"), "{call}: {message}");
        }
    }

    /// Without user policies or data nothing can fail: the catalog is compiled when a worker first
    /// needs it, so that a run that reads no object never pays for it; with user policies it is
    /// compiled at once, so that their errors come before linting.
    #[test]
    fn builtin_rules_alone_are_prepared_when_first_needed() {
        let catalog = rules::builtin_rules().unwrap_or_default();
        let none = serde_json::Map::new();
        let once = PreparedOnce::new(&catalog, &none, &LoadedPolicies::default(), &none, &default_settings());
        let Ok(once) = once else { panic!("the catalog prepares") };
        assert!(once.prepared.get().is_none(), "not prepared before it is needed");
        let mut evaluator = once.evaluator();
        assert!(once.prepared.get().is_some(), "prepared for the first worker");
        assert_eq!(once.mode(), "compiled");
        let pod = serde_json::json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}});
        assert!(evaluator.evaluate(to_rego(&pod), RegoValue::new_object()).is_ok(), "it evaluates");
        let user_data = serde_json::Map::from_iter([("extra".to_string(), serde_json::json!({"a": 1}))]);
        let once = PreparedOnce::new(&catalog, &none, &LoadedPolicies::default(), &user_data, &default_settings());
        assert!(once.is_ok_and(|once| once.prepared.get().is_some()), "prepared at once with user data");
    }

    #[test]
    fn the_builtin_rules_compile_to_one_program() {
        let catalog = rules::builtin_rules().unwrap_or_default();
        let none = serde_json::Map::new();
        let prepared = Prepared::new(&catalog, &none, &LoadedPolicies::default(), &none, &default_settings());
        assert_eq!(prepared.map(|p| p.mode()).ok(), Some("compiled"));
    }

    /// Every YAML file under testdata/rules and testdata/examples.
    pub(crate) fn fixture_texts() -> Vec<(String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata");
        let mut files = Vec::new();
        let mut dirs = vec![root.join("rules"), root.join("examples")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "yaml") {
                    files.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap_or_default()));
                }
            }
        }
        files.sort();
        files
    }

    /// The openssl-made keys and signatures of testdata/supply-chain (the images/signature
    /// fixtures' material), so that signature verdicts are part of the facts compared.
    fn supply_chain_verifier() -> crate::signature::Verifier {
        use crate::signature::{SignatureSource, TrustedKey, Verifier};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/supply-chain");
        let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap_or_default();
        let keys = ["p256", "p384", "ed25519", "rsa"].map(|k| format!("keys/trusted-{k}.pub"));
        let keys = keys.iter().filter_map(|k| TrustedKey::from_pem(k, &read(k)).ok()).collect();
        let sources: Vec<SignatureSource> = ["app", "tampered", "rogue", "keyless"]
            .iter()
            .map(|n| format!("signatures/{n}.jsonl"))
            .map(|name| SignatureSource::DownloadLines { text: read(&name), name })
            .collect();
        match Verifier::new(keys, &sources) {
            Ok(verifier) if verifier.key_names().len() == 4 => verifier,
            Ok(_) => panic!("a trusted key of testdata/supply-chain did not load"),
            Err(error) => panic!("{error}"),
        }
    }

    /// Skipping rules by the fields they require changes no result: every fixture (each rule has
    /// failing ones) gives the same violations with and without the filter.
    #[test]
    fn skipping_rules_by_required_fields_changes_no_result() {
        let catalog = rules::builtin_rules().unwrap_or_default();
        assert!(catalog.iter().filter(|rule| !rule.requires_fields.is_empty()).count() > 5);
        let prepared = Prepared::new(
            &catalog,
            &serde_json::Map::new(),
            &LoadedPolicies::default(),
            &serde_json::Map::new(),
            &default_settings(),
        );
        assert!(prepared.is_ok(), "{:?}", prepared.err());
        let Ok(prepared) = prepared else { return };
        let mut filtered = prepared.evaluator();
        let mut unfiltered = prepared.evaluator();
        unfiltered.filter = Arc::new(RuleFilter::default());
        // The whole aggregate, not the entry point of the object's class.
        unfiltered.classes = Arc::new(ObjectClasses::default());
        let (mut skipped, mut violations) = (0, 0);
        for (name, text) in fixture_texts() {
            for document in crate::load::load(&name, &text).documents {
                let input = to_rego(&document.value);
                let facts = || crate::engine::functions::facts(&document.value, &input, None);
                let a = filtered.evaluate(input.clone(), facts());
                let b = unfiltered.evaluate(input.clone(), facts());
                assert_eq!(a, b, "{name} document {}", document.index);
                violations += a.ok().and_then(|v| v.as_set().ok().map(|s| s.len())).unwrap_or(0);
                skipped += prepared.filter.skipped_rules(&input).as_set().map(|s| s.len()).unwrap_or(0);
            }
        }
        assert!(skipped > 100 && violations > 100, "{skipped} rules skipped, {violations} violations");
    }

    /// `data.plimsoll.lib.kubernetes.<rule>` as the Rego library derives it, without facts.
    fn derived_by_rego(input: &RegoValue, rule: &str) -> RegoValue {
        let mut engine = regorus::Engine::new();
        engine.set_rego_v0(false);
        let data = base_data(&serde_json::Map::new(), &serde_json::Map::new());
        let library =
            BUILTIN_POLICY_FILES.iter().filter(|(path, _)| rules::policy_file_kind(path) == PolicyFileKind::Library);
        let loaded = engine.add_data(to_rego(&data)).map_err(|e| e.to_string()).and_then(|_| {
            library
                .map(|(path, source)| engine.add_policy(path.to_string(), source.to_string()).map(|_| ()))
                .collect::<Result<(), _>>()
                .map_err(|e| e.to_string())
        });
        assert_eq!(loaded, Ok(()));
        engine.set_input(input.clone());
        engine
            .eval_rule(format!("data.plimsoll.lib.kubernetes.{rule}"))
            .unwrap_or_else(|e| RegoValue::from(e.to_string()))
    }

    /// Core's pod spec and container facts are exactly what the Rego library derives without
    /// them, on every fixture and on the odd shapes core declines to list.
    #[test]
    fn container_facts_agree_with_the_rego_derivation() {
        let odd = [
            r#"{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": 123}, {"name": true}]}}"#,
            r#"{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": null}, {}]}}"#,
            r#"{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": {"a": {"name": "x"}}}}"#,
            r#"{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": null, "initContainers": "x"}}"#,
            r#"{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": ["x", {"image": "a"}, null], "ephemeralContainers": [{"name": "e"}], "initContainers": [{"name": "i"}]}}"#,
            r#"{"apiVersion": "batch/v1", "kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "c"}]}}}}}}"#,
            r#"{"apiVersion": "v1", "kind": "Pod", "spec": "none"}"#,
            r#"{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "a b'~!@#$%^&*()"}, {"name": "x", "securityContext": "text"}, {"name": "y", "securityContext": null}]}}"#,
            r#"{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "quo\"te"}], "initContainers": [{"name": "ünï"}]}}"#,
            r#"{"apiVersion": "v1", "kind": "Service", "spec": {"containers": [{"name": "c"}]}}"#,
        ];
        let mut objects: Vec<(String, Value)> =
            odd.iter().map(|text| (text.to_string(), serde_json::from_str(text).unwrap_or_default())).collect();
        for (name, text) in fixture_texts() {
            objects.extend(
                crate::load::load(&name, &text)
                    .documents
                    .into_iter()
                    .map(|d| (format!("{name} #{}", d.index), d.value)),
            );
        }
        let mut listed = 0;
        for (name, object) in &objects {
            let input = to_rego(object);
            let facts = crate::engine::functions::facts(object, &input, None);
            let pod_spec = &facts[&RegoValue::from("pod_spec")];
            let expected = derived_by_rego(&input, "pod_spec");
            assert_eq!(pod_spec, &expected, "pod_spec of {name}");
            let containers = &facts[&RegoValue::from("containers")];
            if *containers != RegoValue::Undefined {
                listed += 1;
                assert_eq!(containers, &derived_by_rego(&input, "containers"), "containers of {name}");
            }
        }
        assert!(listed > 50, "core listed the containers of only {listed} objects");
    }

    /// The compiled program and the interpreter, both fed the facts, agree on every fixture.
    #[test]
    fn compiled_and_interpreted_evaluation_agree() {
        let catalog = rules::builtin_rules().unwrap_or_default();
        let mut config = serde_json::Map::new();
        let verifier = supply_chain_verifier();
        config.insert(
            "images".into(),
            serde_json::json!({
                "allowed_registries": ["ghcr.io/example"], "allowed_prefixes": ["ghcr.io/example"],
                "trusted_keys": verifier.key_names(),
            }),
        );
        let user = LoadedPolicies::default();
        let prepared = Prepared::new(
            &catalog,
            &config,
            &user,
            &serde_json::Map::new(),
            &EvaluationSettings { verifier: Some(Arc::new(verifier.clone())), ..default_settings() },
        );
        assert!(prepared.is_ok(), "{:?}", prepared.err());
        let Ok(prepared) = prepared else { return };
        assert_eq!(prepared.mode(), "compiled");
        let mut compiled = prepared.evaluator();
        let mut interpreted = Evaluator {
            engine: Engine::Interpreted(Box::new(prepared.engine.clone())),
            budget_ms: DEFAULT_BUDGET_MS,
            data: to_rego(&prepared.data_json),
            filter: prepared.filter.clone(),
            classes: prepared.classes.clone(),
        };
        let (mut documents, mut violations) = (0, 0);
        for (name, text) in fixture_texts() {
            for document in crate::load::load(&name, &text).documents {
                documents += 1;
                let input = to_rego(&document.value);
                let facts = || crate::engine::functions::facts(&document.value, &input, Some(&verifier));
                let a = compiled.evaluate(input.clone(), facts());
                let b = interpreted.evaluate(input.clone(), facts());
                assert_eq!(a, b, "{name} document {}", document.index);
                violations += a.ok().and_then(|v| v.as_set().ok().map(|s| s.len())).unwrap_or(0);
            }
        }
        assert!(documents > 50, "only {documents} documents found");
        assert!(violations > 100, "only {violations} violations: is evaluation failing?");
    }
}
