//! Policies users bring, written for conftest: Rego modules whose `deny`, `violation` and `warn`
//! rules (and `deny_*`, `violation_*`, `warn_*`) list what is wrong with the object in `input`.
//!
//! Data flow: the frontend hands in `(name, text)` pairs and data documents; [`UserPolicies`]
//! keeps them. When the linter is built, `UserPolicies::load` parses every module (Rego v1, or
//! v0 when the module is written in v0 syntax: see `add_module`), finds the conftest rules in the
//! selected packages and turns each into a [`RuleMeta`] whose ID is the rule's METADATA `custom.id`
//! or `<package>/<rule>`. The evaluator then loads the same modules next to the built-in rules and
//! gathers their violations in the same pass; a violation is a string or an object
//! `{"msg": …, "path": …}` (path: `"spec.containers[0].image"` or `["spec", "containers", 0]`).
//!
//! Every problem is a [`PolicyError`] located at `file:line:column` of the policy, so that a
//! broken policy stops the run before anything is linted.

use crate::load::parse_yaml_value;
use crate::report::finding::Severity;
use crate::rules::{metadata_block, RuleEngine, RuleMeta, RuleScope};
use regorus::unstable::{Rule, RuleHead};
use serde_json::Value;
use std::collections::BTreeMap;

/// The package conftest reads rules from when no namespace is given.
pub const DEFAULT_NAMESPACE: &str = "main";

/// A problem in a user policy or data file, located where it is written when possible.
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
#[error("{file}{}: {message}", location(*.line, *.column))]
#[diagnostic(code(plimsoll::user_policy))]
pub struct PolicyError {
    pub file: String,
    /// 1-based; 0 when the problem concerns the whole file.
    pub line: u32,
    pub column: u32,
    pub message: String,
}

fn location(line: u32, column: u32) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}:{column}")
    }
}

impl PolicyError {
    fn whole_file(file: &str, message: impl Into<String>) -> Self {
        PolicyError { file: file.to_string(), line: 0, column: 0, message: message.into() }
    }

    /// Reads the location regorus writes into its messages (`--> file:line:col`, last one wins:
    /// nested errors name the innermost place) and the last `error:` line.
    pub(crate) fn from_engine(fallback_file: &str, text: &str) -> Self {
        let message = text
            .lines()
            .rev()
            .find_map(|line| line.trim().strip_prefix("error: "))
            .map(|m| m.trim_start_matches("Compilation error:").trim().to_string())
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| text.trim().to_string());
        let located = text.lines().rev().find_map(|line| line.trim().strip_prefix("--> ").and_then(split_location));
        match located {
            Some((file, line, column)) => PolicyError { file, line, column, message },
            None => PolicyError::whole_file(fallback_file, message),
        }
    }
}

/// `file:line:col` → its parts (the file may itself contain colons).
fn split_location(text: &str) -> Option<(String, u32, u32)> {
    let (rest, column) = text.rsplit_once(':')?;
    let (file, line) = rest.rsplit_once(':')?;
    Some((file.to_string(), line.parse().ok()?, column.parse().ok()?))
}

/// Which packages' conftest rules run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Namespaces {
    /// These packages (`main`, `kubernetes.admission`).
    Only(Vec<String>),
    /// Every package of every user module.
    All,
}

impl Default for Namespaces {
    fn default() -> Self {
        Namespaces::Only(vec![DEFAULT_NAMESPACE.to_string()])
    }
}

impl Namespaces {
    fn includes(&self, package: &str) -> bool {
        match self {
            Namespaces::Only(names) => names.iter().any(|n| n == package),
            Namespaces::All => true,
        }
    }
}

/// One user Rego module as handed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyModule {
    pub name: String,
    pub text: String,
}

/// The user's modules, data and namespace choice, as the builder collects them.
#[derive(Debug, Clone, Default)]
pub struct UserPolicies {
    pub modules: Vec<PolicyModule>,
    /// Merged into `data` at the top level, as conftest does with `--data` files.
    pub data: serde_json::Map<String, Value>,
    pub namespaces: Namespaces,
}

