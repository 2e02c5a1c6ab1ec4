//! The configuration file, `.plimsoll.yaml`: what it may say, how it is read, and how it becomes
//! [`Settings`].
//!
//! Flow: the frontend finds the file (the CLI looks in the working directory, then its ancestors)
//! and hands over its name and text. [`Config::parse`] reads the text with the manifest loader —
//! YAML as kubectl reads it, with the position of every node — and checks every key and value:
//! each mistake becomes a [`ConfigError`] naming the key, its line and column, and, for a near
//! miss, the key or value that was probably meant. [`Config::settings`] then checks rule names
//! against the built-in catalog with the one resolver (again located) and gives the file's
//! [`Settings`], which the frontend merges with its own and turns into a linter builder (see
//! [`super`]). Choosing files ([`Config::ignores_path`]) and reading the files that `policies`,
//! `data`, `crds`, `images.trusted_keys` and `images.signatures` name (paths relative to the
//! configuration file's directory; [`Config::trusted_keys`]) are left to the frontend, which hands
//! their contents to the builder.
//!
//! ```yaml
//! rules:
//!   profile: default            # default | all | supply-chain | availability | hardening
//!   enable: [images]            # IDs, short names or categories
//!   disable: [probes]
//!   severity: {images/latest-tag: error}
//! fail_on: warning              # error | warning | info | never
//! pss: {level: baseline, version: v1.30}
//! images:
//!   allowed_registries: [registry.example.com, ghcr.io/example]
//!   trusted_keys: [keys/cosign.pub]      # PEM public keys: turn images/signature on
//!   signatures: [signatures/]            # `cosign download signature` files, `cosign save` dirs
//! settings: {}                  # other rule settings, handed to policies unchanged
//! exemptions:
//!   - rules: [privileged]
//!     namespaces: [kube-system]
//!     kinds: [DaemonSet]
//!     names: ["node-*"]
//!     containers: [agent]
//!     reason: the node agent manages host networking
//! ignore_paths: [vendor/, "*.generated.yaml"]
//! inline_ignores: false         # annotations and comments may not suppress findings
//! kube_version: "1.29"          # removed and deprecated APIs of this release (default 1.33)
//! policies: [policy/]           # user Rego files or folders (as --policy), relative to the file
//! data: [policy/data.yaml]      # data documents for them (as --data)
//! crds: [crds/]                 # CRD schemas (as --crd)
//! helm: tools/helm              # the helm binary (as --helm); kustomize: likewise (as --kustomize)
//! charts:                       # how to render charts: one item per render
//!   - {path: charts/web, name: prod, release: web, namespace: shop, values: [charts/web/values-prod.yaml], set: [replicas=3]}
//! max_document_nodes: 5000000   # most YAML nodes in one document (default 2000000)
//! evaluation_budget_ms: 5000    # how long policies may evaluate one object
//! complete_input: true          # the files are the whole deployment: report missing objects
//! ```
//!
//! Paths (`policies`, `data`, `crds`) are relative to the file's directory; reading them is the
//! frontend's job, as with the matching command-line options, which add to them.
//!
//! The JSON schema published with the project (`schemas/plimsoll-config.schema.json`) describes
//! the same file; [`KEYS`] is the list both follow.

use super::{FailOn, ImageSettings, PssChoice, RuleSettings, Settings, PROFILES};
use crate::glob;
use crate::k8s::pss::{PssLevel, PssSettings, PssVersion};
use crate::load::position::{PosChildren, PosNode, Span};
use crate::load::{parse_yaml_document, PositionedValue};
use crate::report::finding::Severity;
use crate::report::suppress::Exemption;
use crate::rules::selector::{self, did_you_mean, suggest, SelectorError};
use crate::rules::{self, RuleMeta};
use crate::schema::{left_out_of_build, KubeVersion};
use miette::{NamedSource, SourceSpan};
use serde_json::{Map, Value};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// The file's name; frontends look for it.
pub const FILE_NAME: &str = ".plimsoll.yaml";

