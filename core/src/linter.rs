//! The linter: built once from configuration, then used from any number of threads.
//!
//! [`LinterBuilder::build`] selects rules, loads their Rego (and the shared library) into one
//! regorus engine, adds a generated module that gathers every enabled rule's violations into one
//! set, and evaluates it once so that unknown functions and other late errors surface at build time.
//! [`Linter::worker`] clones that prepared engine (cheap: compiled policies are shared); a
//! [`Worker`] lints sources one after another: load → evaluate each object once → locate each
//! violation's path → findings. [`Linter::lint_sources`] runs workers over many sources, in
//! parallel with the `parallel` feature. Rules implemented in Rust ([`crate::schema`]: schema
//! validation, API lifecycle, kustomizations) run beside the Rego evaluation on every object, and
//! CustomResourceDefinitions among the sources extend the schemas for that run.
//!
//! With Gatekeeper policies ([`LinterBuilder::gatekeeper`]), every source is loaded first, the
//! objects of all of them make up `data.inventory`, and then each object is linted as above plus
//! reviewed by every matching Constraint ([`crate::gatekeeper`]); both kinds of finding land in
//! the same report.

use crate::evaluate::{to_rego, Evaluator, Prepared};
use crate::finding::{FileReport, Finding, LintedObject, Report, Severity};
use crate::gatekeeper::{self, Inventory, PolicySet};
use crate::load::{self, Document, LoadedFile, Problem};
use crate::position::Path;
use crate::rules::{self, RuleEngine, RuleError, RuleMeta, RuleScope};
use crate::schema::{self, KubeVersion, SchemaChecker, SchemaSourceError};
use crate::signature::{SignatureSource, TrustedKey, Verifier};
use crate::suppress::{Exemption, SuppressionSettings, Suppressor};
use crate::user_policy::{Namespaces, PolicyError, PolicyModule, UserPolicies};
use regorus::Value as RegoValue;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// Why a linter could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
pub enum BuildError {
    #[error("unknown rule {0:?}")]
    #[diagnostic(code(plimsoll::unknown_rule), help("`plimsoll rules` lists the rule IDs"))]
    UnknownRule(String),
    #[error("rule name {name:?} is ambiguous: it could be {candidates}")]
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
    /// A user policy or data file is broken (see [`crate::user_policy`]).
    #[error(transparent)]
    #[diagnostic(transparent)]
    UserPolicy(#[from] PolicyError),
    #[error("schema source {0}")]
    #[diagnostic(
        code(plimsoll::schema_source),
        help("--crd takes CustomResourceDefinition YAML files and JSON schema files or directories")
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

/// The rule ID of the finding reported when an object cannot be evaluated.
pub const EVALUATION_FAILURE_RULE: &str = "plimsoll/evaluation";

/// A source to lint: its name (as reports show it) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub name: String,
    pub text: String,
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
}

impl LinterBuilder {
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

    /// Adds an exemption (see [`crate::suppress::Exemption`]); its rules must be full IDs.
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
    /// [`crate::user_policy`]). `name` is how errors and locations name it.
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
        let config = with_allowed_prefixes(self.config.clone())?;
        let prepared = Prepared::new(&selected, &config, &loaded, &user.data, verifier.clone())?;
        let schema = SchemaChecker::for_rules(
            selected.iter().map(|rule| rule.id.as_str()),
            self.kube_version,
            self.crd_sources.iter().map(|s| (s.name.as_str(), s.text.as_str())),
            self.json_schemas.iter().map(|s| (s.name.as_str(), s.text.as_str())),
        )?;
        // Rules implemented in Rust run on every object without the Rego evaluation.
        let pod_specs_only =
            selected.iter().filter(|rule| rule.engine == RuleEngine::Rego).all(|rule| rule.scope == RuleScope::PodSpec);
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
            pod_specs_only,
            suppression: Arc::new(self.suppression),
            schema: schema.map(Arc::new),
            gatekeeper: self.gatekeeper.filter(|policies| !policies.is_empty()),
            verifier,
            policy_notes: loaded.notes.into(),
        })
    }

    /// Reads the trusted keys and the signature material, checking every signature once.
    fn verifier(&self) -> Result<Option<Verifier>, BuildError> {
        let setting = |key: &str, message: String| BuildError::Setting { key: key.into(), message };
        if self.trusted_keys.is_empty() {
            if self.signatures.is_empty() {
                return Ok(None);
            }
            let message = "signature material was given, but no trusted key to verify it with (--trusted-key)";
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
        let resolve_all =
            |names: &[String]| names.iter().map(|n| resolve_rule_name(catalog, n)).collect::<Result<Vec<_>, _>>();
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
            .map(|(name, severity)| Ok((resolve_rule_name(catalog, name)?, *severity)))
            .collect()
    }
}

