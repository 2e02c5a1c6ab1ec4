//! plimsoll-core: Kubernetes manifests in, located findings out.
//!
//! Data flow (see the architecture notes in the repository):
//! 1. [`load`] turns a named text into Kubernetes objects, reading YAML exactly as kubectl does and
//!    recording the position of every node ([`position`]).
//! 2. [`linter`] evaluates the built-in Rego rules ([`rules`], embedded from `policies/`) against
//!    each object with regorus, and maps each violation's field path back to `line:column`.
//!    [`schema`] checks each object against its Kubernetes or CRD schema and the API deprecation
//!    schedule, and kustomizations for deprecated fields (rules implemented in Rust).
//! 3. [`finding`] holds the resulting plain data and the normative JSON report.
//!
//! Core never touches the filesystem, the network or the terminal: frontends hand it text and
//! render what it returns.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod evaluate;
pub mod finding;
pub mod kinds;
pub mod linter;
pub mod load;
pub mod position;
pub mod rules;
pub mod schema;

pub use finding::{FileReport, Finding, Report, Severity, Summary};
pub use linter::{BuildError, Linter, LinterBuilder, Source, Worker};
pub use load::{load, Document, LoadedFile, ObjectRef};
pub use position::{Path, Pos, Span};
pub use rules::RuleMeta;
pub use schema::{KubeVersion, SchemaSet};