/// Every key the file may hold, by section (`""` is the top level, `exemptions[]` each item of
/// the `exemptions` list). The published JSON schema lists the same keys (a test checks it).
pub const KEYS: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "rules",
            "fail_on",
            "pss",
            "images",
            "settings",
            "exemptions",
            "ignore_paths",
            "inline_ignores",
            "kube_version",
            "policies",
            "data",
            "crds",
            "helm",
            "kustomize",
            "charts",
            "max_document_nodes",
            "evaluation_budget_ms",
            "complete_input",
        ],
    ),
    ("rules", &["profile", "only", "enable", "disable", "severity"]),
    ("pss", &["level", "version"]),
    ("images", &["allowed_registries", "trusted_keys", "signatures"]),
    ("exemptions[]", &["rules", "namespaces", "kinds", "names", "containers", "reason"]),
    ("charts[]", &["path", "name", "release", "namespace", "values", "set"]),
];

/// Pod Security Standards levels the PSS rules can check against.
pub const PSS_LEVELS: &[&str] = &["baseline", "restricted"];

const FAIL_ON: &[&str] = &["error", "warning", "info", "never"];
const SEVERITIES: &[&str] = &["error", "warning", "info"];

/// Every key as a dotted path (`rules.enable`, `exemptions[].kinds`), for schema checks.
pub fn known_keys() -> Vec<String> {
    KEYS.iter()
        .flat_map(|(section, keys)| {
            keys.iter().map(move |key| if section.is_empty() { key.to_string() } else { format!("{section}.{key}") })
        })
        .collect()
}

fn keys_of(section: &str) -> &'static [&'static str] {
    KEYS.iter().find(|(name, _)| *name == section).map_or(&[], |(_, keys)| keys)
}

/// A value and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// The `rules` section. Names are as written; [`Config::settings`] checks them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleConfig {
    pub profile: Option<Spanned<String>>,
    pub only: Option<Vec<Spanned<String>>>,
    pub enable: Vec<Spanned<String>>,
    pub disable: Vec<Spanned<String>>,
    pub severity: Vec<(Spanned<String>, Severity)>,
}

/// One item of `exemptions`, as written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExemptionConfig {
    pub rules: Vec<Spanned<String>>,
    pub namespaces: Vec<String>,
    pub kinds: Vec<String>,
    pub names: Vec<String>,
    pub containers: Vec<String>,
    pub reason: Option<String>,
}

/// A configuration file, checked and ready to apply.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    name: String,
    text: Arc<str>,
    pub rules: RuleConfig,
    pub fail_on: Option<FailOn>,
    /// `{"level", "version"}` for `data.plimsoll.config.pss`.
    pub pss: Option<Value>,
    /// `{"allowed_registries": [...]}` for `data.plimsoll.config.images`.
    pub images: Option<Value>,
    /// `images.trusted_keys`: public key files, relative to the file's directory.
    pub trusted_keys: Vec<Spanned<String>>,
    /// `images.signatures`: signature files or layout directories, relative to the file's directory.
    pub signatures: Vec<Spanned<String>>,
    /// Other rule settings, handed to policies as `data.plimsoll.config.<key>`.
    pub settings: Map<String, Value>,
    /// Where each `settings` entry is written: its key and its value's positions.
    settings_positions: Vec<SettingPosition>,
    pub exemptions: Vec<ExemptionConfig>,
    /// Gitignore-style patterns, relative to the file's directory.
    pub ignore_paths: Vec<String>,
    pub inline_ignores: Option<bool>,
    /// The user's declaration that the files linted together are the whole deployment.
    pub complete_input: Option<bool>,
    /// The Kubernetes release whose removed and deprecated APIs are reported.
    pub kube_version: Option<KubeVersion>,
    /// User policy files or folders, relative to the file's directory (read by the frontend).
    pub policies: Vec<Spanned<String>>,
    /// Data files for user policies, relative to the file's directory (read by the frontend).
    pub data: Vec<Spanned<String>>,
    /// CRD files or schema folders, relative to the file's directory (read by the frontend).
    pub crds: Vec<Spanned<String>>,
    /// Milliseconds the policies may evaluate one object.
    pub evaluation_budget_ms: Option<u64>,
    /// Most YAML nodes one document may hold.
    pub max_document_nodes: Option<usize>,
    /// The helm binary the frontend runs to render charts.
    pub helm: Option<Spanned<String>>,
    /// The kustomize (or kubectl) binary the frontend runs to render kustomizations.
    pub kustomize: Option<Spanned<String>>,
    /// How charts are rendered: one item per render (several for one chart: several value sets).
    pub charts: Vec<ChartConfig>,
}