/// Checks `images.allowed_registries` (a list of strings) and adds `images.allowed_prefixes`, the
/// normalised names images are matched against (see [`crate::image::allow_list_prefixes`]).
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
        let entry_prefixes = crate::image::allow_list_prefixes(text).map_err(|e| setting(e.to_string()))?;
        prefixes.extend(entry_prefixes.into_iter().map(Value::String));
    }
    images.insert("allowed_prefixes".into(), Value::Array(prefixes));
    Ok(config)
}

/// Resolves a full ID, or a short name (`privileged`) that names exactly one rule.
pub fn resolve_rule_name(catalog: &[RuleMeta], name: &str) -> Result<String, BuildError> {
    if catalog.iter().any(|r| r.id == name) {
        return Ok(name.to_string());
    }
    let matches: Vec<&str> =
        catalog.iter().filter(|r| r.id.rsplit('/').next() == Some(name)).map(|r| r.id.as_str()).collect();
    match matches.as_slice() {
        [one] => Ok((*one).to_string()),
        [] if schema::left_out_of_build(name) => Err(BuildError::NotInBuild(format!("rule {name:?}"))),
        [] => Err(BuildError::UnknownRule(name.to_string())),
        many => Err(BuildError::AmbiguousRule { name: name.to_string(), candidates: many.join(", ") }),
    }
}

#[derive(Debug, Clone)]
struct ActiveRule {
    severity: Severity,
}

