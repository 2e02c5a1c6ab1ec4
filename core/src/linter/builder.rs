//! Building a linter: [`LinterBuilder`] collects rule selection, rule settings, suppressions,
//! user policies, schemas, signature material and Gatekeeper policies; [`LinterBuilder::build`]
//! resolves rule names against the catalog, selects rules, and prepares the engine once.

use super::{ActiveRule, Linter, Source};
use crate::engine::evaluate::{EvaluationSettings, PrepareError, PreparedOnce};
use crate::engine::gatekeeper::PolicySet;
use crate::engine::prefilter::ObjectScope;
use crate::engine::user_policy::{Namespaces, PolicyError, PolicyModule, UserPolicies};
use crate::k8s::pss::{PssLevel, PssSettings, PssVersion};
use crate::report::finding::Severity;
use crate::report::suppress::{Exemption, SuppressionSettings};
use crate::rules::selector::{self, did_you_mean, SelectorError};
use crate::rules::{self, RuleError, RuleMeta};
use crate::schema::required_metadata::RequiredMetadata;
use crate::schema::{self, KubeVersion, SchemaChecker, SchemaSourceError};
use crate::signature::{SignatureSource, TrustedKey, Verifier};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// Why a linter could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
pub enum BuildError {
    #[error("unknown rule \"{name}\"{}", did_you_mean(suggestion.as_deref()))]
    #[diagnostic(code(plimsoll::unknown_rule), help("`plimsoll rules` lists the rule IDs"))]
    UnknownRule { name: String, suggestion: Option<String> },
    #[error("rule name \"{name}\" is ambiguous: it could be {candidates}")]
    #[diagnostic(code(plimsoll::ambiguous_rule))]
    AmbiguousRule { name: String, candidates: String },
    #[error(transparent)]
    #[diagnostic(code(plimsoll::builtin_policy))]
    Rule(#[from] RuleError),
    #[error("policy {path}: {message}")]
    #[diagnostic(code(plimsoll::policy))]
    Policy { path: String, message: String },
    #[error("setting {key}: {message}")]
    #[diagnostic(code(plimsoll::setting))]
    Setting { key: String, message: String },
    /// A user policy or data file is broken (see [`crate::engine::user_policy`]).
    #[error(transparent)]
    #[diagnostic(transparent)]
    UserPolicy(#[from] PolicyError),
    #[error("schema source {0}")]
    #[diagnostic(
        code(plimsoll::schema_source),
        help("crds takes CustomResourceDefinition YAML files and JSON schema files or directories")
    )]
    Schema(#[from] SchemaSourceError),
    /// Schema validation was asked for (a CRD, a JSON schema, a validation rule) from a build
    /// without the `schema-validation` feature.
    #[error("{0}: schema validation is not in this build of plimsoll")]
    #[diagnostic(
        code(plimsoll::not_in_build),
        help("the wasm package leaves schema validation out to stay small; the plimsoll CLI validates manifests against the Kubernetes schemas and CRDs")
    )]
    NotInBuild(String),
}

impl From<SelectorError> for BuildError {
    fn from(error: SelectorError) -> Self {
        match error {
            SelectorError::Unknown { name, suggestion } => BuildError::UnknownRule { name, suggestion },
            SelectorError::Ambiguous { name, candidates } => {
                BuildError::AmbiguousRule { name, candidates: candidates.join(", ") }
            }
            SelectorError::NotInBuild { name } => BuildError::NotInBuild(format!("rule {name:?}")),
        }
    }
}

/// Chooses rules and settings; [`LinterBuilder::build`] prepares the engine.
#[derive(Debug, Clone, Default)]
pub struct LinterBuilder {
    enable: Vec<String>,
    disable: Vec<String>,
    only: Option<Vec<String>>,
    severities: Vec<(String, Severity)>,
    config: serde_json::Map<String, Value>,
    suppression: SuppressionSettings,
    user: UserPolicies,
    /// Data documents for user policies, merged when the linter is built.
    user_data: Vec<(String, Value)>,
    without_builtin_rules: bool,
    kube_version: KubeVersion,
    crd_sources: Vec<Source>,
    json_schemas: Vec<Source>,
    /// (name, PEM text) of each key images/signature trusts.
    trusted_keys: Vec<(String, String)>,
    signatures: Vec<SignatureSource>,
    gatekeeper: Option<Arc<PolicySet>>,
    limits: crate::load::Limits,
    /// Milliseconds the policies may evaluate one object (see [`crate::engine::budget`]).
    evaluation_budget_ms: Option<u64>,
    /// The user's declaration that the sources are the whole deployment.
    complete_input: bool,
}

