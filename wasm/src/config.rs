//! The configuration object JavaScript passes to `new Linter(config)`, and how it maps onto
//! core's [`LinterBuilder`].
//!
//! Every key is optional and unknown keys are errors (a misspelt `disabel` must not silently
//! lint with the defaults). Rule selection mirrors the CLI flags (`only`, `enable`, `disable`),
//! `severity` overrides rule severities, `failOn` is the CLI's `--fail-on` (it sets the report's
//! `failed` flag and which findings deny an admission request), `settings` passes rule settings
//! through to policies as `data.plimsoll.config.<key>` (for example `pss: {level, version}`), and
//! `failurePolicy` says how `admit()` answers when evaluation fails.

use plimsoll_core::admission::{AdmissionOptions, FailurePolicy};
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
    /// Rule settings, handed to policies unchanged.
    #[serde(default)]
    pub settings: Map<String, Value>,
    #[serde(default)]
    pub failure_policy: FailurePolicy,
}

/// The lowest severity that fails a lint (and denies an admission request), or `never`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
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

impl Config {
    /// Reads the configuration object; members set to `null` (or `undefined` in JavaScript) count
    /// as absent.
    pub fn from_json(mut value: Value) -> Result<Config, serde_json::Error> {
        if let Value::Object(members) = &mut value {
            members.retain(|_, member| !member.is_null());
        }
        serde_json::from_value(value)
    }

    /// The core builder this configuration describes.
    pub fn builder(&self) -> LinterBuilder {
        let mut builder = plimsoll_core::Linter::builder();
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
        builder
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
            "settings": {"pss": {"level": "baseline", "version": "v1.30"}}, "failurePolicy": "Ignore"
        }))
        .unwrap();
        let linter = config.builder().build().unwrap();
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
    fn empty_config_is_the_default() {
        assert_eq!(parse(json!({})).unwrap(), Config::default());
        assert_eq!(parse(json!({"only": null, "enable": null})).unwrap(), Config::default());
        assert_eq!(Config::default().admission(), AdmissionOptions::default());
    }
}