/// A module after loading: which Rego version it is written in and its package.
#[derive(Debug, Clone)]
pub(crate) struct LoadedModule {
    pub name: String,
    pub text: String,
    pub rego_v0: bool,
    pub package: String,
}

/// What loading found: the modules (to add to the evaluating engine) and their conftest rules.
#[derive(Debug, Clone, Default)]
pub(crate) struct LoadedPolicies {
    pub modules: Vec<LoadedModule>,
    pub rules: Vec<RuleMeta>,
    /// Rules named as conftest rules that can never report (see [`UserPolicies::load`]).
    pub notes: Vec<PolicyError>,
    /// The violation sets (`<package>.<rule>`) that are complete rules (`deny := {msg | …}`):
    /// their value is read only when it is a set or an array, as conftest reads it.
    pub complete_rules: Vec<String>,
}

impl UserPolicies {
    /// Merges one data document into `data` at the top level. Objects merge key by key; any other
    /// value may not replace one another file already set.
    pub fn add_data(&mut self, file: &str, document: Value) -> Result<(), PolicyError> {
        let Value::Object(map) = document else {
            return Err(PolicyError::whole_file(file, "a data document must be a mapping (its keys go under `data`)"));
        };
        if map.contains_key("plimsoll") {
            return Err(PolicyError::whole_file(file, "`data.plimsoll` is reserved for plimsoll's own data"));
        }
        merge(&mut self.data, map, "data")
            .map_err(|key| PolicyError::whole_file(file, format!("{key} is already set by another data file")))
    }

    /// Parses every module and finds the conftest rules of the selected packages, whose IDs may
    /// not be any of `reserved` (the built-in rules').
    pub(crate) fn load(&self, reserved: &[&str]) -> Result<LoadedPolicies, PolicyError> {
        let mut engine = regorus::Engine::new();
        let mut modules = Vec::with_capacity(self.modules.len());
        for module in &self.modules {
            let (rego_v0, package) = add_module(&mut engine, &module.name, &module.text)?;
            modules.push(LoadedModule { name: module.name.clone(), text: module.text.clone(), rego_v0, package });
        }
        let (definitions, notes) = self.conftest_definitions(&mut engine, &modules);
        let complete_rules = definitions.iter().filter(|d| d.complete).map(Definition::set_ref).collect();
        Ok(LoadedPolicies { rules: rule_metas(definitions, reserved)?, modules, notes, complete_rules })
    }

    /// Every definition of a conftest rule in a selected package, in module order: partial sets
    /// (`deny contains msg if …`) and complete rules (`deny := {msg | …}`), whose value conftest
    /// reads when it is a set or an array. A complete rule without a value (`deny if { … }`) or with
    /// a boolean one is true or undefined, which conftest counts as passing: it never reports, which
    /// its author most likely did not mean, so it gets a note.
    fn conftest_definitions(
        &self,
        engine: &mut regorus::Engine,
        modules: &[LoadedModule],
    ) -> (Vec<Definition>, Vec<PolicyError>) {
        let mut definitions = Vec::new();
        let mut notes = Vec::new();
        for (module, parsed) in modules.iter().zip(engine.get_modules().iter()) {
            if !self.namespaces.includes(&module.package) {
                continue;
            }
            let package_meta = annotation_before(&module.text, parsed.package.span.line);
            for rule in &parsed.policy {
                let Rule::Spec { head, span, .. } = rule.as_ref() else { continue };
                let (refr, complete, boolean) = match head {
                    RuleHead::Set { refr, .. } => (refr, false, false),
                    RuleHead::Compr { refr, assign, .. } => {
                        let value = assign.as_ref().map(|a| a.value.span().text().trim());
                        (refr, true, matches!(value, None | Some("true" | "false")))
                    }
                    RuleHead::Func { .. } => continue,
                };
                let name = refr.span().text();
                let Some(severity) = conftest_severity(name) else { continue };
                if boolean {
                    let message = boolean_rule_note(name);
                    notes.push(PolicyError { file: module.name.clone(), line: span.line, column: span.col, message });
                    continue;
                }
                definitions.push(Definition {
                    file: module.name.clone(),
                    line: span.line,
                    column: span.col,
                    package: module.package.clone(),
                    rule: name.to_string(),
                    severity,
                    complete,
                    meta: annotation_before(&module.text, span.line),
                    package_meta: package_meta.clone(),
                });
            }
        }
        (definitions, notes)
    }
}

