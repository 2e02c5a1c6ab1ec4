//! The configuration object JavaScript passes to `new Linter(config)`, and how it maps onto
//! core's [`LinterBuilder`].
//!
//! Every key is optional and unknown keys are errors (a misspelt `disabel` must not silently
//! lint with the defaults). Rule selection mirrors the CLI flags (`only`, `enable`, `disable`),
//! `severity` overrides rule severities, `failOn` is the CLI's `--fail-on` (it sets the report's
//! `failed` flag and which findings deny an admission request), `pss` chooses the Pod Security
//! Standards level and policy version, `settings` passes other rule settings through to policies
//! as `data.plimsoll.config.<key>`, and `failurePolicy` says how `admit()` answers when evaluation
//! fails. `profile` is the CLI's `--profile`; `trustedKeys` and `signatures` are what `--trusted-key`
//! and `--signatures` read from files, given as texts: JavaScript reads the files (or fetches them)
//! and core verifies exactly as the CLI does. The names follow the CLI's flags and the configuration file's keys (`pss: {level,
//! version}`, `settings`), in JavaScript's camelCase.

use plimsoll_core::admission::{AdmissionOptions, FailurePolicy};
use plimsoll_core::signature::SignatureSource;
use plimsoll_core::{LinterBuilder, Severity};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The `LinterConfig` TypeScript type describes the same object.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    /// Run only these rules (IDs or unambiguous short names).
    pub only: Option<Vec<String>>,
    /// Turn on rules that are off by default.
    #[serde(default)]
    pub enable: Vec<String>,
    /// Turn rules off.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Report a rule's findings at another severity.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    #[serde(default)]
    pub fail_on: FailOn,
    /// The Pod Security Standards level and version the `security-context` rules check.
    pub pss: Option<PssConfig>,
    /// Rule settings, handed to policies unchanged.
    #[serde(default)]
    pub settings: Map<String, Value>,
    #[serde(default)]
    pub failure_policy: FailurePolicy,
    /// A starting set of rules (`default`, `all`, `supply-chain`), as `--profile`.
    pub profile: Option<String>,
    /// Public keys images/signature trusts (turning it on).
    #[serde(default)]
    pub trusted_keys: Vec<KeyConfig>,
    /// Signature material for images/signature.
    #[serde(default)]
    pub signatures: Vec<SignaturesConfig>,
}

/// A trusted key: its PEM text (`cosign.pub`), or `{name, pem}` to name it in messages.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum KeyConfig {
    Pem(String),
    Named(NamedKey),
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedKey {
    pub name: String,
    pub pem: String,
}

/// Signature material: `cosign download signature` output as a string, `{name?, text}`, or an OCI
/// layout as `cosign save` writes it, `{name?, layout: {"index.json": …, "blobs/sha256/<hex>": …}}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum SignaturesConfig {
    Text(String),
    Lines(NamedLines),
    Layout(NamedLayout),
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedLines {
    pub name: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedLayout {
    pub name: Option<String>,
    /// Each file of the layout by its path relative to the layout's directory.
    pub layout: BTreeMap<String, String>,
}

impl SignaturesConfig {
    /// Core's form; unnamed material is called `signatures[index]` in messages.
    fn source(&self, index: usize) -> SignatureSource {
        let default_name = || format!("signatures[{index}]");
        match self {
            SignaturesConfig::Text(text) => SignatureSource::DownloadLines { name: default_name(), text: text.clone() },
            SignaturesConfig::Lines(NamedLines { name, text }) => {
                SignatureSource::DownloadLines { name: name.clone().unwrap_or_else(default_name), text: text.clone() }
            }
            SignaturesConfig::Layout(NamedLayout { name, layout }) => SignatureSource::OciLayout {
                name: name.clone().unwrap_or_else(default_name),
                files: layout.iter().map(|(path, text)| (path.clone(), text.as_bytes().to_vec())).collect(),
            },
        }
    }
}

/// `pss: {level, version}`; both optional (restricted, latest).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PssConfig {
    pub level: Option<PssLevel>,
    /// `latest` or `v1.0` … `v1.37` (rules.md, "security-context").
    pub version: Option<String>,
}

/// A Pod Security Standards level (`privileged` checks nothing, so a linter has no use for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PssLevel {
    Baseline,
    Restricted,
}

/// The newest Pod Security Standards policy version the rules implement (rules.md).
const PSS_NEWEST_MINOR: u64 = 37;

impl PssConfig {
    /// The rule setting `pss` as the security-context policies read it:
    /// `{"level": "baseline", "version": {"major": 1, "minor": 30}}`. `latest` leaves the version
    /// out, and the rules then check the newest they implement.
    ///
    /// Core's own Pod Security settings (`LinterBuilder::pss_level`/`pss_version`, on their way
    /// from the PSS work) write this same value; once they are in, this should call them instead.
    pub fn to_setting(&self) -> Result<Value, String> {
        let level = match self.level.unwrap_or(PssLevel::Restricted) {
            PssLevel::Baseline => "baseline",
            PssLevel::Restricted => "restricted",
        };
        let mut setting = serde_json::json!({ "level": level });
        if let Some(minor) = self.version.as_deref().map(parse_pss_version).transpose()?.flatten() {
            setting["version"] = serde_json::json!({"major": 1, "minor": minor});
        }
        Ok(setting)
    }
}

