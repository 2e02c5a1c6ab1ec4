//! Settings: the one model of what a run is configured to do, whoever configures it.
//!
//! [`Settings`] holds rule selection (profile, only, enable, disable, severities), the fail
//! threshold, the Pod Security Standards level and version, image settings, the Kubernetes
//! release, the paths of user policies, data and CRDs, exemptions, inline ignores and other rule
//! settings. Every frontend builds the linter through it:
//!
//! 1. the configuration file ([`mod@file`], `.plimsoll.yaml`) is read and checked with located errors
//!    into a [`Settings`] ([`Config::settings`]);
//! 2. the frontend turns its own inputs (command-line flags, the wasm package's configuration
//!    object) into another [`Settings`], the overrides;
//! 3. [`Settings::merge`] lays the overrides over the file's settings;
//! 4. [`Settings::builder`] resolves rule selectors with the one resolver
//!    ([`crate::rules::selector`]) and configures a [`LinterBuilder`], to which the frontend adds
//!    what it read from the paths (policies, data, CRDs, keys, signatures);
//! 5. [`Settings::fail_threshold`] says which findings fail the run (or deny an admission request).
//!
//! Settings are serde-backed, with the file's key names. Errors name settings (`rules.disable`),
//! never a frontend's flags: each frontend adds its own hint.

pub mod file;

pub use crate::rules::selector::{Profile, PROFILES};
pub use file::{known_keys, ChartConfig, Config, ConfigError, ConfigErrors, Spanned, FILE_NAME, KEYS, PSS_LEVELS};

use crate::k8s::pss::{PssLevel, PssSettings, PssVersion};
use crate::linter::LinterBuilder;
use crate::report::finding::Severity;
use crate::report::suppress::Exemption;
use crate::rules::selector::{self, SelectorError};
use crate::rules::{self, native::left_out_of_build, RuleError, RuleMeta};
use crate::schema::KubeVersion;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The lowest severity that fails a run (or denies an admission request), or `never`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    #[default]
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    /// The threshold as a severity; `None` for `never`.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

impl std::str::FromStr for FailOn {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "error" => Ok(FailOn::Error),
            "warning" => Ok(FailOn::Warning),
            "info" => Ok(FailOn::Info),
            "never" => Ok(FailOn::Never),
            other => Err(format!("unknown threshold {other:?} (expected error, warning, info or never)")),
        }
    }
}

/// Everything a run can be configured with. Absent values are the defaults; names of rules are
/// selectors as written (IDs, categories, short names), resolved by [`Settings::builder`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub rules: RuleSettings,
    pub fail_on: Option<FailOn>,
    /// Present when the Pod Security Standards level or version is chosen (the other one then
    /// takes its default).
    pub pss: Option<PssChoice>,
    pub images: ImageSettings,
    #[serde(with = "as_text")]
    pub kube_version: Option<KubeVersion>,
    /// User policy files or folders, for the frontend to read.
    pub policies: Vec<String>,
    /// Data files for user policies, for the frontend to read.
    pub data: Vec<String>,
    /// CRD files or schema folders, for the frontend to read.
    pub crds: Vec<String>,
    pub exemptions: Vec<Exemption>,
    /// Whether annotations and comments may suppress findings (default: yes).
    pub inline_ignores: Option<bool>,
    /// Whether the sources linted together are declared the whole deployment (default: no):
    /// rules that report a missing object report only then.
    pub complete_input: Option<bool>,
    /// Other rule settings, handed to policies as `data.plimsoll.config.<key>`.
    pub settings: Map<String, Value>,
    /// Most YAML nodes one document may hold (default [`crate::load::MAX_NODES`]).
    pub max_document_nodes: Option<usize>,
    /// Milliseconds the policies may evaluate one object (see [`crate::engine::budget`]).
    pub evaluation_budget_ms: Option<u64>,
}

/// Which rules run, and at which severity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RuleSettings {
    /// The starting set of rules; `only` replaces it.
    pub profile: Option<Profile>,
    /// Exactly these rules as the starting set.
    pub only: Option<Vec<String>>,
    /// Rules turned on, on top of the starting set.
    pub enable: Vec<String>,
    /// Rules turned off.
    pub disable: Vec<String>,
    /// Severity overrides by selector.
    pub severity: BTreeMap<String, Severity>,
}

/// The Pod Security Standards level and version chosen, each optional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PssChoice {
    #[serde(with = "as_text")]
    pub level: Option<PssLevel>,
    #[serde(with = "as_text")]
    pub version: Option<PssVersion>,
}

/// Image settings: the registry allow-list, and the files images/signature reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImageSettings {
    /// Registries or repository prefixes images may come from (turns on images/registry).
    pub allowed_registries: Option<Vec<String>>,
    /// Public key files images/signature trusts, for the frontend to read.
    pub trusted_keys: Vec<String>,
    /// Signature material files or directories, for the frontend to read.
    pub signatures: Vec<String>,
}

