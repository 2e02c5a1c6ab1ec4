//! Skipping rules that cannot report an object, decided from its kind and the field names it
//! writes, before the Rego program runs.
//!
//! Most rules look for something that few manifests write (`hostPort`, `sysctls`,
//! `seLinuxOptions`, …), yet evaluating one costs about as much when there is nothing to find:
//! the program still walks every container. A rule may promise, in its metadata, field names of
//! which an object must write at least one for the rule to report it
//! (`custom.requires_fields`, see [`crate::rules::RuleMeta::requires_fields`]). A rule also names
//! the objects it judges (`custom.scope`: objects with a pod spec, or the kinds it lists). Before
//! evaluation, [`RuleFilter::skipped_rules`] reads the object's kind and walks its mapping keys
//! once, and lists the rules whose scope leaves the object out or whose every named field is
//! absent; the generated aggregate rule does not evaluate those (`crate::engine::evaluate`). Rules
//! still check their kinds and fields themselves: the filter only saves work. The promise is the
//! rule author's; the test suite checks it by linting every fixture (which includes failing
//! cases for every rule) with and without the filter.
//!
//! Before that, [`ObjectScope`] skips the evaluation of objects that no selected rule looks at,
//! from the same scopes: most rules judge pod specs, a few name the kinds they judge, and a
//! Service or ConfigMap then needs no evaluation at all.

use crate::k8s::kinds;
use crate::rules::{RuleEngine, RuleMeta, RuleScope};
use regorus::Value as RegoValue;
use serde_json::Value;
use std::collections::BTreeSet;

/// Which objects the Rego evaluation must see, given the selected rules' scopes.
#[derive(Debug, Clone, Default)]
pub(crate) struct ObjectScope {
    /// A selected rule looks at every object.
    all: bool,
    /// The kinds named by the selected rules scoped to kinds.
    kinds: BTreeSet<String>,
}

impl ObjectScope {
    pub(crate) fn new(selected: &[RuleMeta]) -> ObjectScope {
        let mut scope = ObjectScope::default();
        for rule in selected.iter().filter(|rule| rule.engine == RuleEngine::Rego) {
            match rule.scope {
                RuleScope::AllObjects => scope.all = true,
                RuleScope::Kinds => scope.kinds.extend(rule.kinds.iter().cloned()),
                RuleScope::PodSpec => {}
            }
        }
        scope
    }

    /// Whether some selected rule may report `object`. Objects with a pod spec are always
    /// evaluated (most rules judge them).
    pub(crate) fn includes(&self, object: &Value) -> bool {
        self.all
            || kinds::carries_pod_spec(object)
            || object.get("kind").and_then(Value::as_str).is_some_and(|kind| self.kinds.contains(kind))
    }
}

/// The rules that name required fields or judge only some objects, and what to look for.
///
/// The walk visits every key of every object, so a key is matched without hashing: names are
/// bucketed by length (most keys have no name of their length to compare with), and the few
/// prefixes are compared by `starts_with`.
#[derive(Debug, Clone, Default)]
pub(crate) struct RuleFilter {
    /// Every selected rule that names fields: its ID (as the set member handed to the program)
    /// and the indexes of its names in `names`.
    rules: Vec<(RegoValue, Vec<usize>)>,
    /// Every selected rule that judges only objects with a pod spec or of some kinds: its ID and
    /// its metadata ([`RuleMeta::applies_to`] decides).
    scoped: Vec<(RegoValue, RuleMeta)>,
    /// Every distinct required name or prefix (a name ending in `/`).
    names: Vec<String>,
    /// `by_length[n]`: indexes of the exact names that are `n` bytes long.
    by_length: Vec<Vec<usize>>,
    /// Indexes of the prefixes.
    prefixes: Vec<usize>,
}

impl RuleFilter {
    pub(crate) fn new(selected: &[RuleMeta]) -> RuleFilter {
        let mut filter = RuleFilter::default();
        for rule in selected.iter().filter(|rule| rule.engine == RuleEngine::Rego) {
            let id = RegoValue::from(rule.id.as_str());
            if !rule.requires_fields.is_empty() {
                let indexes = rule.requires_fields.iter().map(|name| filter.intern(name)).collect();
                filter.rules.push((id.clone(), indexes));
            }
            if rule.scope != RuleScope::AllObjects {
                filter.scoped.push((id, rule.clone()));
            }
        }
        filter
    }

    /// Whether the aggregate rule must ask about `rule` (it names fields or has a scope).
    pub(crate) fn may_skip(rule: &RuleMeta) -> bool {
        !rule.requires_fields.is_empty() || rule.scope != RuleScope::AllObjects
    }