fn boolean_rule_note(name: &str) -> String {
    format!(
        "`{name}` is a boolean rule, which never reports (conftest counts it as passing): \
         make it a set of messages, `{name} contains msg if {{ … }}`"
    )
}

/// Adds a module to `engine`, as Rego v1 unless it is written in v0 syntax: a module that fails to
/// parse as v1 *because* a rule lacks `if` or `contains` is parsed as v0. Any other v1 error is
/// the module's error (reparsing such a module as v0 would only blur the message). Returns whether
/// the module is v0, and its package (without `data.`).
pub(crate) fn add_module(engine: &mut regorus::Engine, name: &str, text: &str) -> Result<(bool, String), PolicyError> {
    engine.set_rego_v0(false);
    let v1 = engine.add_policy(name.to_string(), text.to_string());
    let (rego_v0, added) = match v1 {
        Ok(package) => (false, Ok(package)),
        Err(error) if is_v0_syntax(&error.to_string()) => {
            engine.set_rego_v0(true);
            let added = engine.add_policy(name.to_string(), text.to_string());
            engine.set_rego_v0(false);
            (true, added)
        }
        Err(error) => (false, Err(error)),
    };
    let package = added.map_err(|e| PolicyError::from_engine(name, &e.to_string()))?;
    Ok((rego_v0, package.strip_prefix("data.").unwrap_or(&package).to_string()))
}

/// The errors a v1 parser gives for the v0 forms `deny[msg] { … }` and `p[x]`.
fn is_v0_syntax(message: &str) -> bool {
    message.contains("`if` keyword is required before rule body") || message.contains("`contains` keyword is required")
}

/// `deny`, `violation` → error; `warn` → warning; each optionally followed by `_suffix` parts of
/// letters and digits (`deny_latest_tag`), as conftest names them: `deny_` or `deny__x` is not one.
fn conftest_severity(rule: &str) -> Option<Severity> {
    let mut parts = rule.split('_');
    let severity = match parts.next()? {
        "deny" | "violation" => Severity::Error,
        "warn" => Severity::Warning,
        _ => return None,
    };
    parts.all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric())).then_some(severity)
}

/// One `deny …`/`warn …` definition and the annotations that may name it.
#[derive(Debug, Clone)]
struct Definition {
    file: String,
    line: u32,
    column: u32,
    package: String,
    rule: String,
    severity: Severity,
    /// A complete rule (`deny := …`) rather than a partial set.
    complete: bool,
    meta: Option<Value>,
    package_meta: Option<Value>,
}

impl Definition {
    fn error(&self, message: String) -> PolicyError {
        PolicyError { file: self.file.clone(), line: self.line, column: self.column, message }
    }

    /// `data.<package>.<rule>` without `data.`: the set its violations are read from.
    fn set_ref(&self) -> String {
        format!("{}.{}", self.package, self.rule)
    }

    fn custom(&self, key: &str) -> Option<String> {
        let read = |meta: &Option<Value>| meta.as_ref()?.get("custom")?.get(key)?.as_str().map(str::to_string);
        read(&self.meta)
    }
}