/// Settings that cannot configure a linter.
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
pub enum SettingsError {
    /// The built-in rules' metadata could not be read.
    #[error(transparent)]
    #[diagnostic(code(plimsoll::builtin_policy))]
    Rules(#[from] RuleError),
    /// A rule selector names no rule.
    #[error("{key}: {error}")]
    #[diagnostic(code(plimsoll::unknown_rule))]
    Selector { key: String, error: SelectorError },
}

impl Settings {
    /// `overrides` laid over `file`: a value the overrides set replaces the file's (a starting
    /// set of rules, `profile` or `only`, replaces the file's whole), lists of rules to enable or
    /// disable, paths and exemptions add to the file's, and severities and rule settings replace
    /// the file's key by key.
    pub fn merge(file: Settings, overrides: Settings) -> Settings {
        let (profile, only) = match overrides.rules.profile.is_some() || overrides.rules.only.is_some() {
            true => (overrides.rules.profile, overrides.rules.only),
            false => (file.rules.profile, file.rules.only),
        };
        let mut severity = file.rules.severity;
        severity.extend(overrides.rules.severity);
        let mut settings = file.settings;
        settings.extend(overrides.settings);
        let pss = match (file.pss, overrides.pss) {
            (Some(file), Some(over)) => {
                Some(PssChoice { level: over.level.or(file.level), version: over.version.or(file.version) })
            }
            (file, over) => over.or(file),
        };
        Settings {
            rules: RuleSettings {
                profile,
                only,
                enable: [file.rules.enable, overrides.rules.enable].concat(),
                disable: [file.rules.disable, overrides.rules.disable].concat(),
                severity,
            },
            fail_on: overrides.fail_on.or(file.fail_on),
            pss,
            images: ImageSettings {
                allowed_registries: overrides.images.allowed_registries.or(file.images.allowed_registries),
                trusted_keys: [file.images.trusted_keys, overrides.images.trusted_keys].concat(),
                signatures: [file.images.signatures, overrides.images.signatures].concat(),
            },
            kube_version: overrides.kube_version.or(file.kube_version),
            policies: [file.policies, overrides.policies].concat(),
            data: [file.data, overrides.data].concat(),
            crds: [file.crds, overrides.crds].concat(),
            exemptions: [file.exemptions, overrides.exemptions].concat(),
            inline_ignores: overrides.inline_ignores.or(file.inline_ignores),
            complete_input: overrides.complete_input.or(file.complete_input),
            settings,
            max_document_nodes: overrides.max_document_nodes.or(file.max_document_nodes),
            evaluation_budget_ms: overrides.evaluation_budget_ms.or(file.evaluation_budget_ms),
        }
    }

    /// The severity at or above which a finding fails the run; `None` when nothing does.
    pub fn fail_threshold(&self) -> Option<Severity> {
        self.fail_on.unwrap_or_default().threshold()
    }

    /// A linter builder configured with these settings. Rule names are resolved when the linter
    /// is built (users' own rules are known only then), except exemptions', resolved here.
    pub fn builder(&self) -> Result<LinterBuilder, SettingsError> {
        let catalog = rules::builtin_rules()?;
        let mut builder = LinterBuilder::default();
        match (&self.rules.only, self.rules.profile) {
            (Some(only), _) => builder = builder.only(only.iter().cloned()),
            (None, Some(profile)) => builder = builder.only(profile.rules(&catalog)),
            (None, None) => {}
        }
        for name in &self.rules.enable {
            builder = builder.enable(name);
        }
        for name in &self.rules.disable {
            builder = builder.disable(name);
        }
        for (name, severity) in &self.rules.severity {
            builder = builder.severity(name, *severity);
        }
        for (key, value) in &self.settings {
            builder = builder.config(key.clone(), value.clone());
        }
        if let Some(pss) = self.pss {
            let level = pss.level.unwrap_or_default();
            builder = builder.pss(PssSettings { level, version: pss.version.unwrap_or_default() });
        }
        if let Some(registries) = &self.images.allowed_registries {
            builder = builder.allowed_registries(registries.iter().cloned());
        }
        if let Some(allowed) = self.inline_ignores {
            builder = builder.inline_ignores(allowed);
        }
        if let Some(complete) = self.complete_input {
            builder = builder.complete_input(complete);
        }
        if let Some(nodes) = self.max_document_nodes {
            builder = builder.max_document_nodes(nodes);
        }
        if let Some(version) = self.kube_version {
            builder = builder.kube_version(version);
        }
        if let Some(budget) = self.evaluation_budget_ms {
            builder = builder.evaluation_budget_ms(budget);
        }
        for (index, exemption) in self.exemptions.iter().enumerate() {
            let key = format!("exemptions[{index}].rules");
            let rules =
                resolve_present(&catalog, &exemption.rules).map_err(|error| SettingsError::Selector { key, error })?;
            // An exemption only for rules this build leaves out covers nothing here (with no rules
            // left it would cover every rule).
            if rules.is_empty() && !exemption.rules.is_empty() {
                continue;
            }
            builder = builder.exempt(Exemption { rules, ..exemption.clone() });
        }
        Ok(builder)
    }
}

/// The rule IDs `names` select, passing over names of rules this build leaves out (where a name
/// only turns a rule off or exempts objects from it, a configuration shared with the CLI must
/// still be accepted) and keeping names that can only be users' own rules (resolved by the
/// linter, which knows them).
pub(crate) fn resolve_present(catalog: &[RuleMeta], names: &[String]) -> Result<Vec<String>, SelectorError> {
    let mut ids = std::collections::BTreeSet::new();
    for name in names.iter().filter(|name| !left_out_of_build(name)) {
        match selector::resolve(catalog, name) {
            Ok(resolved) => ids.extend(resolved),
            Err(_) if selector::is_user_rule_id(catalog, name) => {
                ids.insert(name.clone());
            }
            Err(error) => return Err(error),
        }
    }
    Ok(ids.into_iter().collect())
}

/// Optional values written as text (`"1.30"`, `v1.30`, `baseline`), parsed with `FromStr`.
mod as_text {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::fmt::Display;
    use std::str::FromStr;