impl LinterBuilder {
    /// How long, in milliseconds, the policies may evaluate one object before they are stopped
    /// with a `plimsoll/evaluation` error (default [`crate::engine::budget::DEFAULT_BUDGET_MS`]).
    pub fn evaluation_budget_ms(mut self, milliseconds: u64) -> Self {
        self.evaluation_budget_ms = Some(milliseconds);
        self
    }

    /// Declares that the sources linted together are the whole deployment (`--complete-input`):
    /// rules that report a missing object (a Service whose selector matches no pod, a
    /// ServiceAccount that is not in the run) report only then. Policies read it as
    /// `data.plimsoll.complete_input`.
    pub fn complete_input(mut self, complete: bool) -> Self {
        self.complete_input = complete;
        self
    }

    /// Most YAML nodes one document may hold, aliases counted in full (default
    /// [`crate::load::MAX_NODES`]): larger documents are reported as `yaml/syntax` errors.
    pub fn max_document_nodes(mut self, nodes: usize) -> Self {
        self.limits.max_nodes = nodes;
        self
    }

    /// Turns on a rule that is off by default (ID or unambiguous short name).
    pub fn enable(mut self, rule: impl Into<String>) -> Self {
        self.enable.push(rule.into());
        self
    }

    /// Turns a rule off.
    pub fn disable(mut self, rule: impl Into<String>) -> Self {
        self.disable.push(rule.into());
        self
    }

    /// Runs exactly these rules (`enable`/`disable` still apply on top).
    pub fn only<I: IntoIterator<Item = S>, S: Into<String>>(mut self, rules: I) -> Self {
        self.only = Some(rules.into_iter().map(Into::into).collect());
        self
    }

    /// Reports a rule's findings at another severity.
    pub fn severity(mut self, rule: impl Into<String>, severity: Severity) -> Self {
        self.severities.push((rule.into(), severity));
        self
    }

    /// Sets a rule setting, readable by policies as `data.plimsoll.config.<key>` (for example
    /// `pss` → `{"level": "restricted", "version": "latest"}`). A later call replaces the key.
    pub fn config(mut self, key: impl Into<String>, value: Value) -> Self {
        self.config.insert(key.into(), value);
        self
    }

    /// The rule setting stored under `key`, if any.
    pub fn config_value(&self, key: &str) -> Option<&Value> {
        self.config.get(key)
    }

    /// Whether `plimsoll.io/ignore` annotations and `# plimsoll-ignore:` comments suppress
    /// findings (default: yes). Configuration exemptions apply either way.
    pub fn inline_ignores(mut self, allowed: bool) -> Self {
        self.suppression.inline = allowed;
        self
    }

    /// Adds an exemption (see [`crate::report::suppress::Exemption`]); its rules must be full IDs.
    pub fn exempt(mut self, exemption: Exemption) -> Self {
        self.suppression.exemptions.push(exemption);
        self
    }

    /// Allows images only from these registries or repository prefixes (`ghcr.io`,
    /// `registry.local:5000`, `ghcr.io/acme`, `nginx`), which turns on images/registry. Sets
    /// `images.allowed_registries`; entries are checked when the linter is built.
    pub fn allowed_registries<I: IntoIterator<Item = S>, S: Into<String>>(mut self, entries: I) -> Self {
        let entries: Vec<Value> = entries.into_iter().map(|e| Value::String(e.into())).collect();
        self.set_images_setting("allowed_registries", Value::Array(entries));
        self
    }

    /// Adds Gatekeeper ConstraintTemplates and Constraints, evaluated with the built-in rules.
    /// Their findings carry the rule ID `<Kind>/<constraint name>`.
    pub fn gatekeeper(mut self, policies: PolicySet) -> Self {
        self.gatekeeper = Some(Arc::new(policies));
        self
    }

    /// Adds a user Rego module in the conftest style (`deny`, `violation`, `warn` rules; see
    /// [`crate::engine::user_policy`]). `name` is how errors and locations name it.
    pub fn policy(mut self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.user.modules.push(PolicyModule { name: name.into(), text: text.into() });
        self
    }

    /// Adds a data document for user policies: its keys are merged into `data` at the top level.
    pub fn policy_data(mut self, name: impl Into<String>, document: Value) -> Self {
        self.user_data.push((name.into(), document));
        self
    }

