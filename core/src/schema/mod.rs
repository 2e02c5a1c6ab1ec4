//! Schema validation, API lifecycle and kustomizations: the rules implemented in Rust.
//!
//! Flow for one object ([`SchemaChecker::check`]):
//! 1. A kustomization (`kustomize`) is checked for deprecated fields and nothing else.
//! 2. Its apiVersion and kind are looked up in the deprecation table (`apis`) against the target
//!    release ([`KubeVersion`]): `schema/removed-api`, `schema/deprecated-api`.
//! 3. Its schema is found: schemas the user added (`SchemaSet`: CRDs given with `--crd` or found
//!    among the linted files, JSON schema files), then the embedded bundle (`bundle`: Kubernetes
//!    v1.33 and the bundled CRDs). It is compiled on first use and cached (`compile`); no schema
//!    gives `schema/unknown-kind`.
//! 4. The validator's errors become findings with a rule, a message and a field path (`report`),
//!    which the linter locates in the source like any rule's path.
//! 5. Values the schema allows but the API server's validation code rejects (port names and
//!    numbers, label syntax, budgets, strategies) give `schema/rejected-value` (`rejected`); this
//!    step needs no schema and runs in every build.
//! 6. The labels and annotations the configuration requires (`required_metadata`) are looked up.
//!
//! Rule metadata lives in `crate::rules::native`; which of these rules run is the linter's selection, and
//! `findings` turns the checker's results into located report findings for the linter.
//!
//! Steps 3 and 4 are the `schema-validation` feature (`validation`, with `bundle`, `compile`,
//! `report`, `formats`, `suggest`): the validator and the bundle are most of what this module
//! adds to a binary. Without it, steps 1 and 2 run as they are and the validation rules are not
//! in the catalog ([`left_out_of_build`] says which names those are).

pub(crate) mod apis;
#[cfg(feature = "schema-validation")]
pub mod bundle;
#[cfg(feature = "schema-validation")]
pub mod compile;
#[cfg(feature = "schema-validation")]
pub(crate) mod crd;
mod findings;
#[cfg(feature = "schema-validation")]
pub(crate) mod formats;
pub(crate) mod kustomize;
pub(crate) mod parameters;
pub(crate) mod rejected;
#[cfg(feature = "schema-validation")]
pub(crate) mod report;
pub mod required_metadata;
#[cfg(feature = "schema-validation")]
mod suggest;
#[cfg(feature = "schema-validation")]
mod validation;
pub mod version;

#[cfg(feature = "schema-validation")]
pub use validation::{GroupMatch, SchemaSet, UserSchema};
pub use version::{KubeVersion, KubeVersionError};

use crate::load::position::{Path, PathSegment};
use serde_json::Value;

pub use crate::rules::native::{
    left_out_of_build, CONSTRAINT, ENUM, FORMAT, REQUIRED, TYPE, UNKNOWN_FIELD, UNKNOWN_KIND, VALIDATION_AVAILABLE,
    VALIDATION_RULES,
};

/// A problem found by a schema rule, before it is located in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaFinding {
    pub rule: &'static str,
    pub message: String,
    pub path: Path,
}

/// A schema source given by the user that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}: {message}")]
pub struct SchemaSourceError {
    pub source_name: String,
    pub message: String,
}

/// Which parts of the checker run (from the linter's rule selection).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Enabled {
    /// The validation rules ([`VALIDATION_RULES`]); never set in a build without them, whose
    /// catalog does not offer them.
    pub validation: bool,
    /// `schema/removed-api`.
    pub removed_api: bool,
    /// `schema/deprecated-api`.
    pub deprecated_api: bool,
    pub kustomize: bool,
    /// `schema/rejected-value`, which needs no schema and runs in every build.
    pub rejected_value: bool,
    /// `metadata/required-labels` or `metadata/required-annotations` (their settings are
    /// [`SchemaChecker::required_metadata`]).
    pub required_metadata: bool,
}

impl Enabled {
    /// The parts the selected rules need.
    pub fn for_rules<'a>(rules: impl IntoIterator<Item = &'a str>) -> Enabled {
        let mut enabled = Enabled::default();
        for rule in rules {
            enabled.validation |= VALIDATION_RULES.contains(&rule);
            enabled.removed_api |= rule == apis::REMOVED;
            enabled.deprecated_api |= rule == apis::DEPRECATED;
            enabled.kustomize |= rule == kustomize::DEPRECATED_FIELD;
            enabled.rejected_value |= rule == rejected::REJECTED_VALUE;
            enabled.required_metadata |=
                rule == required_metadata::REQUIRED_LABELS || rule == required_metadata::REQUIRED_ANNOTATIONS;
        }
        enabled
    }

    pub fn any(self) -> bool {
        self.validation
            || self.removed_api
            || self.deprecated_api
            || self.kustomize
            || self.rejected_value
            || self.required_metadata
    }
}

/// Checks objects against their schemas and the API lifecycle; shared by a linter's workers.
#[derive(Debug, Clone, Default)]
pub struct SchemaChecker {
    pub kube_version: KubeVersion,
    /// The schemas the user added, searched before the bundled ones.
    #[cfg(feature = "schema-validation")]
    pub schemas: SchemaSet,
    pub enabled: Enabled,
    /// The configured requirements of the enabled `metadata/required-*` rules.
    pub required_metadata: Vec<required_metadata::RequiredMetadata>,
}

impl SchemaChecker {
    /// Every finding of the enabled rules for one object (`apiVersion` and `kind` are strings).
    pub fn check(&self, object: &Value) -> Vec<SchemaFinding> {
        let text = |key: &str| object.get(key).and_then(Value::as_str).unwrap_or("");
        let (api_version, kind) = (text("apiVersion"), text("kind"));
        if kustomize::is_kustomization_object(api_version, kind) {
            return if self.enabled.kustomize { kustomize::check(object) } else { Vec::new() };
        }
        let mut out = Vec::new();
        let lifecycle = apis::lookup(api_version, kind);
        let status = lifecycle.and_then(|l| l.status(self.kube_version));
        let reported = match status {
            Some(apis::Status::Removed) => self.enabled.removed_api,
            Some(apis::Status::Deprecated) => self.enabled.deprecated_api,
            None => false,
        };
        if let Some((rule, message)) = lifecycle.and_then(|l| l.finding(self.kube_version)).filter(|_| reported) {
            out.push(SchemaFinding { rule, message, path: key_path("apiVersion") });
        }
        #[cfg(feature = "schema-validation")]
        if self.enabled.validation {
            // A removed API version reported as such needs no "no schema" finding as well.
            let removed_reported = reported && status == Some(apis::Status::Removed);
            self.validate(object, api_version, kind, removed_reported, &mut out);
        }
        if self.enabled.rejected_value {
            out.extend(rejected::check(object, api_version, kind));
        }
        for required in &self.required_metadata {
            out.extend(required.check(object));
        }
        out
    }
}

pub(crate) fn key_path(key: &str) -> Path {
    Path::new(vec![PathSegment::Key(key.to_string())])
}

// These tests validate objects; the lifecycle and kustomization rules are tested in their modules.
#[cfg(all(test, feature = "schema-validation"))]
mod tests;