    pub fn serialize<T: Display, S: Serializer>(value: &Option<T>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => serializer.collect_str(value),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
    where
        T: FromStr,
        T::Err: Display,
        D: Deserializer<'de>,
    {
        match Option::<String>::deserialize(deserializer)? {
            Some(text) => text.parse().map(Some).map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    fn settings(value: Value) -> Settings {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn overrides_win_and_lists_add_up() {
        let file = settings(json!({
            "rules": {"profile": "all", "disable": ["probes"], "severity": {"latest-tag": "error", "privileged": "info"}},
            "fail_on": "warning", "pss": {"level": "baseline", "version": "v1.30"},
            "images": {"allowed_registries": ["ghcr.io"]}, "policies": ["a/"], "settings": {"x": 1, "y": 2}
        }));
        let overrides = settings(json!({
            "rules": {"only": ["images"], "disable": ["latest-tag"], "severity": {"privileged": "warning"}},
            "pss": {"version": "v1.25"}, "policies": ["b/"], "settings": {"y": 3}
        }));
        let merged = Settings::merge(file, overrides);
        assert_eq!((merged.rules.profile, merged.rules.only.as_deref()), (None, Some(&["images".to_string()][..])));
        assert_eq!(merged.rules.disable, ["probes", "latest-tag"]);
        assert_eq!(merged.rules.severity["privileged"], Severity::Warning);
        assert_eq!(merged.rules.severity["latest-tag"], Severity::Error);
        assert_eq!(merged.fail_threshold(), Some(Severity::Warning));
        assert_eq!(merged.pss, Some(PssChoice { level: Some(PssLevel::Baseline), version: PssVersion::v1(25) }));
        assert_eq!(merged.images.allowed_registries, Some(vec!["ghcr.io".to_string()]));
        assert_eq!(merged.policies, ["a/", "b/"]);
        assert_eq!(merged.settings, *json!({"x": 1, "y": 3}).as_object().unwrap());
    }

    #[test]
    fn the_same_selectors_work_in_every_list() {
        let linter = settings(json!({"rules": {"disable": ["probes"]}})).builder().unwrap().build().unwrap();
        assert!(linter.enabled_rules().iter().all(|id| !id.starts_with("probes/")));
        assert!(!linter.enabled_rules().is_empty());
        let only = settings(json!({"rules": {"only": ["probes"], "severity": {"probes": "info"}}}));
        let linter = only.builder().unwrap().build().unwrap();
        assert!(linter.enabled_rules().iter().all(|id| id.starts_with("probes/")));
        let error = settings(json!({"rules": {"disable": ["probs"]}})).builder().unwrap().build().err().unwrap();
        assert_eq!(error.to_string(), "unknown rule \"probs\" (did you mean \"probes\"?)");
    }

    #[test]
    fn bad_values_are_refused_when_read() {
        assert!(serde_json::from_value::<Settings>(json!({"pss": {"level": "privileged"}})).is_err());
        assert!(serde_json::from_value::<Settings>(json!({"kube_version": "one"})).is_err());
        assert!(serde_json::from_value::<Settings>(json!({"rules": {"profile": "most"}})).is_err());
        assert!(serde_json::from_value::<Settings>(json!({"disabel": []})).is_err());
        assert_eq!(Settings::default().fail_threshold(), Some(Severity::Error));
    }
}