    /// The packages whose conftest rules run (default: `main`).
    pub fn namespaces<I: IntoIterator<Item = S>, S: Into<String>>(mut self, packages: I) -> Self {
        self.user.namespaces = Namespaces::Only(packages.into_iter().map(Into::into).collect());
        self
    }

    /// Runs the conftest rules of every package of the user's modules.
    pub fn all_namespaces(mut self) -> Self {
        self.user.namespaces = Namespaces::All;
        self
    }

    /// Whether the built-in rules are in the catalog at all (default: yes).
    pub fn builtin_rules(mut self, on: bool) -> Self {
        self.without_builtin_rules = !on;
        self
    }

    /// The Kubernetes release manifests target (default 1.33): which API versions are deprecated
    /// or no longer served.
    pub fn kube_version(mut self, version: KubeVersion) -> Self {
        self.kube_version = version;
        self
    }

    /// Adds the schemas of the CustomResourceDefinitions in a YAML or JSON text (every served
    /// version). The text must hold at least one CRD.
    ///
    /// Without the `schema-validation` feature, [`LinterBuilder::build`] fails with
    /// [`BuildError::NotInBuild`] when a CRD or JSON schema was given: objects would silently go
    /// unchecked against schemas the caller expects to be used.
    pub fn crds(mut self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.crd_sources.push(Source { name: name.into(), text: text.into() });
        self
    }

    /// Adds a JSON schema for one kind; `path` names it as in
    /// `SchemaSet::add_json_schema` (see [`LinterBuilder::crds`] for builds without validation).
    pub fn json_schema(mut self, path: impl Into<String>, text: impl Into<String>) -> Self {
        self.json_schemas.push(Source { name: path.into(), text: text.into() });
        self
    }

    /// Trusts a public key for images/signature, which it turns on: `pem` is the key as cosign
    /// writes it (`cosign.pub`), `name` how messages refer to it (its file name, say). Keys are
    /// read when the linter is built; their names become `images.trusted_keys`.
    pub fn trusted_key(mut self, name: impl Into<String>, pem: impl Into<String>) -> Self {
        self.trusted_keys.push((name.into(), pem.into()));
        self
    }

    /// Adds signature material for images/signature (see [`crate::signature`]); it is read, and
    /// every signature checked against the trusted keys, when the linter is built.
    pub fn signatures(mut self, source: SignatureSource) -> Self {
        self.signatures.push(source);
        self
    }

    pub fn build(mut self) -> Result<Linter, BuildError> {
        if let Some(source) = self.crd_sources.iter().chain(&self.json_schemas).find(|_| !schema::VALIDATION_AVAILABLE)
        {
            return Err(BuildError::NotInBuild(format!("schema source {}", source.name)));
        }
        let verifier = self.verifier()?.map(Arc::new);
        if let Some(verifier) = &verifier {
            self.set_images_setting("trusted_keys", Value::from(verifier.key_names()));
        }
        let mut user = self.user.clone();
        for (name, document) in &self.user_data {
            user.add_data(name, document.clone())?;
        }
        let builtin = rules::builtin_rules()?;
        let reserved: Vec<&str> = builtin.iter().map(|r| r.id.as_str()).collect();
        let loaded = user.load(&reserved)?;
        let catalog = self.catalog(builtin, &loaded.rules);
        let selected = self.select(&catalog)?;
        check_rule_parameters(&catalog, &self.config)?;
        let config = with_allowed_prefixes(self.config.clone())?;
        let budget_ms = self.evaluation_budget_ms.unwrap_or(crate::engine::budget::DEFAULT_BUDGET_MS);
        // A rule whose every finding is about a missing object cannot report without complete
        // input: it stays enabled (listed, configurable) but is not evaluated.
        let evaluated_rules: Vec<RuleMeta> = selected
            .iter()
            .filter(|rule| self.complete_input || rule.complete_input != Some(rules::CompleteInput::Required))
            .cloned()
            .collect();
        let settings =
            EvaluationSettings { verifier: verifier.clone(), budget_ms, complete_input: self.complete_input };
        let prepared =
            PreparedOnce::new(&evaluated_rules, &config, &loaded, &user.data, &settings).map_err(|e| match e {
                PrepareError::Policy { path, message } => BuildError::Policy { path, message },
                PrepareError::User(error) => BuildError::UserPolicy(error),
            })?;
        let inventory = InventoryNeeds::of(&selected, self.complete_input);
        let schema = SchemaChecker::for_rules(
            selected.iter().map(|rule| rule.id.as_str()),
            self.kube_version,
            self.crd_sources.iter().map(|s| (s.name.as_str(), s.text.as_str())),
            self.json_schemas.iter().map(|s| (s.name.as_str(), s.text.as_str())),
        )?
        .map(|mut checker| {
            checker.required_metadata = selected
                .iter()
                .filter_map(|rule| RequiredMetadata::from_settings(&rule.id, config.get(&rule.id)))
                .collect();
            checker
        });
        // Rules implemented in Rust run on every object without the Rego evaluation.
        let evaluated = Arc::new(ObjectScope::new(&evaluated_rules));
        let severities = self.severity_overrides(&catalog)?;
        let rules: HashMap<String, ActiveRule> = selected
            .into_iter()
            .map(|meta| {
                let severity = severities.get(&meta.id).copied().unwrap_or(meta.severity);
                (meta.id.clone(), ActiveRule { severity })
            })
            .collect();
        Ok(Linter {
            prepared: Arc::new(prepared),
            rules: Arc::new(rules),
            catalog: Arc::new(catalog),
            evaluated,
            inventory,
            suppression: Arc::new(self.suppression),
            schema: schema.map(Arc::new),
            gatekeeper: self.gatekeeper.filter(|policies| !policies.is_empty()).map(|policies| {
                let mut policies = Arc::unwrap_or_clone(policies);
                policies.set_budget(budget_ms);
                Arc::new(policies)
            }),
            verifier,
            policy_notes: loaded.notes.into(),
            limits: self.limits,
        })
    }