/// Groups definitions into rules: one per ID. All definitions of one set share an ID (a set's
/// members cannot be told apart by definition); definitions of different sets may share an ID
/// only with the same severity.
fn rule_metas(definitions: Vec<Definition>, reserved: &[&str]) -> Result<Vec<RuleMeta>, PolicyError> {
    let mut ids: BTreeMap<String, (String, &Definition)> = BTreeMap::new();
    for definition in &definitions {
        let Some(id) = definition.custom("id") else { continue };
        match ids.get(&definition.set_ref()) {
            Some((other, _)) if *other != id => {
                return Err(definition.error(format!(
                    "`{}` already has METADATA custom.id {other:?}; all definitions of one rule share its ID, so give this one its own rule name (e.g. `{}_{}`)",
                    definition.rule,
                    definition.rule,
                    id.replace(['/', '-', '.'], "_")
                )))
            }
            _ => {
                ids.insert(definition.set_ref(), (id, definition));
            }
        }
    }
    let mut metas: BTreeMap<String, RuleMeta> = BTreeMap::new();
    for definition in &definitions {
        let (id, annotated) = match ids.get(&definition.set_ref()) {
            Some((id, annotated)) => (id.clone(), *annotated),
            None => (
                package_id(definition).unwrap_or_else(|| format!("{}/{}", definition.package, definition.rule)),
                definition,
            ),
        };
        match metas.get_mut(&id) {
            Some(meta) if meta.severity != definition.severity => {
                return Err(definition.error(format!(
                    "rule ID {id:?} names rules of different severities ({} and {}); give each its own custom.id",
                    meta.severity, definition.severity
                )))
            }
            Some(meta) => {
                if !meta.violation_sets.contains(&definition.set_ref()) {
                    meta.violation_sets.push(definition.set_ref());
                }
            }
            None if reserved.contains(&id.as_str()) => {
                return Err(
                    annotated.error(format!("rule ID {id:?} is a built-in rule's; give this rule another custom.id"))
                )
            }
            None => {
                metas.insert(id.clone(), rule_meta(id, annotated));
            }
        }
    }
    Ok(metas.into_values().collect())
}

/// The package annotation's `custom.id`.
fn package_id(definition: &Definition) -> Option<String> {
    definition.package_meta.as_ref()?.get("custom")?.get("id")?.as_str().map(str::to_string)
}

fn rule_meta(id: String, definition: &Definition) -> RuleMeta {
    let text = |key: &str| {
        let from = |meta: &Option<Value>| meta.as_ref()?.get(key)?.as_str().map(|s| s.trim().to_string());
        from(&definition.meta).or_else(|| from(&definition.package_meta))
    };
    RuleMeta {
        title: text("title").unwrap_or_else(|| format!("`{}` in package {}", definition.rule, definition.package)),
        description: text("description").unwrap_or_else(|| format!("A user policy ({}).", definition.file)),
        remediation: definition.custom("remediation").unwrap_or_default(),
        severity: definition.severity,
        enabled_by_default: true,
        enabled_by: None,
        parameters: Vec::new(),
        related_resources: Vec::new(),
        pss_check: None,
        level: None,
        since: None,
        examples: None,
        scope: RuleScope::AllObjects,
        kinds: Vec::new(),
        requires_fields: Vec::new(),
        uses_inventory: false,
        inventory_kinds: None,
        inventory_referenced: Vec::new(),
        inventory_referenced_when: None,
        complete_input: None,
        engine: RuleEngine::Rego,
        package: definition.package.clone(),
        violation_sets: vec![definition.set_ref()],
        id,
    }
}

/// The METADATA annotation directly above `line` (1-based), if any: the comment block that ends
/// on the line before and starts with `# METADATA`.
fn annotation_before(text: &str, line: u32) -> Option<Value> {
    let lines: Vec<&str> = text.lines().take((line as usize).saturating_sub(1)).collect();
    let start = lines.iter().rposition(|l| !l.trim_start().starts_with('#')).map_or(0, |i| i + 1);
    let block = lines.get(start..)?;
    if block.first()?.trim() != "# METADATA" {
        return None;
    }
    let yaml = metadata_block(&block.join("\n"))?;
    parse_yaml_value(&yaml).ok().flatten()
}