    fn intern(&mut self, name: &str) -> usize {
        if let Some(index) = self.names.iter().position(|known| known == name) {
            return index;
        }
        let index = self.names.len();
        self.names.push(name.to_string());
        if name.ends_with('/') {
            self.prefixes.push(index);
        } else {
            if self.by_length.len() <= name.len() {
                self.by_length.resize(name.len() + 1, Vec::new());
            }
            if let Some(same_length) = self.by_length.get_mut(name.len()) {
                same_length.push(index);
            }
        }
        index
    }

    /// Whether any selected rule names fields or has a scope (otherwise there is nothing to
    /// decide).
    pub(crate) fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.scoped.is_empty()
    }

    /// IDs of the rules that cannot report `object`, as a set for `data.plimsoll.facts`.
    pub(crate) fn skipped_rules(&self, object: &RegoValue) -> RegoValue {
        let (kind, carries_pod_spec) = kind_and_pod_spec(object);
        let mut skipped: BTreeSet<RegoValue> = self
            .scoped
            .iter()
            .filter(|(_, rule)| !rule.applies_to(kind, carries_pod_spec))
            .map(|(id, _)| id.clone())
            .collect();
        let mut found = vec![false; self.names.len()];
        if self.rules.is_empty() || !self.collect(object, &mut found, 0) {
            return RegoValue::from(skipped);
        }
        let without_fields = self
            .rules
            .iter()
            // An index without a slot cannot happen; it would count as found, skipping nothing.
            .filter(|(_, names)| !names.iter().any(|&name| found.get(name).copied().unwrap_or(true)))
            .map(|(id, _)| id.clone());
        skipped.extend(without_fields);
        RegoValue::from(skipped)
    }

    /// Records which required names (or prefixes) appear as keys anywhere in `value`; false when
    /// the value is too deep to walk completely (then no rule may be skipped).
    fn collect(&self, value: &RegoValue, found: &mut [bool], depth: usize) -> bool {
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

    fn note_key(&self, key: &str, found: &mut [bool]) {
        let mut note = |index: usize, matches: fn(&str, &str) -> bool| {
            if let (Some(name), Some(slot)) = (self.names.get(index), found.get_mut(index)) {
                *slot |= matches(key, name);
            }
        };
        for &index in self.by_length.get(key.len()).into_iter().flatten() {
            note(index, |key, name| key == name);
        }
        for &index in &self.prefixes {
            note(index, |key, prefix| key.starts_with(prefix));
        }
    }
}

/// The object's kind (`""` when it has none) and whether it has a pod spec, as
/// [`kinds::carries_pod_spec`] decides it.
pub(crate) fn kind_and_pod_spec(object: &RegoValue) -> (&str, bool) {
    let text = |key: &str| object[key].as_string().map(|s| s.as_ref()).unwrap_or("");
    let kind = text("kind");
    let carries_pod_spec = kinds::pod_spec_path(text("apiVersion"), kind).is_some_and(|path| {
        let mut node = object;
        for key in path {
            node = &node[*key];
        }
        matches!(node, RegoValue::Object(_))
    });
    (kind, carries_pod_spec)
}

/// Deeper than any Kubernetes object; the bound keeps the walk's stack finite, and an object
/// deeper than this skips no rule.
const MAX_DEPTH: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::builtin_rules;
    use serde_json::json;

    fn scope_of(ids: &[&str]) -> ObjectScope {
        let rules = builtin_rules().unwrap_or_default();
        ObjectScope::new(&rules.into_iter().filter(|r| ids.contains(&r.id.as_str())).collect::<Vec<_>>())
    }

    #[test]
    fn objects_are_evaluated_only_for_rules_that_look_at_them() {
        let pdb = json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "spec": {}});
        let service = json!({"apiVersion": "v1", "kind": "Service", "spec": {}});
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "spec": {"containers": []}});
        let pod_rules = scope_of(&["images/latest-tag"]);
        assert!(pod_rules.includes(&pod) && !pod_rules.includes(&pdb) && !pod_rules.includes(&service));
        let with_pdb = scope_of(&["images/latest-tag", "availability/pdb-no-budget"]);
        assert!(with_pdb.includes(&pod) && with_pdb.includes(&pdb) && !with_pdb.includes(&service));
        let everything = scope_of(&["metadata/default-namespace"]);
        assert!(everything.includes(&service) && everything.includes(&pdb));
    }
}