/// Where a `settings` entry is written: its key, the key's span, and its value's positions.
type SettingPosition = (String, Span, PosNode);

/// One render of a chart (`charts[]`): paths relative to the configuration file's directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChartConfig {
    pub path: String,
    /// The value set's name, shown with the chart's findings (default: the values files' names).
    pub name: Option<String>,
    pub release: Option<String>,
    pub namespace: Option<String>,
    /// Values files (`helm template --values`), in order.
    pub values: Vec<String>,
    /// `key=value` settings (`helm template --set`).
    pub set: Vec<String>,
}

/// One mistake in a configuration file, located.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{file}:{line}:{column}: {message}")]
#[diagnostic(code(plimsoll::config))]
pub struct ConfigError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// What is wrong, naming the key (and the likely intended spelling for a near miss).
    pub message: String,
    #[help]
    pub help: Option<String>,
    #[source_code]
    source_code: NamedSource<String>,
    #[label("here")]
    label: SourceSpan,
}

/// Every mistake found in a configuration file, in file order.
#[derive(Debug, thiserror::Error)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&lines.join("\n"))
    }
}

/// Collects errors against one file's text.
struct Errors {
    name: String,
    text: Arc<str>,
    errors: Vec<ConfigError>,
}

impl Errors {
    fn push(&mut self, span: Span, message: String, help: Option<String>) {
        let start = (span.start.offset as usize).min(self.text.len());
        let end = (span.end.offset as usize).clamp(start, self.text.len());
        self.errors.push(ConfigError {
            file: self.name.clone(),
            line: span.start.line.max(1),
            column: span.start.column.max(1),
            message,
            help,
            source_code: NamedSource::new(self.name.clone(), self.text.to_string()),
            label: SourceSpan::new(start.into(), end - start),
        });
    }

    fn finish<T>(mut self, value: T) -> Result<T, ConfigErrors> {
        if self.errors.is_empty() {
            return Ok(value);
        }
        self.errors.sort_by_key(|e| (e.line, e.column));
        Err(ConfigErrors(self.errors))
    }
}

/// A node of the file: its value and positions.
#[derive(Clone, Copy)]
struct Node<'a> {
    value: &'a Value,
    pos: &'a PosNode,
}

impl Config {
    /// Reads and checks a configuration file. `name` is how errors refer to it.
    pub fn parse(name: &str, text: &str) -> Result<Config, ConfigErrors> {
        let mut config = Config { name: name.to_string(), text: Arc::from(text), ..Config::default() };
        let mut errors = Errors { name: name.to_string(), text: config.text.clone(), errors: Vec::new() };
        match parse_yaml_document(text) {
            Err(problem) => errors.push(problem.span, format!("not valid YAML: {}", problem.message), None),
            // Only comments, or an empty document: nothing is configured.
            Ok(None) => {}
            Ok(Some(document)) if document.value.is_null() => {}
            Ok(Some(document)) => read_document(&document, &mut config, &mut errors),
        }
        errors.finish(config)
    }

    /// The name the file was read under.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The public key files `images.trusted_keys` names, as written (relative to the file's
    /// directory), with their places for error messages.
    pub fn trusted_keys(&self) -> &[Spanned<String>] {
        &self.trusted_keys
    }

    /// The signature material `images.signatures` names, as written.
    pub fn signatures(&self) -> &[Spanned<String>] {
        &self.signatures
    }

    /// The exit threshold the file sets, if any.
    pub fn fail_on(&self) -> Option<FailOn> {
        self.fail_on
    }

    /// Whether `ignore_paths` covers a path (relative to the file's directory, `/`-separated).
    pub fn ignores_path(&self, relative: &str) -> bool {
        self.ignore_paths.iter().any(|pattern| glob::path_matches(pattern, relative))
    }

    /// The settings the file gives, after checking every rule name against the built-in catalog
    /// (each unknown one is an error at its line and column). Rule names stay as written; users'
    /// own rule IDs are left for the linter to check, which knows those rules.
    pub fn settings(&self) -> Result<Settings, ConfigErrors> {
        let mut errors = Errors { name: self.name.clone(), text: self.text.clone(), errors: Vec::new() };
        let catalog = match rules::builtin_rules() {
            Ok(catalog) => catalog,
            Err(error) => {
                errors.push(Span::default(), error.to_string(), None);
                return Err(ConfigErrors(errors.errors));
            }
        };
        let mut resolver = Resolver { catalog: &catalog, errors: &mut errors };
        self.check_rule_names(&mut resolver);
        self.check_rule_parameters(&catalog, &mut errors);
        errors.finish(self.to_settings())
    }