/// Deep merge of data documents; returns the dotted key of a conflict.
fn merge(
    into: &mut serde_json::Map<String, Value>,
    from: serde_json::Map<String, Value>,
    at: &str,
) -> Result<(), String> {
    for (key, value) in from {
        let here = format!("{at}.{key}");
        match (into.get_mut(&key), value) {
            (None, value) => {
                into.insert(key, value);
            }
            (Some(Value::Object(existing)), Value::Object(incoming)) => merge(existing, incoming, &here)?,
            (Some(existing), value) if *existing == value => {}
            (Some(_), _) => return Err(here),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policies(modules: &[(&str, &str)]) -> UserPolicies {
        UserPolicies {
            modules: modules.iter().map(|(n, t)| PolicyModule { name: n.to_string(), text: t.to_string() }).collect(),
            ..UserPolicies::default()
        }
    }

    #[test]
    fn rule_names_follow_conftest() {
        let named = [
            ("deny", Some(Severity::Error)),
            ("violation_x", Some(Severity::Error)),
            ("deny_latest_tag2", Some(Severity::Error)),
            ("warn_no_tag", Some(Severity::Warning)),
        ];
        for (name, severity) in named {
            assert_eq!(conftest_severity(name), severity, "{name}");
        }
        for name in ["denied", "deny_", "deny__x", "warn_x_", "deny_é", "allow", "warning", "test_deny"] {
            assert_eq!(conftest_severity(name), None, "{name}");
        }
    }

    #[test]
    fn v0_modules_are_recognised_and_v1_errors_kept() {
        let mut engine = regorus::Engine::new();
        let v0 = add_module(&mut engine, "a.rego", "package main\ndeny[msg] {\n  msg := \"x\"\n}\n");
        assert_eq!(v0, Ok((true, "main".to_string())));
        let broken = add_module(&mut engine, "b.rego", "package main\ndeny contains msg if {\n  input.kind ==\n}\n");
        let error = broken.err();
        assert_eq!(error.as_ref().map(|e| (e.line, e.column)), Some((4, 1)), "{error:?}");
    }

    #[test]
    fn ids_come_from_rule_then_package_metadata() {
        let text = "# METADATA\n# custom:\n#   id: acme/pkg\npackage main\n\n# METADATA\n# title: No latest\n# custom:\n#   id: acme/latest\ndeny contains \"a\" if { true }\n\nwarn contains \"b\" if { true }\n";
        let loaded = policies(&[("p.rego", text)]).load(&[]);
        let ids: Vec<(String, Severity, Vec<String>)> = loaded
            .map(|l| l.rules.into_iter().map(|r| (r.id, r.severity, r.violation_sets)).collect())
            .unwrap_or_default();
        assert_eq!(
            ids,
            vec![
                ("acme/latest".to_string(), Severity::Error, vec!["main.deny".to_string()]),
                ("acme/pkg".to_string(), Severity::Warning, vec!["main.warn".to_string()]),
            ]
        );
    }

    #[test]
    fn one_rule_cannot_carry_two_ids() {
        let text = "package main\n# METADATA\n# custom:\n#   id: a\ndeny contains \"a\" if { true }\n# METADATA\n# custom:\n#   id: b\ndeny contains \"b\" if { true }\n";
        let error = policies(&[("p.rego", text)]).load(&[]).err();
        assert_eq!(error.as_ref().map(|e| e.line), Some(9), "{error:?}");
    }

    #[test]
    fn data_files_merge_at_the_top_level() {
        let mut user = UserPolicies::default();
        assert!(user.add_data("a.yaml", serde_json::json!({"images": {"allowed": ["a"]}})).is_ok());
        assert!(user.add_data("b.yaml", serde_json::json!({"images": {"blocked": ["b"]}, "teams": 1})).is_ok());
        assert_eq!(
            Value::Object(user.data.clone()),
            serde_json::json!({"images": {"allowed": ["a"], "blocked": ["b"]}, "teams": 1})
        );
        let conflict = user.add_data("c.yaml", serde_json::json!({"teams": 2}));
        assert_eq!(
            conflict.err().map(|e| e.message),
            Some("data.teams is already set by another data file".to_string())
        );
    }
}
