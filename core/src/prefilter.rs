//! Skipping rules that cannot report an object, decided from the field names it writes.
//!
//! Most rules look for something that few manifests write (`hostPort`, `sysctls`,
//! `seLinuxOptions`, …), yet evaluating one costs about as much when there is nothing to find:
//! the program still walks every container. A rule may promise, in its metadata, field names of
//! which an object must write at least one for the rule to report it
//! (`custom.requires_fields`, see [`crate::rules::RuleMeta::requires_fields`]). Before
//! evaluation, [`FieldFilter::skipped_rules`] walks the object's mapping keys once and lists the
//! rules whose every named field is absent; the generated aggregate rule does not evaluate those
//! (`crate::evaluate`). The promise is the rule author's; the test suite checks it by linting
//! every fixture (which includes failing cases for every rule) with and without the filter.

use crate::rules::RuleMeta;
use regorus::Value as RegoValue;
use std::collections::{BTreeSet, HashSet};

/// The rules that name required fields, and the names to look for.
#[derive(Debug, Clone, Default)]
pub(crate) struct FieldFilter {
    /// (rule ID, its field names) for every selected rule that names any.
    rules: Vec<(String, Vec<String>)>,
    /// Every exact name some rule requires.
    names: HashSet<String>,
    /// Every prefix (a name ending in `/`) some rule requires.
    prefixes: Vec<String>,
}

impl FieldFilter {
    pub(crate) fn new(selected: &[RuleMeta]) -> FieldFilter {
        let mut filter = FieldFilter::default();
        for rule in selected.iter().filter(|rule| !rule.requires_fields.is_empty()) {
            for name in &rule.requires_fields {
                if name.ends_with('/') {
                    filter.prefixes.push(name.clone());
                } else {
                    filter.names.insert(name.clone());
                }
            }
            filter.rules.push((rule.id.clone(), rule.requires_fields.clone()));
        }
        filter
    }

    /// Whether any selected rule names fields (otherwise there is nothing to decide).
    pub(crate) fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// IDs of the rules that cannot report `object`, as a set for `data.plimsoll.facts`.
    pub(crate) fn skipped_rules(&self, object: &RegoValue) -> RegoValue {
        let mut found = HashSet::new();
        if !self.collect(object, &mut found, 0) {
            return RegoValue::from(BTreeSet::new());
        }
        let skipped: BTreeSet<RegoValue> = self
            .rules
            .iter()
            .filter(|(_, names)| !names.iter().any(|name| found.contains(name.as_str())))
            .map(|(id, _)| RegoValue::from(id.as_str()))
            .collect();
        RegoValue::from(skipped)
    }

    /// Records which required names (or prefixes) appear as keys anywhere in `value`; false when
    /// the value is too deep to walk completely (then no rule may be skipped).
    fn collect<'a>(&'a self, value: &RegoValue, found: &mut HashSet<&'a str>, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match value {
            RegoValue::Object(map) => map.iter().all(|(key, child)| {
                if let RegoValue::String(key) = key {
                    self.note_key(key, found);
                }
                self.collect(child, found, depth + 1)
            }),
            RegoValue::Array(items) => items.iter().all(|item| self.collect(item, found, depth + 1)),
            _ => true,
        }
    }

    fn note_key<'a>(&'a self, key: &str, found: &mut HashSet<&'a str>) {
        if let Some(name) = self.names.get(key) {
            found.insert(name.as_str());
        }
        for prefix in self.prefixes.iter().filter(|prefix| key.starts_with(prefix.as_str())) {
            found.insert(prefix.as_str());
        }
    }
}

/// Deeper than any Kubernetes object; the bound keeps the walk's stack finite, and an object
/// deeper than this skips no rule.
const MAX_DEPTH: usize = 64;
