//! The rule registry: built-in Rego policies embedded from `policies/` and the metadata each one
//! carries in its OPA `# METADATA` block (regorus does not read these blocks, so we do).
//!
//! `policies/<category>/<name>.rego` is rule `<category>/<name>`; `policies/lib/` holds shared
//! modules and `*_test.rego` files hold Rego unit tests (embedded apart, [`BUILTIN_POLICY_TESTS`],
//! which only the test runner reads). [`builtin_rules`] parses every rule file's metadata once and
//! adds the rules implemented in Rust (their metadata is a table in `native`); the linter,
//! `plimsoll rules`, and the wasm `rules()` call all read it from here. [`selector`] resolves the
//! names users give rules (IDs, categories, short names, profiles) against a catalog.

pub(crate) mod native;
pub mod parameters;
pub mod selector;

use crate::load::parse_yaml_value;
use crate::report::finding::Severity;
use serde::Serialize;
use serde_json::Value;

include!(concat!(env!("OUT_DIR"), "/builtin_policies.rs"));

/// What a rule is and how it behaves by default.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleMeta {
    /// `<category>/<name>`.
    pub id: String,
    pub title: String,
    /// What the rule checks and why it matters.
    pub description: String,
    /// How to fix a finding.
    pub remediation: String,
    pub severity: Severity,
    /// Whether the rule runs when nothing enables or disables it.
    #[serde(rename = "default")]
    pub enabled_by_default: bool,
    /// A setting (`images.allowed_registries`) that turns the rule on when it is given
    /// (`custom.enabled_by`): the rule has nothing to check without it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled_by: Option<String>,
    /// Links for further reading.
    pub related_resources: Vec<String>,
    /// The parameters the rule reads from `settings.<rule-id>` (`custom.parameters`), which the
    /// configuration is checked against; none declared: its settings go unchecked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<parameters::Parameter>,
    /// Pod Security Admission check ID and level, for security-context rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pss_check: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// The first Pod Security Standards version with the check (`v1.0`, `v1.22`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// Which objects the rule looks at: evaluation skips objects no enabled rule can apply to.
    pub scope: RuleScope,
    /// The object kinds a [`RuleScope::Kinds`] rule looks at (`custom.kinds`); empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<String>,
    /// Field names of which an object must write at least one (anywhere, as a mapping key) for
    /// the rule to be able to report it (`custom.requires_fields`); a name ending in `/` stands
    /// for every key with that prefix (annotations). Empty: no such promise. Evaluation skips
    /// the rule for objects without any of them (see `crate::engine::evaluate`).
    #[serde(skip)]
    pub requires_fields: Vec<String>,
    /// Whether the rule reads the run's inventory (`custom.inventory: true`): the linter then
    /// summarises every object of a run before linting it (see [`crate::k8s::inventory`]).
    #[serde(skip)]
    pub uses_inventory: bool,
    /// The kinds of object whose summaries the rule reads without complete input
    /// (`custom.inventory: [Service, ConfigMap]`); `None`: every kind (`custom.inventory: true`).
    /// With complete input every object is summarised.
    #[serde(skip)]
    pub inventory_kinds: Option<Vec<String>>,
    /// Kinds the rule reads only where an object it judges selects them (its pod selector) or
    /// names them (its `scaleTargetRef`): `custom.inventory_referenced`. Without complete input
    /// only the objects whose text may be so selected or named are summarised.
    #[serde(skip)]
    pub inventory_referenced: Vec<String>,
    /// A field of the judged object without which the rule reads none of the referenced
    /// objects (`custom.inventory_referenced_when`, a path such as `spec.minAvailable`): without
    /// complete input, objects that do not set it select or name nothing for this rule.
    #[serde(skip)]
    pub inventory_referenced_when: Option<String>,
    /// Whether some of the rule's findings are about a missing object, and so appear only when
    /// the input is declared complete (`custom.complete_input`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complete_input: Option<CompleteInput>,
    /// How the rule is implemented: a Rego policy, or Rust code in core (schema validation).
    pub engine: RuleEngine,
    /// A manifest the rule reports and one it accepts (`custom.examples.fail` and `.pass`),
    /// shown by `plimsoll explain` and the rule reference. Every built-in rule has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub examples: Option<RuleExamples>,
    /// The Rego package that holds the rule's `violation` set.
    #[serde(skip)]
    pub package: String,
    /// The sets (Rego references without `data.`) whose members are the rule's violations:
    /// `<package>.violation` for a built-in rule, `main.deny` and the like for a user policy.
    #[serde(skip)]
    pub violation_sets: Vec<String>,
}

/// Two small manifests that show what a rule reports: `fail` makes it report, `pass` does not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleExamples {
    pub fail: String,
    pub pass: String,
}

