//! What Kubernetes defines and Rego cannot read exactly: resource quantities ([`quantity`]),
//! container image references (`image`), which kinds carry a pod spec and where ([`kinds`]), and
//! the Pod Security Standards levels and versions ([`pss`]), label selectors ([`selector`]) and the
//! run's inventory of object summaries for cross-object rules ([`inventory`]).
//!
//! Plain parsing and tables; only the inventory reads loaded documents (`crate::load`). The engine offers quantities and
//! images to policies as host functions and facts (`crate::engine`), hands the kinds table to
//! Rego as data, and the settings turn a PSS level and version into the rule setting `pss`.

pub mod image;
pub mod inventory;
pub mod kinds;
pub mod pss;
pub mod quantity;
pub mod selector;
