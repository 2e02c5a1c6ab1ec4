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
    /// Field names of which an object must write at least one (anywhere, as a mapping key) for
    /// the rule to be able to report it (`custom.requires_fields`); a name ending in `/` stands
    /// for every key with that prefix (annotations). Empty: no such promise. Evaluation skips
    /// the rule for objects without any of them (see `crate::engine::evaluate`).
    #[serde(skip)]
    pub requires_fields: Vec<String>,
    /// The kinds of object the rule judges (`custom.kinds`), each written as Kubernetes writes a
    /// group-qualified kind: `ConfigMap` in the core group, `Role.rbac.authorization.k8s.io`
    /// otherwise. Empty: any kind its scope allows. Evaluation skips the rule for other kinds,
    /// and skips objects that no enabled rule judges (see `crate::engine::prefilter`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<String>,
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
}

/// A kind and its API group, as `custom.kinds` writes them (`Kind` or `Kind.group`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupKind {
    /// `""` for the core group.
    pub group: String,
    pub kind: String,
}

impl GroupKind {
    /// Reads `Kind` or `Kind.group`; `None` for an empty kind or group.
    pub fn parse(text: &str) -> Option<GroupKind> {
        // `Role.` (a dot, then no group) is as malformed as `.rbac` (no kind).
        let (kind, group, dotted) = match text.split_once('.') {
            Some((kind, group)) => (kind, group, true),
            None => (text, "", false),
        };
        let valid = !kind.is_empty() && (!dotted || !group.is_empty());
        valid.then(|| GroupKind { group: group.to_string(), kind: kind.to_string() })
    }

    /// Whether an object of this `apiVersion` and `kind` is of this kind.
    pub fn matches(&self, api_version: &str, kind: &str) -> bool {
        self.kind == kind && self.group == crate::k8s::kinds::api_group(api_version)
    }
}

impl RuleMeta {
    /// Whether the rule judges objects of this `apiVersion` and `kind` (its `kinds`; whether the
    /// object has the pod spec a `pod-spec` rule needs is a question about the object itself).
    pub fn judges_kind(&self, api_version: &str, kind: &str) -> bool {
        self.kinds.is_empty()
            || self.kinds.iter().filter_map(|k| GroupKind::parse(k)).any(|k| k.matches(api_version, kind))
    }
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
        Some(other) => return Err(format!("custom.scope {other:?} is not all-objects or pod-spec")),
    };
    let requires_fields = match custom.get("requires_fields") {
        None => Vec::new(),
        Some(Value::Array(names)) if !names.is_empty() => names
            .iter()
            .map(|name| name.as_str().filter(|n| !n.is_empty()).map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or("custom.requires_fields must list field names")?,
        Some(_) => return Err("custom.requires_fields must list field names".into()),
    };
    let kinds = match custom.get("kinds") {
        None => Vec::new(),
        Some(Value::Array(kinds)) if !kinds.is_empty() => kinds
            .iter()
            .map(|kind| kind.as_str().filter(|k| GroupKind::parse(k).is_some()).map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or("custom.kinds must list kinds (`ConfigMap`, `Role.rbac.authorization.k8s.io`)")?,
        Some(_) => return Err("custom.kinds must list kinds (`ConfigMap`, `Role.rbac.authorization.k8s.io`)".into()),
    };
    Ok(RuleMeta {
        id: text(custom.get("id"), "custom.id")?,
        scope,
        requires_fields,
        kinds,
        title: text(value.get("title"), "title")?,
        description: text(value.get("description"), "description")?,
        remediation: text(custom.get("remediation"), "custom.remediation")?,
        severity,
        enabled_by_default,
        related_resources,
        enabled_by: custom.get("enabled_by").and_then(Value::as_str).map(str::to_string),
        pss_check: custom.get("pss_check").and_then(Value::as_str).map(str::to_string),
        level: custom.get("level").and_then(Value::as_str).map(str::to_string),
        since: custom.get("since").and_then(Value::as_str).map(str::to_string),
        examples: rule_examples(custom.get("examples"))?,
        violation_sets: vec![format!("{package}.violation")],
        engine: RuleEngine::Rego,
        package,
    })
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
    fn kinds_name_a_kind_and_its_group() {
        let source = |kinds: &str| {
            format!("# METADATA\n# title: T\n# description: D\n# custom:\n#   id: rbac/x\n#   severity: warning\n#   default: true\n#   remediation: R\n#   kinds: {kinds}\npackage plimsoll.rules.rbac.x\n")
        };
        let rule = parse_rule_file("rbac/x.rego", &source("[ConfigMap, Role.rbac.authorization.k8s.io]"));
        let rule = rule.unwrap_or_else(|e| panic!("{e}"));
        assert!(rule.judges_kind("v1", "ConfigMap"));
        assert!(rule.judges_kind("rbac.authorization.k8s.io/v1", "Role"));
        assert!(!rule.judges_kind("example.com/v1", "Role"));
        assert!(!rule.judges_kind("example.com/v1", "ConfigMap"));
        assert!(!rule.judges_kind("rbac.authorization.k8s.io/v1", "ClusterRole"));
        for bad in ["[]", "Role", "[Role.]", "[.rbac]", "[\"\"]"] {
            let error = parse_rule_file("rbac/x.rego", &source(bad));
            assert!(
                matches!(error, Err(RuleError { ref message, .. }) if message.contains("custom.kinds")),
                "{bad}: {error:?}"
            );
        }
    }

    #[test]
    fn metadata_must_match_the_file_path() {
        let source = "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: images/other\n#   severity: warning\n#   default: true\n#   remediation: R\npackage plimsoll.rules.images.latest_tag\n";
        let error = parse_rule_file("images/latest-tag.rego", source);
        assert!(matches!(error, Err(RuleError { ref message, .. }) if message.contains("custom.id")), "{error:?}");
    }

    #[test]
    fn missing_metadata_fields_are_named() {
        let source =
            "# METADATA\n# title: T\n# custom:\n#   id: images/latest-tag\npackage plimsoll.rules.images.latest_tag\n";
        let error = parse_rule_file("images/latest-tag.rego", source);
        assert!(matches!(error, Err(RuleError { ref message, .. }) if message.contains("severity")), "{error:?}");
    }
}