/// The objects a rule applies to (`custom.scope` in its metadata).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleScope {
    /// Every Kubernetes object (the default).
    AllObjects,
    /// Only objects that carry a pod spec (see [`crate::k8s::kinds`]).
    PodSpec,
    /// Only objects whose `kind` is one of [`RuleMeta::kinds`] (PodDisruptionBudget, Role, ...).
    Kinds,
}

impl RuleMeta {
    /// Whether the rule looks at an object of `kind`, which carries a pod spec or not.
    pub fn applies_to(&self, kind: &str, carries_pod_spec: bool) -> bool {
        match self.scope {
            RuleScope::AllObjects => true,
            RuleScope::PodSpec => carries_pod_spec,
            RuleScope::Kinds => self.kinds.iter().any(|k| k == kind),
        }
    }
}

/// How much of a rule needs the input declared complete (`--complete-input`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CompleteInput {
    /// Every finding is about a missing object: without complete input the rule says nothing.
    Required,
    /// Some findings are (an object referenced but not in the run); the others are always made.
    Partly,
}

/// How a rule is implemented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleEngine {
    /// A Rego policy under `policies/`, evaluated by regorus.
    Rego,
    /// Rust code in core ([`crate::schema`]); its metadata is a table there.
    Native,
}

/// A built-in policy file that is not well formed.
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
#[error("{path}: {message}")]
#[diagnostic(code(plimsoll::builtin_policy))]
pub struct RuleError {
    pub path: String,
    pub message: String,
}

/// A built-in Rego file and its role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyFileKind {
    Rule,
    Library,
    Test,
}

/// Classifies a path under `policies/`.
pub fn policy_file_kind(path: &str) -> PolicyFileKind {
    if path.ends_with("_test.rego") {
        PolicyFileKind::Test
    } else if path.starts_with("lib/") {
        PolicyFileKind::Library
    } else {
        PolicyFileKind::Rule
    }
}

/// The rule ID a rule file's path gives: `security-context/privileged.rego` → `security-context/privileged`.
pub fn rule_id_for_path(path: &str) -> Option<String> {
    let stem = path.strip_suffix(".rego")?;
    let (category, name) = stem.split_once('/')?;
    (!name.contains('/')).then(|| format!("{category}/{name}"))
}

/// Metadata of every built-in rule (Rego policies and the rules implemented in Rust), sorted by ID.
pub fn builtin_rules() -> Result<Vec<RuleMeta>, RuleError> {
    // Read once per process: a frontend and the linter builder both ask, and reading every
    // rule's METADATA is a few milliseconds of start-up.
    static RULES: std::sync::OnceLock<Result<Vec<RuleMeta>, RuleError>> = std::sync::OnceLock::new();
    RULES.get_or_init(read_builtin_rules).clone()
}

fn read_builtin_rules() -> Result<Vec<RuleMeta>, RuleError> {
    let mut rules = BUILTIN_POLICY_FILES
        .iter()
        .filter(|(path, _)| policy_file_kind(path) == PolicyFileKind::Rule)
        .map(|(path, source)| parse_rule_file(path, source))
        .collect::<Result<Vec<_>, _>>()?;
    rules.extend(native::native_rules());
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(rules)
}

/// Reads a rule file's package and metadata, and checks that they agree with its path.
pub fn parse_rule_file(path: &str, source: &str) -> Result<RuleMeta, RuleError> {
    let error = |message: String| RuleError { path: path.to_string(), message };
    let package = rego_package(source).ok_or_else(|| error("no package declaration".into()))?;
    let block = metadata_block(source).ok_or_else(|| error("no # METADATA block".into()))?;
    let value = parse_yaml_value(&block)
        .map_err(|p| error(format!("METADATA is not valid YAML: {} (line {})", p.message, p.span.start.line)))?
        .ok_or_else(|| error("METADATA block is empty".into()))?;
    let meta = meta_from_value(&value, package).map_err(error)?;
    let expected = rule_id_for_path(path).ok_or_else(|| error("rule files live at <category>/<name>.rego".into()))?;
    if meta.id != expected {
        return Err(error(format!("custom.id is {:?} but the file defines {expected:?}", meta.id)));
    }
    let expected_package = format!("plimsoll.rules.{}", expected.replace('-', "_").replace('/', "."));
    if meta.package != expected_package {
        return Err(error(format!("package is {:?}, expected {expected_package:?}", meta.package)));
    }
    Ok(meta)
}

