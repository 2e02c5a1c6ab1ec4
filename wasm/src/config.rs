//! The configuration object JavaScript passes to `new Linter(config)`, and how it becomes core's
//! settings ([`plimsoll_core::config::Settings`]), from which the linter is built.
//!
//! Every key is optional and unknown keys are errors (a misspelt `disabel` must not silently
//! lint with the defaults). `configFile` takes the text of a `.plimsoll.yaml`, read by core
//! exactly as the CLI reads it (rules, severities, settings, exemptions, `fail_on`); the other
//! keys become settings merged on top with core's `Settings::merge`, as the CLI's flags are: rule selection (`only`, `enable`, `disable`),
//! `severity` overrides, `failOn` (the report's `failed` flag, and which findings deny an
//! admission request), `pss` (Pod Security Standards level and version), `allowedRegistries`
//! (the CLI's `--allowed-registry`), `kubeVersion` and `crds` (the CLI's `--kube-version` and
//! `--crd`), `completeInput` (`--complete-input`), `settings` (rule settings handed to policies as `data.plimsoll.config.<key>`), and
//! `failurePolicy`, how `admit()` answers when evaluation fails; `profile` is the CLI's
//! `--profile`, and `trustedKeys` and `signatures` are what `--trusted-key` and `--signatures` read
//! from files, given as texts: JavaScript reads the files (or fetches them) and core verifies
//! exactly as the CLI does. Names follow the CLI's flags in JavaScript's camelCase.
//!
//! The Node build carries core's `schema-validation` feature, so a webhook gives the CLI's verdicts
//! on every rule. The browser build leaves it out (the validator and the schema bundle would double
//! its download): there `kubeVersion` still chooses which APIs `schema/removed-api` and
//! `schema/deprecated-api` report, but a CRD given in `crds` is an error (`plimsoll::not_in_build`,
//! raised by core's builder) rather than silently leaving custom resources unchecked. Configuration
//! files that turn validation rules off, change their severity or exempt objects from them are
//! accepted, as core accepts them in such a build.

use plimsoll_core::admission::{AdmissionOptions, FailurePolicy};
use plimsoll_core::config::{ImageSettings, Profile, PssChoice, RuleSettings, Settings};
use plimsoll_core::signature::SignatureSource;
use plimsoll_core::{KubeVersion, LinterBuilder, Severity};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The `LinterConfig` TypeScript type describes the same object.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    /// The text of a `.plimsoll.yaml`, applied before every other key.
    pub config_file: Option<String>,
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
    /// Absent: the configuration file's `fail_on`, else `error`.
    pub fail_on: Option<FailOn>,
    /// The Pod Security Standards level and version the `security-context` rules check.
    pub pss: Option<PssConfig>,
    /// Registries or repository prefixes images may come from (turns on images/registry).
    pub allowed_registries: Option<Vec<String>>,
    /// The Kubernetes release (`1.N`) whose served and deprecated APIs apply.
    pub kube_version: Option<String>,
    /// The text linted is the whole deployment (the CLI's `--complete-input`): rules that report
    /// a missing object report.
    pub complete_input: Option<bool>,
    /// Texts of CustomResourceDefinition manifests whose schemas custom resources are checked
    /// against; only usable with schema validation, which the Node build has and the browser build
    /// leaves out.
    #[serde(default)]
    pub crds: Vec<String>,
    /// Rule settings, handed to policies unchanged.
    #[serde(default)]
    pub settings: Map<String, Value>,
    #[serde(default)]
    pub failure_policy: FailurePolicy,
    /// A starting set of rules (`default`, `all`, `supply-chain`, `availability`, `hardening`), as `--profile`.
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