    /// Reads the trusted keys and the signature material, checking every signature once.
    fn verifier(&self) -> Result<Option<Verifier>, BuildError> {
        let setting = |key: &str, message: String| BuildError::Setting { key: key.into(), message };
        if self.trusted_keys.is_empty() {
            if self.signatures.is_empty() {
                return Ok(None);
            }
            let message = "signature material was given, but no trusted key to verify it with";
            return Err(setting("images.trusted_keys", message.into()));
        }
        let keys = self
            .trusted_keys
            .iter()
            .map(|(name, pem)| TrustedKey::from_pem(name, pem))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| setting("images.trusted_keys", e.to_string()))?;
        let verifier =
            Verifier::new(keys, &self.signatures).map_err(|e| setting("images.signatures", e.to_string()))?;
        Ok(Some(verifier))
    }

    /// Sets `images.<key>` in the rule settings, keeping the other image settings.
    fn set_images_setting(&mut self, key: &str, value: Value) {
        let images = self.config.entry("images").or_insert_with(|| Value::Object(Default::default()));
        if !images.is_object() {
            *images = Value::Object(Default::default());
        }
        if let Value::Object(images) = images {
            images.insert(key.into(), value);
        }
    }

    /// The built-in rules (unless turned off) and the user's, sorted by ID.
    fn catalog(&self, builtin: Vec<RuleMeta>, user_rules: &[RuleMeta]) -> Vec<RuleMeta> {
        let mut catalog = if self.without_builtin_rules { Vec::new() } else { builtin };
        catalog.extend(user_rules.iter().cloned());
        catalog.sort_by(|a, b| a.id.cmp(&b.id));
        catalog
    }

    fn select(&self, catalog: &[RuleMeta]) -> Result<Vec<RuleMeta>, BuildError> {
        let resolve_all = |names: &[String]| -> Result<Vec<String>, BuildError> {
            let mut ids = Vec::new();
            for name in names {
                ids.extend(selector::resolve(catalog, name)?);
            }
            Ok(ids)
        };
        let only = self.only.as_deref().map(resolve_all).transpose()?;
        let enable = resolve_all(&self.enable)?;
        // Turning off a rule this build leaves out is no error: configurations are shared with the CLI.
        let present =
            |names: &[String]| names.iter().filter(|n| !schema::left_out_of_build(n)).cloned().collect::<Vec<_>>();
        let disable = resolve_all(&present(&self.disable))?;
        Ok(catalog
            .iter()
            .filter(|rule| {
                let chosen = match &only {
                    Some(only) => only.contains(&rule.id),
                    None => rule.enabled_by_default || self.turned_on_by_setting(rule),
                };
                (chosen || enable.contains(&rule.id)) && !disable.contains(&rule.id)
            })
            .cloned()
            .collect())
    }

    /// Whether the rule's `enabled_by` setting is given (present, and not null, false or empty).
    fn turned_on_by_setting(&self, rule: &RuleMeta) -> bool {
        let Some(path) = &rule.enabled_by else { return false };
        let mut keys = path.split('.');
        let first = keys.next().and_then(|key| self.config.get(key));
        match keys.try_fold(first, |value, key| value.map(|v| v.get(key))).flatten() {
            None | Some(Value::Null) | Some(Value::Bool(false)) => false,
            Some(Value::Array(items)) => !items.is_empty(),
            Some(Value::Object(map)) => !map.is_empty(),
            Some(Value::String(text)) => !text.is_empty(),
            Some(_) => true,
        }
    }

    fn severity_overrides(&self, catalog: &[RuleMeta]) -> Result<HashMap<String, Severity>, BuildError> {
        self.severities
            .iter()
            .filter(|(name, _)| !schema::left_out_of_build(name))
            .map(|(name, severity)| Ok(selector::resolve(catalog, name)?.into_iter().map(|id| (id, *severity))))
            .collect::<Result<Vec<_>, BuildError>>()
            .map(|overrides| overrides.into_iter().flatten().collect())
    }
}