/// `latest` → `None`; `v1.<minor>` (no leading zeros) → the minor version.
fn parse_pss_version(text: &str) -> Result<Option<u64>, String> {
    if text == "latest" {
        return Ok(None);
    }
    let error = || format!("unknown Pod Security Standards version {text:?} (expected v1.0 … v1.{PSS_NEWEST_MINOR} or latest)");
    let minor = text.strip_prefix("v1.").ok_or_else(error)?;
    let canonical = !minor.is_empty() && minor.bytes().all(|b| b.is_ascii_digit()) && (minor == "0" || !minor.starts_with('0'));
    match minor.parse::<u64>() {
        Ok(minor) if canonical && minor <= PSS_NEWEST_MINOR => Ok(Some(minor)),
        _ => Err(error()),
    }
}

/// The lowest severity that fails a lint (and denies an admission request): core's own setting.
pub use plimsoll_core::config::FailOn;

impl Config {
    /// Reads the configuration object; members set to `null` (or `undefined` in JavaScript) count
    /// as absent.
    pub fn from_json(mut value: Value) -> Result<Config, serde_json::Error> {
        if let Value::Object(members) = &mut value {
            members.retain(|_, member| !member.is_null());
        }
        serde_json::from_value(value)
    }

    /// The core builder this configuration describes; an error names a setting that is invalid.
    pub fn builder(&self) -> Result<LinterBuilder, String> {
        let mut builder = plimsoll_core::Linter::builder();
        if let Some(profile) = &self.profile {
            let known: Vec<&str> = plimsoll_core::config::PROFILES.iter().map(|(name, _)| *name).collect();
            if !known.contains(&profile.as_str()) {
                return Err(format!("unknown profile {profile:?} (expected one of {})", known.join(", ")));
            }
            let catalog = plimsoll_core::rules::builtin_rules().map_err(|e| e.to_string())?;
            builder = builder.only(plimsoll_core::config::profile_rules(&catalog, profile));
        }
        if let Some(only) = &self.only {
            builder = builder.only(only.iter().cloned());
        }
        for rule in &self.enable {
            builder = builder.enable(rule);
        }
        for rule in &self.disable {
            builder = builder.disable(rule);
        }
        for (rule, severity) in &self.severity {
            builder = builder.severity(rule, *severity);
        }
        for (key, value) in &self.settings {
            builder = builder.config(key, value.clone());
        }
        if let Some(pss) = &self.pss {
            builder = builder.config("pss", pss.to_setting()?);
        }
        for (index, key) in self.trusted_keys.iter().enumerate() {
            builder = match key {
                KeyConfig::Pem(pem) => builder.trusted_key(format!("trustedKeys[{index}]"), pem.clone()),
                KeyConfig::Named(NamedKey { name, pem }) => builder.trusted_key(name.clone(), pem.clone()),
            };
        }
        for (index, material) in self.signatures.iter().enumerate() {
            builder = builder.signatures(material.source(index));
        }
        Ok(builder)
    }

    /// How `admit()` decides.
    pub fn admission(&self) -> AdmissionOptions {
        AdmissionOptions { deny_at: self.fail_on.threshold(), failure_policy: self.failure_policy }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    fn parse(value: Value) -> Result<Config, serde_json::Error> {
        Config::from_json(value)
    }

    #[test]
    fn every_key_maps_onto_the_builder() {
        let config = parse(json!({
            "only": ["privileged", "latest-tag"], "disable": ["latest-tag"], "enable": [],
            "severity": {"privileged": "warning"}, "failOn": "warning",
            "pss": {"level": "baseline", "version": "v1.30"}, "settings": {"images": {}}, "failurePolicy": "Ignore"
        }))
        .unwrap();
        let linter = config.builder().unwrap().build().unwrap();
        assert_eq!(linter.enabled_rules(), ["security-context/privileged"]);
        assert_eq!(config.admission(), AdmissionOptions { deny_at: Some(Severity::Warning), failure_policy: FailurePolicy::Ignore });
    }

    #[test]
    fn unknown_keys_and_values_are_errors() {
        assert!(parse(json!({"disabel": ["x"]})).unwrap_err().to_string().contains("unknown field `disabel`"));
        assert!(parse(json!({"failOn": "sometimes"})).is_err());
        assert!(parse(json!({"failurePolicy": "fail"})).is_err());
        assert!(parse(json!({"severity": {"privileged": "fatal"}})).is_err());
    }

    #[test]
    fn pss_settings_take_the_form_policies_read() {
        let setting = |value: Value| parse(json!({"pss": value})).unwrap().pss.unwrap_or_default().to_setting();
        assert_eq!(setting(json!({"level": "baseline", "version": "v1.30"})), Ok(json!({"level": "baseline", "version": {"major": 1, "minor": 30}})));
        assert_eq!(setting(json!({"version": "v1.0"})), Ok(json!({"level": "restricted", "version": {"major": 1, "minor": 0}})));
        assert_eq!(setting(json!({"level": "restricted", "version": "latest"})), Ok(json!({"level": "restricted"})));
        for bad in ["v1.38", "1.25", "v2.0", "v1.", "v1.025", "v1.2.3", "Latest"] {
            assert!(setting(json!({"version": bad})).is_err(), "{bad}");
        }
        assert!(parse(json!({"pss": {"level": "privileged"}})).is_err());
        assert!(parse(json!({"pss": {"levle": "baseline"}})).is_err());
    }

    #[test]
    fn empty_config_is_the_default() {
        assert_eq!(parse(json!({})).unwrap(), Config::default());
        assert_eq!(parse(json!({"only": null, "enable": null})).unwrap(), Config::default());
        assert_eq!(Config::default().admission(), AdmissionOptions::default());
    }
}
