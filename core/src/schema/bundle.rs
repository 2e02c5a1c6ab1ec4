//! The embedded schema bundle: Kubernetes v1.33 and the bundled CRDs, one zlib blob.
//!
//! `schemas/bundle.json.zlib` is produced by `schemas/generate.py` (see `schemas/README.md` for its
//! layout and how the schemas are derived) and included in the binary. Nothing is read until a
//! document first needs a schema: then the blob is inflated once and indexed without parsing the
//! schemas themselves ([`serde_json::value::RawValue`]); each kind's schema is parsed when
//! [`super::compile`] assembles it.

use super::compile::Slot;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The compressed bundle.
static BLOB: &[u8] = include_bytes!("../../../schemas/bundle.json.zlib");

/// The inflated bundle must not exceed this (it is under 1 MiB today).
const MAX_INFLATED: usize = 64 << 20;

/// Size of the compressed bundle in the binary, in bytes.
pub fn compressed_size() -> usize {
    BLOB.len()
}

/// The bundle's parts, borrowing from the inflated text.
#[derive(Debug, Deserialize)]
pub struct Bundle<'a> {
    /// The Kubernetes release of the built-in schemas (`v1.33`).
    #[serde(borrow)]
    pub kubernetes: Cow<'a, str>,
    /// Shared schema parts, referenced as `#/definitions/<name>`.
    #[serde(borrow)]
    pub definitions: HashMap<Cow<'a, str>, &'a RawValue>,
    /// `"<apiVersion> <Kind>"` → the definition that describes the object.
    #[serde(borrow)]
    pub kinds: HashMap<Cow<'a, str>, Cow<'a, str>>,
    /// Definition name → the schema of the object at the top of a manifest.
    #[serde(borrow)]
    pub roots: HashMap<Cow<'a, str>, &'a RawValue>,
    /// `"<apiVersion> <Kind>"` → a bundled CRD's schema (as converted upstream; see `super::crd`).
    #[serde(borrow)]
    pub crds: HashMap<Cow<'a, str>, &'a RawValue>,
}

/// Where a kind's schema comes from in the bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Kubernetes,
    Crd,
}

/// A kind the bundle has a schema for, and its compiled schema once a document needed it (kept
/// here, in the process-wide index, so that every linter and thread shares it without a lock).
#[derive(Debug)]
pub struct BundledKind {
    pub api_version: String,
    pub kind: String,
    pub origin: Origin,
    pub(crate) compiled: Slot,
}

impl BundledKind {
    /// The bundle's key, `"<apiVersion> <Kind>"`.
    pub fn key(&self) -> String {
        format!("{} {}", self.api_version, self.kind)
    }
}

/// The inflated, indexed bundle.
pub struct Index {
    pub bundle: Bundle<'static>,
    /// Kind → every bundled kind of that name (one per apiVersion serving it).
    by_kind: HashMap<String, Vec<BundledKind>>,
    /// Lower-cased kind → the kinds spelt like it, for case mistakes.
    spellings: HashMap<String, Vec<String>>,
}

impl Index {
    /// Bundled kinds of exactly this name, under any apiVersion.
    pub fn kinds_named(&self, kind: &str) -> &[BundledKind] {
        self.by_kind.get(kind).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Bundled kinds spelt like `kind` in any case, under any apiVersion.
    pub fn kinds_named_in_any_case(&self, kind: &str) -> impl Iterator<Item = &BundledKind> {
        let spellings = self.spellings.get(&kind.to_lowercase()).map(Vec::as_slice).unwrap_or(&[]);
        spellings.iter().flat_map(|spelling| self.kinds_named(spelling))
    }

    /// Every bundled kind, in no particular order.
    pub fn all_kinds(&self) -> impl Iterator<Item = &BundledKind> {
        self.by_kind.values().flatten()
    }

    /// The kind with exactly this apiVersion and kind.
    pub fn find(&self, api_version: &str, kind: &str) -> Option<&BundledKind> {
        self.kinds_named(kind).iter().find(|k| k.api_version == api_version)
    }

    /// A definition's schema text.
    pub fn definition(&self, name: &str) -> Option<&'static RawValue> {
        self.bundle.definitions.get(name).copied()
    }
}

/// The bundle, inflated and indexed on first use. The error (a corrupt bundle) is kept and
/// returned on every call.
pub fn index() -> Result<&'static Index, &'static str> {
    static INDEX: OnceLock<Result<Index, String>> = OnceLock::new();
    INDEX.get_or_init(build_index).as_ref().map_err(String::as_str)
}

fn inflated() -> Result<&'static [u8], String> {
    static INFLATED: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();
    INFLATED
        .get_or_init(|| {
            miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(BLOB, MAX_INFLATED)
                .map_err(|e| format!("the embedded schema bundle cannot be inflated: {e:?}"))
        })
        .as_ref()
        .map(Vec::as_slice)
        .map_err(Clone::clone)
}

fn build_index() -> Result<Index, String> {
    let text = inflated()?;
    let bundle: Bundle<'static> =
        serde_json::from_slice(text).map_err(|e| format!("the embedded schema bundle is not readable: {e}"))?;
    let mut by_kind: HashMap<String, Vec<BundledKind>> = HashMap::new();
    let mut spellings: HashMap<String, Vec<String>> = HashMap::new();
    let keys = bundle
        .kinds
        .keys()
        .map(|key| (key, Origin::Kubernetes))
        .chain(bundle.crds.keys().map(|key| (key, Origin::Crd)));
    for (key, origin) in keys {
        if let Some((api_version, kind)) = key.split_once(' ') {
            let entry = BundledKind {
                api_version: api_version.to_string(),
                kind: kind.to_string(),
                origin,
                compiled: Slot::new(),
            };
            by_kind.entry(kind.to_string()).or_default().push(entry);
        }
    }
    for (kind, kinds) in by_kind.iter_mut() {
        kinds.sort_by(|a, b| a.api_version.cmp(&b.api_version));
        spellings.entry(kind.to_lowercase()).or_default().push(kind.clone());
    }
    Ok(Index { bundle, by_kind, spellings })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundle_inflates_and_indexes() {
        let index = index();
        assert!(index.is_ok(), "{:?}", index.err());
        let Ok(index) = index else { return };
        assert_eq!(index.bundle.kubernetes, "v1.33");
        assert!(index.find("apps/v1", "Deployment").is_some());
        assert!(index.find("argoproj.io/v1alpha1", "Rollout").is_some_and(|k| k.origin == Origin::Crd));
        assert!(index.kinds_named_in_any_case("deployment").any(|k| k.kind == "Deployment"));
        assert!(index.definition("io.k8s.api.core.v1.Container").is_some());
    }
}