/// Checks every rule's settings (`settings.<rule-id>`) against the parameters the rule declares;
/// the configuration file does the same with lines and columns, so this catches what other
/// frontends (the wasm package, the builder's callers) hand over.
fn check_rule_parameters(catalog: &[RuleMeta], config: &serde_json::Map<String, Value>) -> Result<(), BuildError> {
    for rule in catalog.iter().filter(|rule| !rule.parameters.is_empty()) {
        let Some(settings) = config.get(&rule.id) else { continue };
        if let Some(problem) = rules::parameters::check(&rule.id, &rule.parameters, settings).into_iter().next() {
            let at = problem.path.to_string();
            let key =
                if at.is_empty() { format!("settings.{}", rule.id) } else { format!("settings.{}.{at}", rule.id) };
            return Err(BuildError::Setting { key, message: problem.message });
        }
    }
    Ok(())
}

/// Which objects a run's inventory must summarise, given the enabled rules.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum InventoryNeeds {
    /// No enabled rule reads the inventory: no summary pass.
    #[default]
    Nothing,
    /// Objects of some kinds (and lists, whose items may be).
    Kinds(KindNeeds),
    Everything,
}

/// The kinds a run without complete input summarises.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct KindNeeds {
    /// Every object of these kinds.
    pub read: BTreeSet<String>,
    /// Kinds read only where an object of another kind selects or names them, rule by rule
    /// (`custom.inventory_referenced`; see [`crate::k8s::inventory::Entry::references`]).
    pub references: Vec<ReferenceNeed>,
}

/// What one rule reads of the objects its own objects select or name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ReferenceNeed {
    /// The kinds that select or name (the rule's scope).
    pub referrers: BTreeSet<String>,
    /// The kinds read where selected or named, unless every object of them is read anyway.
    pub referenced: BTreeSet<String>,
    /// A field the referring object must set for the rule to read them
    /// (`custom.inventory_referenced_when`).
    pub when: Option<String>,
}

impl KindNeeds {
    fn is_referrer(&self, kind: &str) -> bool {
        self.references.iter().any(|need| need.referrers.contains(kind))
    }

    fn is_referenced(&self, kind: &str) -> bool {
        self.references.iter().any(|need| need.referenced.contains(kind))
    }
}

impl InventoryNeeds {
    /// With complete input every object may be the missing one; without it, a rule whose every
    /// finding needs complete input reads nothing, and the others read the kinds they list.
    fn of(selected: &[RuleMeta], complete_input: bool) -> InventoryNeeds {
        let readers = selected.iter().filter(|rule| rule.uses_inventory);
        let readers: Vec<&RuleMeta> = match complete_input {
            true => return if readers.count() > 0 { InventoryNeeds::Everything } else { InventoryNeeds::Nothing },
            false => readers.filter(|rule| rule.complete_input != Some(rules::CompleteInput::Required)).collect(),
        };
        if readers.is_empty() {
            return InventoryNeeds::Nothing;
        }
        let mut needs = KindNeeds::default();
        for rule in readers {
            match &rule.inventory_kinds {
                Some(listed) => needs.read.extend(listed.iter().cloned()),
                None if rule.inventory_referenced.is_empty() => return InventoryNeeds::Everything,
                None => {}
            }
            if !rule.inventory_referenced.is_empty() {
                needs.references.push(ReferenceNeed {
                    referrers: rule.kinds.iter().cloned().collect(),
                    referenced: rule.inventory_referenced.iter().cloned().collect(),
                    when: rule.inventory_referenced_when.clone(),
                });
            }
        }
        let read = needs.read.clone();
        for need in &mut needs.references {
            need.referenced.retain(|kind| !read.contains(kind));
        }
        InventoryNeeds::Kinds(needs)
    }

