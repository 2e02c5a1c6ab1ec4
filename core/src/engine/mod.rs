//! Running policies: everything that turns an object into rule violations.
//!
//! - `evaluate` loads the built-in Rego rules (catalogued in [`crate::rules`]) and the user's
//!   policies into one regorus engine, compiles the query that gathers every selected rule's
//!   violations, and evaluates it per object;
//! - `functions` computes in Rust what Rego cannot (quantities, images, signature verdicts), as
//!   host functions and as per-object facts the compiled program reads;
//! - `prefilter` skips rules that cannot report an object, from its kind and the field names it writes;
//! - [`user_policy`] reads conftest-style policies into catalog entries; [`rego_test`] runs Rego
//!   unit tests (`test_*` rules);
//! - [`gatekeeper`] evaluates Gatekeeper ConstraintTemplates and Constraints.
//!
//! The linter (`crate::linter`) drives this module: it selects rules, prepares the engine once,
//! and turns violations into located findings.

pub mod budget;
pub(crate) mod convert;
pub(crate) mod evaluate;
pub(crate) mod functions;
pub mod gatekeeper;
pub(crate) mod prefilter;
pub mod rego_test;
pub mod user_policy;
