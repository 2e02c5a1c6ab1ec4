//! plimsoll-core: Kubernetes manifests in, located findings out.
//!
//! The modules, in the order data flows through them (each depends only on those above;
//! docs/architecture.md describes the flow end to end):
//! 1. [`mod@load`] turns a named text into Kubernetes objects, reading YAML exactly as kubectl does and
//!    recording the position of every node ([`load::position`]).
//! 2. [`k8s`] reads what Kubernetes defines and Rego cannot read exactly: resource quantities,
//!    image references, which kinds carry a pod spec, Pod Security Standards levels and versions.
//! 3. [`report`] holds the plain data a run produces: findings, evaluation errors, per-file
//!    reports and the normative JSON report, suppressions and baselines.
//! 4. [`rules`] is the catalog: every built-in rule's metadata (the Rego rules embedded from
//!    `policies/` and the rules implemented in Rust).
//! 5. [`signature`] verifies cosign signatures offline (trusted keys and material handed in as text);
//!    [`schema`] checks objects against their Kubernetes or CRD schema and the API deprecation
//!    schedule, and kustomizations for deprecated fields (the rules implemented in Rust).
//! 6. [`engine`] evaluates policies: the built-in Rego rules, users' conftest-style policies and
//!    Gatekeeper constraints, with the Rust functions policies call; it also runs Rego unit tests.
//! 7. [`linter`] ties them together: [`LinterBuilder`] selects rules and prepares the engine once;
//!    a [`Worker`] lints sources: load → evaluate each object → locate each violation → findings,
//!    with suppressions applied.
//!    [`render`] maps findings on Helm and Kustomize output back to the templates, values files,
//!    bases and patches the user edits.
//! 8. [`config`] is the one settings model every frontend builds the linter through: the
//!    `.plimsoll.yaml` file read into settings, frontends' settings merged over them, rule
//!    selectors resolved ([`rules::selector`]); [`admission`] answers Kubernetes AdmissionReview
//!    requests with the same linter, for webhooks.
//!
//! No module depends on one below it (a test checks the `crate::` paths each group uses).
//!
//! Core never touches the filesystem, the network or the terminal: frontends hand it text and
//! render what it returns.
//!
//! Cargo features: `parallel` (rayon workers, for [`Linter::lint_sources`]) and
//! `schema-validation` (the JSON schema validator and the embedded schema bundle: the seven
//! validation rules of [`schema`]), both on by default. Without `schema-validation` those rules are
//! not in the catalog, naming them to select them is a [`BuildError::NotInBuild`] (turning them off
//! is accepted), and so are CRDs and JSON schemas given to the builder; the API lifecycle and
//! kustomization rules still run. The wasm package is built that way, for size.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

pub mod admission;
pub mod config;
pub mod engine;
pub mod glob;
pub mod k8s;
pub mod linter;
pub mod load;
pub mod render;
pub mod report;
pub mod rules;
pub mod schema;
pub mod signature;

pub use config::{FailOn, Settings};
pub use k8s::pss::{PssLevel, PssSettings, PssVersion};
pub use linter::{BuildError, Linter, LinterBuilder, ObjectReport, Source, Worker};
pub use load::position::{Path, Pos, Span};
pub use load::{load, Document, LoadedFile, ObjectRef};
pub use report::{
    EvaluationError, FileReport, Finding, LintedObject, RelatedLocation, Rendered, Report, Severity, Summary,
};
pub use rules::RuleMeta;
pub use schema::KubeVersion;
#[cfg(feature = "schema-validation")]
pub use schema::SchemaSet;