fn meta_from_value(value: &Value, package: String) -> Result<RuleMeta, String> {
    let text = |v: Option<&Value>, what: &str| {
        v.and_then(Value::as_str).map(|s| s.trim().to_string()).ok_or_else(|| format!("METADATA lacks {what}"))
    };
    let custom = value.get("custom").ok_or("METADATA lacks custom")?;
    let severity = text(custom.get("severity"), "custom.severity")?.parse::<Severity>()?;
    let enabled_by_default =
        custom.get("default").and_then(Value::as_bool).ok_or("METADATA lacks custom.default (true/false)")?;
    let related_resources = value
        .get("related_resources")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().or_else(|| item.get("ref").and_then(Value::as_str)))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let scope = match custom.get("scope").and_then(Value::as_str) {
        None | Some("all-objects") => RuleScope::AllObjects,
        Some("pod-spec") => RuleScope::PodSpec,
        Some("kinds") => RuleScope::Kinds,
        Some(other) => return Err(format!("custom.scope {other:?} is not all-objects, pod-spec or kinds")),
    };
    let kinds = field_names(custom.get("kinds"), "custom.kinds must list object kinds")?;
    if (scope == RuleScope::Kinds) == kinds.is_empty() {
        return Err("custom.kinds lists the object kinds of a rule with scope kinds (and only of those)".into());
    }
    let requires_fields = field_names(custom.get("requires_fields"), "custom.requires_fields must list field names")?;
    let complete_input = match custom.get("complete_input").and_then(Value::as_str) {
        None => None,
        Some("required") => Some(CompleteInput::Required),
        Some("partly") => Some(CompleteInput::Partly),
        Some(other) => return Err(format!("custom.complete_input {other:?} is not required or partly")),
    };
    let (uses_inventory, inventory_kinds) = match custom.get("inventory") {
        None => (complete_input.is_some(), None),
        Some(Value::Bool(on)) => (*on, None),
        Some(Value::Array(kinds)) => {
            let kinds = kinds.iter().map(|k| k.as_str().map(str::to_string)).collect::<Option<Vec<_>>>();
            (true, Some(kinds.ok_or("custom.inventory must be true, false or a list of kinds")?))
        }
        Some(_) => return Err("custom.inventory must be true, false or a list of kinds".into()),
    };
    let inventory_referenced =
        field_names(custom.get("inventory_referenced"), "custom.inventory_referenced must list object kinds")?;
    if !inventory_referenced.is_empty() && scope != RuleScope::Kinds {
        return Err("custom.inventory_referenced needs scope kinds: the kinds whose objects select or name them".into());
    }
    let inventory_referenced_when = match custom.get("inventory_referenced_when") {
        None => None,
        Some(Value::String(path)) if !inventory_referenced.is_empty() && !path.is_empty() => Some(path.clone()),
        Some(_) => {
            return Err(
                "custom.inventory_referenced_when must be a field path, beside custom.inventory_referenced".into()
            )
        }
    };
    Ok(RuleMeta {
        id: text(custom.get("id"), "custom.id")?,
        uses_inventory: uses_inventory || !inventory_referenced.is_empty(),
        inventory_kinds,
        inventory_referenced,
        inventory_referenced_when,
        complete_input,
        scope,
        kinds,
        requires_fields,
        title: text(value.get("title"), "title")?,
        description: text(value.get("description"), "description")?,
        remediation: text(custom.get("remediation"), "custom.remediation")?,
        severity,
        enabled_by_default,
        related_resources,
        enabled_by: custom.get("enabled_by").and_then(Value::as_str).map(str::to_string),
        parameters: custom.get("parameters").map(parameters::parse).transpose()?.unwrap_or_default(),
        pss_check: custom.get("pss_check").and_then(Value::as_str).map(str::to_string),
        level: custom.get("level").and_then(Value::as_str).map(str::to_string),
        since: custom.get("since").and_then(Value::as_str).map(str::to_string),
        examples: rule_examples(custom.get("examples"))?,
        violation_sets: vec![format!("{package}.violation")],
        engine: RuleEngine::Rego,
        package,
    })
}

/// A metadata list of non-empty names: absent is empty, anything else but such a list is `error`.
fn field_names(value: Option<&Value>, error: &str) -> Result<Vec<String>, String> {
    match value {
        None => Ok(Vec::new()),
        Some(Value::Array(names)) if !names.is_empty() => names
            .iter()
            .map(|name| name.as_str().filter(|n| !n.is_empty()).map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| error.to_string()),
        Some(_) => Err(error.to_string()),
    }
}

/// Reads `custom.examples`: absent, or both a `fail` and a `pass` manifest.
fn rule_examples(value: Option<&Value>) -> Result<Option<RuleExamples>, String> {
    let Some(value) = value else { return Ok(None) };
    let manifest = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_str)
            .filter(|text| !text.trim().is_empty())
            .map(|text| text.trim_end().to_string() + "\n")
            .ok_or_else(|| format!("custom.examples lacks {key} (a manifest as a YAML string)"))
    };
    Ok(Some(RuleExamples { fail: manifest("fail")?, pass: manifest("pass")? }))
}