    /// Checks the settings of every rule that declares parameters (`custom.parameters`) against
    /// them, and catches a misspelt rule ID or a short name where the ID is expected. Other keys
    /// are users' policies' settings and stay free-form.
    fn check_rule_parameters(&self, catalog: &[RuleMeta], errors: &mut Errors) {
        let with_parameters = || catalog.iter().filter(|rule| !rule.parameters.is_empty());
        for (key, key_span, position) in &self.settings_positions {
            let Some(value) = self.settings.get(key) else { continue };
            if let Some(rule) = catalog.iter().find(|rule| rule.id == *key) {
                // A rule that declares no parameters takes its settings unchecked.
                let problems = match rule.parameters.is_empty() {
                    true => Vec::new(),
                    false => rules::parameters::check(&rule.id, &rule.parameters, value),
                };
                for problem in problems {
                    let at = problem.path.to_string();
                    let name = if at.is_empty() { format!("settings.{key}") } else { format!("settings.{key}.{at}") };
                    let span = if problem.about_key { key_span_at(position, &problem.path) } else { None };
                    let span = span.unwrap_or_else(|| position.locate(&problem.path).span);
                    errors.push(span, format!("{name}: {}", problem.message), None);
                }
            } else if let Some(rule) = with_parameters().find(|rule| rule.id.rsplit('/').next() == Some(key.as_str())) {
                let message = format!("settings.{key}: a rule's settings are keyed by its ID: write {}", rule.id);
                errors.push(*key_span, message, None);
            } else if key.contains('/') && !selector::is_user_rule_id(catalog, key) {
                let ids = catalog.iter().map(|rule| rule.id.as_str());
                let message =
                    format!("settings.{key}: no built-in rule has this ID{}", did_you_mean(suggest(key, ids)));
                let help = "a rule's settings go under its ID (`plimsoll rules` lists them); keys without a '/' are free for your own policies";
                errors.push(*key_span, message, Some(help.into()));
            }
        }
    }

    fn check_rule_names(&self, resolver: &mut Resolver<'_, '_>) {
        let rules = &self.rules;
        if let (Some(profile), Some(_)) = (&rules.profile, &rules.only) {
            let message = "rules.profile and rules.only both choose the starting set of rules; keep one".into();
            resolver.errors.push(profile.span, message, None);
        } else if let Some(only) = &rules.only {
            resolver.all(only);
        }
        resolver.all(&rules.enable);
        resolver.present(&rules.disable);
        for (name, _) in &rules.severity {
            resolver.present(std::slice::from_ref(name));
        }
        for item in &self.exemptions {
            resolver.present(&item.rules);
        }
    }

    fn to_settings(&self) -> Settings {
        let written = |names: &[Spanned<String>]| names.iter().map(|n| n.value.clone()).collect::<Vec<_>>();
        let pss = self.pss.as_ref().and_then(PssSettings::from_config);
        let allowed_registries =
            self.images.as_ref().and_then(|images| images.get("allowed_registries")).map(|list| {
                list.as_array().into_iter().flatten().filter_map(|r| r.as_str().map(str::to_string)).collect()
            });
        Settings {
            rules: RuleSettings {
                profile: self.rules.profile.as_ref().and_then(|p| p.value.parse().ok()),
                only: self.rules.only.as_deref().map(written),
                enable: written(&self.rules.enable),
                disable: written(&self.rules.disable),
                severity: self.rules.severity.iter().map(|(name, severity)| (name.value.clone(), *severity)).collect(),
            },
            fail_on: self.fail_on,
            pss: pss.map(|pss| PssChoice { level: Some(pss.level), version: Some(pss.version) }),
            images: ImageSettings {
                allowed_registries,
                trusted_keys: written(&self.trusted_keys),
                signatures: written(&self.signatures),
            },
            kube_version: self.kube_version,
            policies: written(&self.policies),
            data: written(&self.data),
            crds: written(&self.crds),
            max_document_nodes: self.max_document_nodes,
            exemptions: self
                .exemptions
                .iter()
                .map(|item| Exemption {
                    rules: written(&item.rules),
                    namespaces: item.namespaces.clone(),
                    kinds: item.kinds.clone(),
                    names: item.names.clone(),
                    containers: item.containers.clone(),
                    reason: item.reason.clone(),
                })
                .collect(),
            inline_ignores: self.inline_ignores,
            complete_input: self.complete_input,
            settings: self.settings.clone(),
            evaluation_budget_ms: self.evaluation_budget_ms,
        }
    }
}

