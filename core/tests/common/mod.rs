//! Shared by the conformance tests: the repository root, and the suites' harness ([`suite`]).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

mod suite;
#[allow(unused_imports)] // not every test crate uses every part of the harness
pub use suite::*;