/// The `package a.b.c` declaration of a Rego module.
pub fn rego_package(source: &str) -> Option<String> {
    source.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("package ")?;
        Some(rest.split('#').next().unwrap_or(rest).trim().to_string())
    })
}

/// The YAML inside the first `# METADATA` comment block, with the comment markers removed.
pub fn metadata_block(source: &str) -> Option<String> {
    let mut lines = source.lines().skip_while(|line| line.trim() != "# METADATA");
    lines.next()?;
    let body: Vec<&str> = lines
        .map_while(|line| line.trim_start().strip_prefix('#'))
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect();
    Some(body.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_rule_has_well_formed_metadata() {
        let rules = builtin_rules();
        assert!(rules.is_ok(), "{rules:?}");
        assert!(!rules.unwrap_or_default().is_empty());
    }

    #[test]
    fn every_builtin_rule_has_examples() {
        let rules = builtin_rules().unwrap_or_default();
        let without: Vec<&str> = rules.iter().filter(|r| r.examples.is_none()).map(|r| r.id.as_str()).collect();
        assert_eq!(without, Vec::<&str>::new(), "rules without custom.examples");
    }

    #[test]
    fn examples_need_both_manifests() {
        let source = "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: images/latest-tag\n#   severity: warning\n#   default: true\n#   remediation: R\n#   examples:\n#     fail: |\n#       kind: Pod\npackage plimsoll.rules.images.latest_tag\n";
        let error = parse_rule_file("images/latest-tag.rego", source);
        assert!(matches!(error, Err(RuleError { ref message, .. }) if message.contains("lacks pass")), "{error:?}");
    }

    #[test]
    fn metadata_must_match_the_file_path() {
        let source = "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: images/other\n#   severity: warning\n#   default: true\n#   remediation: R\npackage plimsoll.rules.images.latest_tag\n";
        let error = parse_rule_file("images/latest-tag.rego", source);
        assert!(matches!(error, Err(RuleError { ref message, .. }) if message.contains("custom.id")), "{error:?}");
    }

    #[test]
    fn declared_parameters_are_read_and_checked() {
        let header = "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: images/latest-tag\n#   severity: warning\n#   default: false\n#   remediation: R\n";
        let package = "package plimsoll.rules.images.latest_tag\n";
        let declared = "#   parameters:\n#     min:\n#       type: integer\n#       minimum: 1\n#       default: 2\n#       description: fewest replicas\n";
        let rule = parse_rule_file("images/latest-tag.rego", &format!("{header}{declared}{package}")).unwrap();
        assert_eq!(rule.parameters.len(), 1);
        let problems = parameters::check(&rule.id, &rule.parameters, &serde_json::json!({"min": 0, "max": 3}));
        assert_eq!(problems.len(), 2, "{problems:?}");
        let untyped = "#   parameters:\n#     min: {description: fewest}\n";
        let error = parse_rule_file("images/latest-tag.rego", &format!("{header}{untyped}{package}"));
        assert!(matches!(error, Err(RuleError { ref message, .. }) if message.contains("unknown type")), "{error:?}");
    }

    #[test]
    fn kinds_scope_names_its_kinds() {
        let head = "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: images/latest-tag\n#   severity: warning\n#   default: true\n#   remediation: R\n";
        let package = "package plimsoll.rules.images.latest_tag\n";
        let scoped = format!("{head}#   scope: kinds\n#   kinds: [PodDisruptionBudget]\n{package}");
        let rule = parse_rule_file("images/latest-tag.rego", &scoped).unwrap();
        assert_eq!((rule.scope, rule.kinds.clone()), (RuleScope::Kinds, vec!["PodDisruptionBudget".to_string()]));
        assert!(rule.applies_to("PodDisruptionBudget", false));
        assert!(!rule.applies_to("Deployment", true));
        for broken in
            ["#   scope: kinds\n", "#   scope: pod-spec\n#   kinds: [Pod]\n", "#   scope: kinds\n#   kinds: []\n"]
        {
            let error = parse_rule_file("images/latest-tag.rego", &format!("{head}{broken}{package}"));
            assert!(
                matches!(error, Err(RuleError { ref message, .. }) if message.contains("custom.kinds")),
                "{error:?}"
            );
        }
    }

    #[test]
    fn missing_metadata_fields_are_named() {
        let source =
            "# METADATA\n# title: T\n# custom:\n#   id: images/latest-tag\npackage plimsoll.rules.images.latest_tag\n";
        let error = parse_rule_file("images/latest-tag.rego", source);
        assert!(matches!(error, Err(RuleError { ref message, .. }) if message.contains("severity")), "{error:?}");
    }
}