/// `pss: {level, version}`; both optional (restricted, latest), parsed by core as the CLI's
/// `--pss-level` and `--pss-version` are.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PssConfig {
    pub level: Option<String>,
    /// `latest` or `v1.0` … `v1.37` (docs/pod-security.md).
    pub version: Option<String>,
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

    /// The core builder this configuration describes, and the merged settings (for the fail
    /// threshold); an error names the setting that is invalid. The configuration file's settings and this
    /// object's are merged as the CLI merges the file's and its flags'; the texts of keys,
    /// signatures and CRDs are then added to the builder.
    pub fn builder(&self) -> Result<(LinterBuilder, Settings), String> {
        let mut file = Settings::default();
        if let Some(text) = &self.config_file {
            let config = plimsoll_core::config::Config::parse(".plimsoll.yaml", text).map_err(|e| e.to_string())?;
            if !config.trusted_keys().is_empty() || !config.signatures().is_empty() {
                return Err("configFile: images.trusted_keys and images.signatures name files, which this package \
                            cannot read; pass their texts as trustedKeys and signatures"
                    .into());
            }
            file = config.settings().map_err(|e| e.to_string())?;
        }
        let settings = Settings::merge(file, self.settings()?);
        let mut builder = settings.builder().map_err(|e| e.to_string())?;
        for (index, text) in self.crds.iter().enumerate() {
            builder = builder.crds(format!("crds[{index}]"), text.clone());
        }
        builder = self.apply_signatures(builder);
        Ok((builder, settings))
    }

    /// The settings this object gives, to lay over the configuration file's.
    fn settings(&self) -> Result<Settings, String> {
        let profile = self.profile.as_deref().map(str::parse::<Profile>).transpose()?;
        let pss = match &self.pss {
            None => None,
            Some(pss) => Some(PssChoice {
                level: pss.level.as_deref().map(str::parse).transpose().map_err(|e| format!("pss.level: {e}"))?,
                version: pss.version.as_deref().map(str::parse).transpose().map_err(|e| format!("pss.version: {e}"))?,
            }),
        };
        let kube_version = self.kube_version.as_deref().map(str::parse::<KubeVersion>).transpose();
        Ok(Settings {
            rules: RuleSettings {
                profile,
                only: self.only.clone(),
                enable: self.enable.clone(),
                disable: self.disable.clone(),
                severity: self.severity.clone(),
            },
            fail_on: self.fail_on,
            pss,
            images: ImageSettings { allowed_registries: self.allowed_registries.clone(), ..Default::default() },
            kube_version: kube_version.map_err(|e| format!("kubeVersion: {e}"))?,
            settings: self.settings.clone(),
            complete_input: self.complete_input,
            ..Settings::default()
        })
    }

    fn apply_signatures(&self, mut builder: LinterBuilder) -> LinterBuilder {
        for (index, key) in self.trusted_keys.iter().enumerate() {
            builder = match key {
                KeyConfig::Pem(pem) => builder.trusted_key(format!("trustedKeys[{index}]"), pem.clone()),
                KeyConfig::Named(NamedKey { name, pem }) => builder.trusted_key(name.clone(), pem.clone()),
            };
        }
        for (index, material) in self.signatures.iter().enumerate() {
            builder = builder.signatures(material.source(index));
        }
        builder
    }

    /// How `admit()` decides, given the merged settings: their fail threshold denies.
    pub fn admission(&self, settings: &Settings) -> AdmissionOptions {
        AdmissionOptions { deny_at: settings.fail_threshold(), failure_policy: self.failure_policy }
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
            "severity": {"privileged": "warning"}, "failOn": "warning", "kubeVersion": "1.29",
            "pss": {"level": "baseline", "version": "v1.30"}, "settings": {"images": {}}, "failurePolicy": "Ignore",
            "allowedRegistries": ["ghcr.io/acme"], "crds": []
        }))
        .unwrap();
        let (builder, settings) = config.builder().unwrap();
        let linter = builder.build().unwrap();
        assert_eq!(linter.enabled_rules(), ["security-context/privileged"]);
        assert_eq!(
            config.admission(&settings),
            AdmissionOptions { deny_at: Some(Severity::Warning), failure_policy: FailurePolicy::Ignore }
        );
    }

    #[test]
    fn unknown_keys_and_values_are_errors() {
        assert!(parse(json!({"disabel": ["x"]})).unwrap_err().to_string().contains("unknown field `disabel`"));
        assert!(parse(json!({"failOn": "sometimes"})).is_err());
        assert!(parse(json!({"failurePolicy": "fail"})).is_err());
        assert!(parse(json!({"severity": {"privileged": "fatal"}})).is_err());
        assert!(parse(json!({"pss": {"levle": "baseline"}})).is_err());
    }

    #[test]
    fn pss_values_are_checked_as_the_cli_checks_them() {
        let build =
            |pss: Value| parse(json!({"pss": pss})).unwrap().builder().map(|(builder, _)| builder.pss_settings());
        let settings = build(json!({"level": "baseline", "version": "v1.30"})).unwrap();
        assert_eq!((settings.level.as_str(), settings.version.minor()), ("baseline", 30));
        for bad in ["v1.38", "1.25", "v2.0", "v1.", "v1.2.3", "Latest"] {
            assert!(build(json!({"version": bad})).unwrap_err().starts_with("pss.version"), "{bad}");
        }
        assert!(build(json!({"level": "privileged"})).unwrap_err().starts_with("pss.level"));
        assert!(parse(json!({"kubeVersion": "one"})).unwrap().builder().is_err());
    }

    #[test]
    fn the_configuration_file_applies_first_and_keys_override_it() {
        let file = "rules:\n  only: [privileged, latest-tag]\nfail_on: never\n";
        let config = parse(json!({"configFile": file})).unwrap();
        let (builder, settings) = config.builder().unwrap();
        assert_eq!(builder.build().unwrap().enabled_rules(), ["images/latest-tag", "security-context/privileged"]);
        assert_eq!(settings.fail_threshold(), None);
        let overridden = parse(json!({"configFile": file, "disable": ["latest-tag"], "failOn": "warning"})).unwrap();
        let (builder, settings) = overridden.builder().unwrap();
        assert_eq!(builder.build().unwrap().enabled_rules(), ["security-context/privileged"]);
        assert_eq!(settings.fail_threshold(), Some(Severity::Warning));
    }

    #[test]
    fn configuration_file_errors_are_located() {
        let error = parse(json!({"configFile": "rules:\n  enabel: [x]\n"})).unwrap().builder().unwrap_err();
        assert!(error.contains(".plimsoll.yaml:2:3"), "{error}");
    }

    #[test]
    fn without_schema_validation_crds_are_refused_and_kube_version_still_applies() {
        let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n";
        let refused = parse(json!({"crds": [crd]})).unwrap().builder().unwrap().0.build();
        if plimsoll_core::schema::VALIDATION_AVAILABLE {
            return;
        }
        let error = refused.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("crds[0]") && error.contains("not in this build"), "{error}");
        let old = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: x}\n";
        let removed = |version: &str| {
            let linter = parse(json!({"kubeVersion": version, "only": ["schema/removed-api"]}))
                .unwrap()
                .builder()
                .unwrap()
                .0
                .build()
                .unwrap();
            linter.lint_source("a.yaml", old).findings.len()
        };
        assert_eq!((removed("1.15"), removed("1.22")), (0, 1));
    }

    /// The package is built without core's `user-policy-builtins` (regex, glob, semver, …): a
    /// built-in rule calling one of them fails here (`cargo test -p plimsoll-wasm` builds core
    /// as the package does) rather than in the browser.
    #[test]
    fn every_builtin_rule_compiles_with_the_package_builtins() {
        let (builder, _) = parse(json!({"profile": "all"})).unwrap().builder().unwrap();
        let linter = builder.build().unwrap();
        assert_eq!(linter.enabled_rules().len(), linter.catalog().len());
        assert_eq!((linter.evaluation_mode(), linter.fallback_reason()), ("compiled", None));
    }

    #[test]
    fn empty_config_is_the_default() {
        assert_eq!(parse(json!({})).unwrap(), Config::default());
        assert_eq!(parse(json!({"only": null, "enable": null})).unwrap(), Config::default());
        assert_eq!(Config::default().admission(&Settings::default()), AdmissionOptions::default());
    }
}