    /// Whether a document whose top-level `kind` reads `kind` (when it could be read from the
    /// text) is summarised as soon as it is read: documents of referenced kinds wait until the
    /// referring objects are known ([`InventoryNeeds::referenced`]).
    pub(crate) fn wants(&self, kind: Option<&str>) -> bool {
        match (self, kind) {
            (InventoryNeeds::Nothing, _) => false,
            (InventoryNeeds::Everything, _) | (_, None) => true,
            (InventoryNeeds::Kinds(needs), Some(kind)) => {
                needs.read.contains(kind) || needs.is_referrer(kind) || kind.ends_with("List")
            }
        }
    }

    /// Whether documents of `kind` are summarised only where a referring object may select or
    /// name them.
    pub(crate) fn referenced(&self, kind: Option<&str>) -> bool {
        match (self, kind) {
            (InventoryNeeds::Kinds(needs), Some(kind)) => needs.is_referenced(kind),
            _ => false,
        }
    }

    /// The reference needs of the rules for which objects of `kind` select or name others.
    pub(crate) fn references_by<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a ReferenceNeed> + 'a {
        let needs = match self {
            InventoryNeeds::Kinds(needs) => needs.references.as_slice(),
            _ => &[],
        };
        needs.iter().filter(move |need| need.referrers.contains(kind))
    }
}

/// Checks `images.allowed_registries` (a list of strings) and adds `images.allowed_prefixes`, the
/// normalised names images are matched against (see [`crate::k8s::image::allow_list_prefixes`]).
fn with_allowed_prefixes(
    mut config: serde_json::Map<String, Value>,
) -> Result<serde_json::Map<String, Value>, BuildError> {
    let setting = |message: String| BuildError::Setting { key: "images.allowed_registries".into(), message };
    let Some(Value::Object(images)) = config.get_mut("images") else { return Ok(config) };
    let entries = match images.get("allowed_registries") {
        None | Some(Value::Null) => return Ok(config),
        Some(Value::Array(entries)) => entries,
        Some(_) => return Err(setting("expected a list of registries or repository prefixes".into())),
    };
    let mut prefixes = Vec::new();
    for entry in entries {
        let text = entry.as_str().ok_or_else(|| setting(format!("{entry} is not a string")))?;
        let entry_prefixes = crate::k8s::image::allow_list_prefixes(text).map_err(|e| setting(e.to_string()))?;
        prefixes.extend(entry_prefixes.into_iter().map(Value::String));
    }
    images.insert("allowed_prefixes".into(), Value::Array(prefixes));
    Ok(config)
}

/// The config key the settings live under.
const CONFIG_KEY: &str = "pss";

impl LinterBuilder {
    /// Sets both Pod Security Standards settings.
    pub fn pss(self, settings: PssSettings) -> Self {
        self.config(CONFIG_KEY, settings.to_config())
    }

    /// Checks this Pod Security Standards level: `baseline` runs only the baseline rules.
    pub fn pss_level(self, level: PssLevel) -> Self {
        let settings = self.pss_settings();
        self.pss(PssSettings { level, ..settings })
    }

    /// Checks this Pod Security Standards policy version: each rule applies the variant of its
    /// check that Pod Security admission applies at that version, or nothing if the check is newer.
    pub fn pss_version(self, version: PssVersion) -> Self {
        let settings = self.pss_settings();
        self.pss(PssSettings { version, ..settings })
    }

    /// The settings chosen so far.
    pub fn pss_settings(&self) -> PssSettings {
        self.config_value(CONFIG_KEY).and_then(PssSettings::from_config).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::pss::{PssLevel, PssSettings, PssVersion};

    #[test]
    fn level_and_version_are_set_independently() {
        let builder =
            LinterBuilder::default().pss_version(PssVersion::v1(25).unwrap_or_default()).pss_level(PssLevel::Baseline);
        assert_eq!(
            builder.pss_settings(),
            PssSettings { level: PssLevel::Baseline, version: PssVersion::v1(25).unwrap_or_default() }
        );
        assert_eq!(LinterBuilder::default().pss_settings(), PssSettings::default());
    }
}