/// Where the last key of `path` is written under `node`.
fn key_span_at(node: &PosNode, path: &crate::load::position::Path) -> Option<Span> {
    use crate::load::position::PathSegment;
    let (last, parents) = path.segments().split_last()?;
    let parent = parents.iter().try_fold(node, |node, segment| match segment {
        PathSegment::Key(key) => node.entry(key).map(|entry| &entry.value),
        PathSegment::Index(index) => node.item(*index),
    })?;
    match last {
        PathSegment::Key(key) => parent.entry(key).map(|entry| entry.key_span),
        PathSegment::Index(_) => None,
    }
}

/// Checks rule names as written (ID, short name, category, `category/*`) with the one resolver.
struct Resolver<'c, 'e> {
    catalog: &'c [RuleMeta],
    errors: &'e mut Errors,
}

impl Resolver<'_, '_> {
    fn all(&mut self, names: &[Spanned<String>]) {
        for name in names {
            self.one(name);
        }
    }

    /// Like [`Resolver::all`], passing over names of rules this build leaves out (schema
    /// validation in the wasm package): where a name only turns a rule off or exempts objects
    /// from it, a configuration shared with the CLI must still be accepted.
    fn present(&mut self, names: &[Spanned<String>]) {
        for name in names.iter().filter(|name| !left_out_of_build(&name.value)) {
            self.one(name);
        }
    }

