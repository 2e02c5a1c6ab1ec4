//! plimsoll-core: Kubernetes manifests in, located findings out.
//!
//! Data flow (docs/architecture.md describes it end to end):
//! 1. [`load`] turns a named text into Kubernetes objects, reading YAML exactly as kubectl does and
//!    recording the position of every node ([`position`]).
//! 2. [`linter`] evaluates the built-in Rego rules ([`rules`], embedded from `policies/`) against
//!    each object with regorus, and maps each violation's field path back to `line:column`.
//!    The `security-context` rules check the Pod Security Standards level and version chosen
//!    with [`pss`].
//!    [`schema`] checks each object against its Kubernetes or CRD schema and the API deprecation
//!    schedule, and kustomizations for deprecated fields (rules implemented in Rust).
//!    Users' own conftest-style Rego runs in the same pass ([`user_policy`]); [`rego_test`] runs
//!    Rego unit tests (`test_*` rules) of built-in and user policies.
//! 3. [`finding`] holds the resulting plain data and the normative JSON report.
//! 4. [`admission`] answers Kubernetes AdmissionReview requests with the same linter, for webhooks.
//!
//! Around that flow, for CI use: [`config`] reads the `.plimsoll.yaml` configuration file into
//! linter settings, [`suppress`] keeps findings covered by exemptions, annotations or comments out
//! of the count, and [`baseline`] records a run's findings so later runs report only new ones.
//! What Rego cannot read exactly — Kubernetes quantities ([`quantity`]) and image references
//! ([`image`]) — is parsed in Rust and offered to policies by [`functions`], as is offline cosign
//! signature verification ([`signature`]: trusted keys and signature material handed in as text).
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

pub mod admission;
mod evaluate;
pub mod finding;
pub mod functions;
pub mod gatekeeper;
pub mod image;
pub mod kinds;
pub mod linter;
pub mod load;
pub mod position;
mod prefilter;
pub mod pss;
pub mod quantity;
pub mod rego_test;
pub mod rules;
pub mod schema;
pub mod signature;
pub mod user_policy;

// CI integration: configuration file, suppressions and baselines.
pub mod baseline;
pub mod config;
pub mod glob;
pub mod suppress;

pub use finding::{FileReport, Finding, LintedObject, Report, Severity, Summary};
pub use linter::{BuildError, Linter, LinterBuilder, Source, Worker};
pub use load::{load, Document, LoadedFile, ObjectRef};
pub use position::{Path, Pos, Span};
pub use pss::{PssLevel, PssSettings, PssVersion};
pub use rules::RuleMeta;
pub use schema::KubeVersion;
#[cfg(feature = "schema-validation")]
pub use schema::SchemaSet;