/// A prepared linter. Cheap to share; each thread lints through its own [`Worker`].
#[derive(Clone)]
pub struct Linter {
    prepared: Arc<Prepared>,
    rules: Arc<HashMap<String, ActiveRule>>,
    catalog: Arc<Vec<RuleMeta>>,
    /// Every enabled rule applies only to objects with a pod spec: others need no evaluation.
    pod_specs_only: bool,
    suppression: Arc<SuppressionSettings>,
    /// Present when a rule implemented in Rust is enabled.
    schema: Option<Arc<SchemaChecker>>,
    /// Trusted keys and checked signatures, when keys are configured.
    verifier: Option<Arc<Verifier>>,
    gatekeeper: Option<Arc<PolicySet>>,
    /// What loading the user's policies noticed without stopping the build.
    policy_notes: Arc<[PolicyError]>,
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
            pod_specs_only: self.pod_specs_only,
            suppression: self.suppression.clone(),
            schema: self.schema.clone(),
            gatekeeper: self.gatekeeper.clone().map(GatekeeperState::PerSource),
            verifier: self.verifier.clone(),
            facts_cache: Default::default(),
        }
    }

    /// The signature verifier, when trusted keys are configured: `verify(image)` gives the
    /// verdict images/signature reports.
    pub fn verifier(&self) -> Option<&Verifier> {
        self.verifier.as_deref()
    }

    /// A worker whose Gatekeeper constraints see a whole run's objects.
    fn worker_for_run(&self, run: &Arc<gatekeeper::Run>) -> Worker {
        Worker { gatekeeper: Some(GatekeeperState::Run(run.clone())), ..self.worker() }
    }

    /// Number of Gatekeeper templates and constraints evaluated.
    pub fn gatekeeper_counts(&self) -> (usize, usize) {
        self.gatekeeper.as_ref().map_or((0, 0), |policies| policies.counts())
    }

    /// Lints one source on this thread.
    pub fn lint_source(&self, name: &str, text: &str) -> FileReport {
        self.with_crds_in([(name, text)]).worker().lint(name, text)
    }

    /// Lints many sources, one worker per thread; the report keeps the sources' order.
    pub fn lint_sources(&self, sources: &[Source]) -> Report {
        let texts = sources.iter().map(|s| (s.name.as_str(), s.text.as_str()));
        Report::from_files(self.with_crds_in(texts).lint_each(sources))
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
        Report::from_files(self.with_crds_in(texts).lint_each_with(sources, done))
    }

    fn lint_each(&self, sources: &[Source]) -> Vec<FileReport> {
        self.lint_each_with(sources, &|| {})
    }

    #[cfg(feature = "parallel")]
    fn lint_each_with(&self, sources: &[Source], done: &(dyn Fn() + Sync)) -> Vec<FileReport> {
        use rayon::prelude::*;
        if let Some(policies) = &self.gatekeeper {
            let loaded: Vec<LoadedFile> = sources.par_iter().map(|s| load::load(&s.name, &s.text)).collect();
            let run = Arc::new(policies.prepare(&inventory_of(&loaded)));
            let lint = |worker: &mut Worker, (s, l): (&Source, LoadedFile)| {
                let report = worker.lint_with_text(&s.name, Some(&s.text), l);
                done();
                report
            };
            let workers = ThreadWorkers::new(|| self.worker_for_run(&run));
            return sources.par_iter().zip(loaded).map(|item| workers.with(|worker| lint(worker, item))).collect();
        }
        let workers = ThreadWorkers::new(|| self.worker());
        let lint = |s: &Source| {
            let report = workers.with(|worker| worker.lint(&s.name, &s.text));
            done();
            report
        };
        sources.par_iter().map(lint).collect()
    }

    #[cfg(not(feature = "parallel"))]
    fn lint_each_with(&self, sources: &[Source], done: &(dyn Fn() + Sync)) -> Vec<FileReport> {
        if let Some(policies) = &self.gatekeeper {
            let loaded: Vec<LoadedFile> = sources.iter().map(|s| load::load(&s.name, &s.text)).collect();
            let run = Arc::new(policies.prepare(&inventory_of(&loaded)));
            let mut worker = self.worker_for_run(&run);
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
        let mut worker = self.worker();
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

/// Lints sources one at a time with its own engine.
pub struct Worker {
    evaluator: Evaluator,
    rules: Arc<HashMap<String, ActiveRule>>,
    pod_specs_only: bool,
    suppression: Arc<SuppressionSettings>,
    schema: Option<Arc<SchemaChecker>>,
    verifier: Option<Arc<Verifier>>,
    gatekeeper: Option<GatekeeperState>,
    facts_cache: crate::functions::FactsCache,
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

/// Where a worker's Gatekeeper constraints get their inventory.
enum GatekeeperState {
    /// From the source (or object) being linted: prepared per call.
    PerSource(Arc<PolicySet>),
    /// From a whole run, prepared once.
    Run(Arc<gatekeeper::Run>),
}

impl Worker {
    /// Loads and lints one source; suppressions apply, comments included.
    pub fn lint(&mut self, name: &str, text: &str) -> FileReport {
        let loaded = load::load(name, text);
        self.lint_with_text(name, Some(text), loaded)
    }

    /// Lints already loaded documents. Without the source text, `# plimsoll-ignore:` comments
    /// cannot be seen: only exemptions and annotations suppress findings.
    pub fn lint_loaded(&mut self, name: &str, loaded: LoadedFile) -> FileReport {
        self.lint_with_text(name, None, loaded)
    }

    fn lint_with_text(&mut self, name: &str, text: Option<&str>, loaded: LoadedFile) -> FileReport {
        let file: Arc<str> = Arc::from(name);
        let suppression = self.suppression.clone();
        let suppressor = Suppressor::new(&suppression, text);
        let problems: Vec<Finding> = loaded.problems.iter().map(|p| self.problem_finding(&file, p)).collect();
        let (mut findings, mut suppressed) = suppressor.partition(problems, None);
        let mut objects = Vec::with_capacity(loaded.documents.len());
        let run = self.gatekeeper_run(loaded.documents.iter().map(|d| &d.value));
        for document in &loaded.documents {
            let mut document_findings = self.lint_builtin(document);
            if let Some(run) = &run {
                document_findings.extend(gatekeeper::findings(run, document));
            }
            let (kept, hidden) = suppressor.partition(document_findings, Some(document));
            findings.extend(kept);
            suppressed.extend(hidden);
            objects.push(LintedObject {
                file: file.clone(),
                object: document.object_ref(),
                document: document.index,
                pod_spec: crate::kinds::carries_pod_spec(&document.value),
            });
        }
        if let (Some(checker), Some(text)) = (&self.schema, text) {
            let rules = &self.rules;
            let kustomization = checker.kustomization_file_findings(&file, text, |id| Some(rules.get(id)?.severity));
            let (kept, hidden) = suppressor.partition(kustomization, None);
            findings.extend(kept);
            suppressed.extend(hidden);
        }
        let mut report = FileReport { file, findings, documents: loaded.document_count, suppressed, objects };
        report.sort();
        report
    }

    fn problem_finding(&self, file: &Arc<str>, problem: &Problem) -> Finding {
        Finding {
            rule: problem.kind.rule_id().to_string(),
            severity: Severity::Error,
            message: problem.message.clone(),
            file: file.clone(),
            span: problem.span,
            path: None,
            object: None,
            template: problem.template.clone(),
            document: problem.document,
        }
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
    /// configuration exemptions and `plimsoll.io/ignore` annotations apply as they do to files.
    /// Evaluation failures are never suppressed, so that a failure policy still sees them.
    pub fn lint_object(&mut self, document: &Document) -> Vec<Finding> {
        let suppression = self.suppression.clone();
        let suppressor = Suppressor::new(&suppression, None);
        let (failures, findings): (Vec<Finding>, Vec<Finding>) =
            self.lint_document(document).into_iter().partition(|f| f.rule == EVALUATION_FAILURE_RULE);
        let (mut kept, _) = suppressor.partition(findings, Some(document));
        kept.extend(failures);
        kept
    }

    /// Evaluates every enabled rule, and every matching Gatekeeper constraint, against one object
    /// and locates the violations.
    pub fn lint_document(&mut self, document: &Document) -> Vec<Finding> {
        let mut findings = self.lint_builtin(document);
        if let Some(run) = self.gatekeeper_run(std::iter::once(&document.value)) {
            findings.extend(gatekeeper::findings(&run, document));
        }
        findings
    }

    /// Evaluates every enabled built-in rule (Rego and Rust) against one object.
    fn lint_builtin(&mut self, document: &Document) -> Vec<Finding> {
        let mut findings = match &self.schema {
            Some(checker) => checker.findings(document, |id| Some(self.rules.get(id)?.severity)),
            None => Vec::new(),
        };
        if self.pod_specs_only && !crate::kinds::carries_pod_spec(&document.value) {
            return findings;
        }
        let input = to_rego(&document.value);
        let facts = crate::functions::facts_with_cache(
            &document.value,
            &input,
            self.verifier.as_deref(),
            &mut self.facts_cache,
        );
        let results = match self.evaluator.evaluate(input, facts) {
            Ok(value) => value,
            Err(error) => {
                findings.push(self.evaluation_failure(document, &error));
                return findings;
            }
        };
        if let Ok(set) = results.as_set() {
            for result in set.iter() {
                if let Some(finding) = self.violation_finding(document, result) {
                    findings.push(finding);
                }
            }
        }
        findings
    }

    fn violation_finding(&self, document: &Document, result: &RegoValue) -> Option<Finding> {
        let rule_id = result["rule"].as_string().ok()?.to_string();
        let rule = self.rules.get(&rule_id)?;
        let violation = &result["violation"];
        let (message, path) = read_violation(violation);
        // A violation without a path is about the whole object: shown at its metadata.
        let at = path.clone().unwrap_or_else(|| Path::parse("metadata").unwrap_or_default());
        let located = document.locate(&at);
        Some(Finding {
            rule: rule_id,
            severity: rule.severity,
            message,
            file: document.file.clone(),
            span: located.span,
            path,
            object: Some(document.object_ref()),
            template: document.template.clone(),
            document: document.index,
        })
    }

    fn evaluation_failure(&self, document: &Document, error: &str) -> Finding {
        Finding {
            rule: EVALUATION_FAILURE_RULE.into(),
            severity: Severity::Error,
            message: format!("policy evaluation failed: {error}"),
            file: document.file.clone(),
            span: document.positions.span,
            path: None,
            object: Some(document.object_ref()),
            template: document.template.clone(),
            document: document.index,
        }
    }
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