    fn one(&mut self, name: &Spanned<String>) {
        match selector::resolve(self.catalog, &name.value) {
            Ok(_) => {}
            // Users' own policies are added after the file is read; the linter checks their IDs
            // when it is built, against every rule of the run.
            Err(_) if selector::is_user_rule_id(self.catalog, &name.value) => {}
            Err(error) => {
                let help = match error {
                    SelectorError::Unknown { .. } => {
                        Some("`plimsoll rules` lists the rule IDs; a category (`images`) names all its rules".into())
                    }
                    SelectorError::NotInBuild { .. } => Some(
                        "the wasm package leaves schema validation out to stay small; the plimsoll CLI has it".into(),
                    ),
                    SelectorError::Ambiguous { .. } => None,
                };
                self.errors.push(name.span, error.to_string(), help);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the document.

fn read_document(document: &PositionedValue, config: &mut Config, errors: &mut Errors) {
    for problem in &document.problems {
        errors.push(problem.span, problem.message.clone(), None);
    }
    let root = Node { value: &document.value, pos: &document.positions };
    for (key, node) in section(root, "", "the configuration", errors) {
        match key {
            "rules" => config.rules = read_rules(node, errors),
            "fail_on" => config.fail_on = choice(node, "fail_on", FAIL_ON, errors).and_then(|s| s.parse().ok()),
            "pss" => config.pss = read_pss(node, errors),
            "images" => config.images = read_images(node, config, errors),
            "settings" => (config.settings, config.settings_positions) = read_settings(node, errors),
            "exemptions" => config.exemptions = read_exemptions(node, errors),
            "ignore_paths" => {
                config.ignore_paths = strings(node, "ignore_paths", errors).into_iter().map(|s| s.value).collect()
            }
            "inline_ignores" => config.inline_ignores = boolean(node, "inline_ignores", errors),
            "complete_input" => config.complete_input = boolean(node, "complete_input", errors),
            "kube_version" => config.kube_version = read_kube_version(node, errors),
            "policies" => config.policies = strings(node, "policies", errors),
            "data" => config.data = strings(node, "data", errors),
            "crds" => config.crds = strings(node, "crds", errors),
            "helm" => config.helm = string(node, "helm", errors),
            "kustomize" => config.kustomize = string(node, "kustomize", errors),
            "charts" => config.charts = read_charts(node, errors),
            "max_document_nodes" => config.max_document_nodes = positive_integer(node, "max_document_nodes", errors),
            "evaluation_budget_ms" => config.evaluation_budget_ms = milliseconds(node, "evaluation_budget_ms", errors),
            _ => {}
        }
    }
}

/// The entries of a mapping whose keys `section` (in [`KEYS`]) allows; other keys are errors.
fn section<'a>(node: Node<'a>, section: &str, what: &str, errors: &mut Errors) -> Vec<(&'a str, Node<'a>)> {
    let allowed = keys_of(section);
    let mut known = Vec::new();
    for (key, key_span, child) in entries(node, what, errors) {
        if allowed.contains(&key) {
            known.push((key, child));
            continue;
        }
        let place = if section.is_empty() { String::new() } else { format!(" in {section}") };
        let message = format!("unknown key \"{key}\"{place}{}", did_you_mean(suggest(key, allowed.iter().copied())));
        errors.push(key_span, message, Some(format!("known keys here: {}", allowed.join(", "))));
    }
    known
}

/// Every entry of a mapping: key, where the key is written, value.
fn entries<'a>(node: Node<'a>, what: &str, errors: &mut Errors) -> Vec<(&'a str, Span, Node<'a>)> {
    let (Some(map), PosChildren::Mapping(positions)) = (node.value.as_object(), &node.pos.children) else {
        errors.push(node.pos.span, format!("{what} must be a mapping of keys to values"), None);
        return Vec::new();
    };
    positions
        .iter()
        .filter_map(|entry| {
            let (key, value) = map.get_key_value(&entry.key)?;
            Some((key.as_str(), entry.key_span, Node { value, pos: &entry.value }))
        })
        .collect()
}

fn string(node: Node<'_>, what: &str, errors: &mut Errors) -> Option<Spanned<String>> {
    match node.value.as_str() {
        Some(text) => Some(Spanned { value: text.to_string(), span: node.pos.span }),
        None => {
            errors.push(node.pos.span, format!("{what} must be a string, not {}", describe(node.value)), None);
            None
        }
    }
}

/// A string that must be one of `allowed`.
fn choice(node: Node<'_>, what: &str, allowed: &[&str], errors: &mut Errors) -> Option<String> {
    let text = string(node, what, errors)?;
    if allowed.contains(&text.value.as_str()) {
        return Some(text.value);
    }
    let suggestion = did_you_mean(suggest(&text.value, allowed.iter().copied()));
    let message = format!("{what}: \"{}\" is not one of {}{suggestion}", text.value, allowed.join(", "));
    errors.push(text.span, message, None);
    None
}

fn strings(node: Node<'_>, what: &str, errors: &mut Errors) -> Vec<Spanned<String>> {
    let (Some(items), PosChildren::Sequence(positions)) = (node.value.as_array(), &node.pos.children) else {
        errors.push(node.pos.span, format!("{what} must be a list of strings, e.g. [a, b]"), None);
        return Vec::new();
    };
    items
        .iter()
        .zip(positions)
        .filter_map(|(value, pos)| string(Node { value, pos }, &format!("each item of {what}"), errors))
        .collect()
}

fn boolean(node: Node<'_>, what: &str, errors: &mut Errors) -> Option<bool> {
    let value = node.value.as_bool();
    if value.is_none() {
        errors.push(node.pos.span, format!("{what} must be true or false, not {}", describe(node.value)), None);
    }
    value
}

fn positive_integer(node: Node<'_>, what: &str, errors: &mut Errors) -> Option<usize> {
    let value = node.value.as_u64().filter(|&n| n > 0).and_then(|n| usize::try_from(n).ok());
    if value.is_none() {
        errors.push(
            node.pos.span,
            format!("{what} must be a positive whole number, not {}", describe(node.value)),
            None,
        );
    }
    value
}

/// A whole number of milliseconds, at least 1.
fn milliseconds(node: Node<'_>, what: &str, errors: &mut Errors) -> Option<u64> {
    let value = node.value.as_u64().filter(|&ms| ms >= 1);
    if value.is_none() {
        let message =
            format!("{what} must be a whole number of milliseconds (1 or more), not {}", describe(node.value));
        errors.push(node.pos.span, message, None);
    }
    value
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "empty".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string \"{s}\""),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

fn read_rules(node: Node<'_>, errors: &mut Errors) -> RuleConfig {
    let mut rules = RuleConfig::default();
    for (key, child) in section(node, "rules", "rules", errors) {
        match key {
            "profile" => {
                let names: Vec<&str> = PROFILES.iter().map(|(name, _)| *name).collect();
                let span = child.pos.span;
                rules.profile = choice(child, "rules.profile", &names, errors).map(|value| Spanned { value, span });
            }
            "only" => rules.only = Some(strings(child, "rules.only", errors)),
            "enable" => rules.enable = strings(child, "rules.enable", errors),
            "disable" => rules.disable = strings(child, "rules.disable", errors),
            "severity" => rules.severity = read_severities(child, errors),
            _ => {}
        }
    }
    rules
}

fn read_severities(node: Node<'_>, errors: &mut Errors) -> Vec<(Spanned<String>, Severity)> {
    let mut severities = Vec::new();
    for (rule, key_span, child) in entries(node, "rules.severity", errors) {
        let what = format!("rules.severity.{rule}");
        if let Some(severity) = choice(child, &what, SEVERITIES, errors).and_then(|s| s.parse().ok()) {
            severities.push((Spanned { value: rule.to_string(), span: key_span }, severity));
        }
    }
    severities
}

fn read_pss(node: Node<'_>, errors: &mut Errors) -> Option<Value> {
    let mut settings = PssSettings::default();
    for (key, child) in section(node, "pss", "pss", errors) {
        match key {
            "level" => {
                let level = choice(child, "pss.level", PSS_LEVELS, errors);
                if let Some(level) = level.and_then(|l| l.parse::<PssLevel>().ok()) {
                    settings.level = level;
                }
            }
            "version" => {
                if let Some(version) = read_pss_version(child, errors) {
                    settings.version = version;
                }
            }
            _ => {}
        }
    }
    Some(settings.to_config())
}

/// `latest` or `v1.<minor>`. A bare `1.30` is read as the number 1.3 (YAML), so it needs quotes
/// and the `v`.
fn read_pss_version(node: Node<'_>, errors: &mut Errors) -> Option<PssVersion> {
    let expected = "a string such as v1.30 or latest";
    read_version(node, "pss.version", expected, "write the version with its v: `version: v1.30`", errors)
}

/// `"1.N"`. Unquoted, YAML reads `1.30` as the number 1.3, so a number is refused.
fn read_kube_version(node: Node<'_>, errors: &mut Errors) -> Option<KubeVersion> {
    read_version(
        node,
        "kube_version",
        "a string such as \"1.30\"",
        "quote the version: `kube_version: \"1.30\"`",
        errors,
    )
}

/// A version written as text and parsed as `V`; a number (YAML's reading of an unquoted `1.30`)
/// is refused with `hint`.
fn read_version<V: FromStr>(node: Node<'_>, key: &str, expected: &str, hint: &str, errors: &mut Errors) -> Option<V>
where
    V::Err: fmt::Display,
{
    if node.value.is_number() {
        let message = format!("{key} must be {expected}, not the number {}", node.value);
        errors.push(node.pos.span, message, Some(hint.into()));
        return None;
    }
    let text = string(node, key, errors)?;
    match text.value.parse::<V>() {
        Ok(version) => Some(version),
        Err(error) => {
            errors.push(text.span, format!("{key}: {error}"), None);
            None
        }
    }
}

fn read_images(node: Node<'_>, config: &mut Config, errors: &mut Errors) -> Option<Value> {
    let mut images = Map::new();
    for (key, child) in section(node, "images", "images", errors) {
        let paths = |errors: &mut Errors| {
            let paths = strings(child, &format!("images.{key}"), errors);
            for empty in paths.iter().filter(|p| p.value.trim().is_empty()) {
                errors.push(empty.span, format!("images.{key}: a path cannot be empty"), None);
            }
            paths
        };
        // Files for the frontend to read, not settings for policies.
        if key == "trusted_keys" {
            config.trusted_keys = paths(errors);
        } else if key == "signatures" {
            config.signatures = paths(errors);
        } else if key == "allowed_registries" {
            let registries = strings(child, "images.allowed_registries", errors);
            for empty in registries.iter().filter(|r| r.value.trim().is_empty()) {
                errors.push(empty.span, "images.allowed_registries: a registry cannot be empty".into(), None);
            }
            images.insert(key.into(), Value::from_iter(registries.into_iter().map(|r| Value::String(r.value))));
        }
    }
    Some(Value::Object(images))
}

/// Free-form settings, with where each is written; the sections with their own key (`pss`,
/// `images`) may not be set here too. Rules' parameters are checked against the catalog later
/// ([`Config::settings`]).
fn read_settings(node: Node<'_>, errors: &mut Errors) -> (Map<String, Value>, Vec<SettingPosition>) {
    let mut settings = Map::new();
    let mut positions = Vec::new();
    for (key, key_span, child) in entries(node, "settings", errors) {
        if key == "pss" || key == "images" {
            let message = format!("settings.{key}: set this with the top-level `{key}` key, which is checked");
            errors.push(key_span, message, None);
            continue;
        }
        settings.insert(key.to_string(), child.value.clone());
        positions.push((key.to_string(), key_span, child.pos.clone()));
    }
    (settings, positions)
}

fn read_charts(node: Node<'_>, errors: &mut Errors) -> Vec<ChartConfig> {
    let (Some(items), PosChildren::Sequence(positions)) = (node.value.as_array(), &node.pos.children) else {
        errors.push(node.pos.span, "charts must be a list of mappings".into(), None);
        return Vec::new();
    };
    let mut charts = Vec::new();
    for (index, (value, pos)) in items.iter().zip(positions).enumerate() {
        let what = format!("charts[{index}]");
        let mut chart = ChartConfig::default();
        let node = Node { value, pos };
        for (key, child) in section(node, "charts[]", &what, errors) {
            let text = |errors: &mut Errors| string(child, &format!("{what}.{key}"), errors).map(|s| s.value);
            let list = |errors: &mut Errors| {
                strings(child, &format!("{what}.{key}"), errors).into_iter().map(|s| s.value).collect::<Vec<_>>()
            };
            match key {
                "path" => chart.path = text(errors).unwrap_or_default(),
                "name" => chart.name = text(errors),
                "release" => chart.release = text(errors),
                "namespace" => chart.namespace = text(errors),
                "values" => chart.values = list(errors),
                "set" => chart.set = list(errors),
                _ => {}
            }
        }
        if chart.path.is_empty() && value.is_object() {
            errors.push(pos.span, format!("{what} needs a path: the chart's directory"), None);
        }
        charts.push(chart);
    }
    charts
}

fn read_exemptions(node: Node<'_>, errors: &mut Errors) -> Vec<ExemptionConfig> {
    let (Some(items), PosChildren::Sequence(positions)) = (node.value.as_array(), &node.pos.children) else {
        errors.push(node.pos.span, "exemptions must be a list of mappings".into(), None);
        return Vec::new();
    };
    items
        .iter()
        .zip(positions)
        .enumerate()
        .map(|(i, (value, pos))| read_exemption(Node { value, pos }, i, errors))
        .collect()
}

fn read_exemption(node: Node<'_>, index: usize, errors: &mut Errors) -> ExemptionConfig {
    let mut item = ExemptionConfig::default();
    let what = format!("exemptions[{index}]");
    for (key, child) in section(node, "exemptions[]", &what, errors) {
        let list = |errors: &mut Errors| strings(child, &format!("{what}.{key}"), errors);
        let values = |errors: &mut Errors| list(errors).into_iter().map(|s| s.value).collect::<Vec<_>>();
        match key {
            "rules" => item.rules = list(errors),
            "namespaces" => item.namespaces = values(errors),
            "kinds" => item.kinds = values(errors),
            "names" => item.names = values(errors),
            "containers" => item.containers = values(errors),
            "reason" => item.reason = string(child, &format!("{what}.reason"), errors).map(|s| s.value),
            _ => {}
        }
    }
    let matchers = [&item.namespaces, &item.kinds, &item.names, &item.containers];
    if matchers.iter().all(|m| m.is_empty()) && node.value.is_object() {
        let message = format!("{what} matches no objects: give namespaces, kinds, names or containers");
        errors.push(node.pos.span, message, Some("to turn a rule off everywhere, use rules.disable".into()));
    }
    item
}

#[cfg(test)]
mod tests;
