//! Skipping rules that cannot report an object, decided from its kind and the field names it
//! writes.
//!
//! A rule may name the kinds it judges (`custom.kinds`, see [`crate::rules::RuleMeta::kinds`]),
//! or judge only objects with a pod spec (`scope: pod-spec`). [`ObjectFilter`] answers, before
//! anything is converted for Rego, whether any selected rule judges an object at all: a Service
//! is not evaluated when every rule judges pod specs, Roles or ConfigMaps. For an object that is
//! evaluated, [`FieldFilter::skipped_rules`] lists the rules that do not judge its kind.
//!
//! Most rules look for something that few manifests write (`hostPort`, `sysctls`,
//! `seLinuxOptions`, …), yet evaluating one costs about as much when there is nothing to find:
//! the program still walks every container. A rule may promise, in its metadata, field names of
//! which an object must write at least one for the rule to report it
//! (`custom.requires_fields`, see [`crate::rules::RuleMeta::requires_fields`]). Before
//! evaluation, [`FieldFilter::skipped_rules`] walks the object's mapping keys once and lists the
//! rules whose every named field is absent; the generated aggregate rule does not evaluate those
//! (`crate::engine::evaluate`). The promise is the rule author's; the test suite checks it by linting
//! every fixture (which includes failing cases for every rule) with and without the filter.

use crate::k8s::kinds;
use crate::rules::{GroupKind, RuleEngine, RuleMeta, RuleScope};
use regorus::Value as RegoValue;
use serde_json::Value;
use std::collections::BTreeSet;

/// Which objects any selected Rego rule judges, from the rules' scope and kinds.
#[derive(Debug, Clone, Default)]
pub(crate) struct ObjectFilter {
    /// Some rule judges every object.
    every_object: bool,
    /// Some rule judges every object with a pod spec.
    pod_specs: bool,
    /// The kinds that kind-limited rules judge.
    kinds: Vec<GroupKind>,
}

impl ObjectFilter {
    pub(crate) fn new(selected: &[RuleMeta]) -> ObjectFilter {
        let mut filter = ObjectFilter::default();
        for rule in selected.iter().filter(|rule| rule.engine == RuleEngine::Rego) {
            match (rule.kinds.is_empty(), rule.scope) {
                (true, RuleScope::AllObjects) => filter.every_object = true,
                (true, RuleScope::PodSpec) => filter.pod_specs = true,
                // A kind-limited pod-spec rule judges a subset of its kinds: the kinds suffice.
                (false, _) => filter.kinds.extend(rule.kinds.iter().filter_map(|k| GroupKind::parse(k))),
            }
        }
        filter
    }

    /// Whether some selected rule may report `object`.
    pub(crate) fn admits(&self, object: &Value) -> bool {
        if self.every_object {
            return true;
        }
        let text = |key: &str| object.get(key).and_then(Value::as_str).unwrap_or("");
        (self.pod_specs && kinds::carries_pod_spec(object))
            || self.kinds.iter().any(|kind| kind.matches(text("apiVersion"), text("kind")))
    }
}

/// The rules that name required fields, and the names to look for.
///
/// The walk visits every key of every object, so a key is matched without hashing: names are
/// bucketed by length (most keys have no name of their length to compare with), and the few
/// prefixes are compared by `starts_with`.
#[derive(Debug, Clone, Default)]
pub(crate) struct FieldFilter {
    /// Every selected rule that names fields or kinds: its ID (as the set member handed to the
    /// program), the indexes of its names in `names` and its kinds.
    rules: Vec<(RegoValue, Vec<usize>, Vec<GroupKind>)>,
    /// Every distinct required name or prefix (a name ending in `/`).
    names: Vec<String>,
    /// `by_length[n]`: indexes of the exact names that are `n` bytes long.
    by_length: Vec<Vec<usize>>,
    /// Indexes of the prefixes.
    prefixes: Vec<usize>,
}

impl FieldFilter {
    pub(crate) fn new(selected: &[RuleMeta]) -> FieldFilter {
        let mut filter = FieldFilter::default();
        for rule in selected.iter().filter(|rule| !rule.requires_fields.is_empty() || !rule.kinds.is_empty()) {
            let indexes = rule.requires_fields.iter().map(|name| filter.intern(name)).collect();
            let kinds = rule.kinds.iter().filter_map(|kind| GroupKind::parse(kind)).collect();
            filter.rules.push((RegoValue::from(rule.id.as_str()), indexes, kinds));
        }
        filter
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

    /// Whether any selected rule names fields or kinds (otherwise there is nothing to decide).
    pub(crate) fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// IDs of the rules that cannot report `object`, as a set for `data.plimsoll.facts`.
    pub(crate) fn skipped_rules(&self, object: &RegoValue) -> RegoValue {
        let mut found = vec![false; self.names.len()];
        if !self.names.is_empty() && !self.collect(object, &mut found, 0) {
            // Too deep to walk completely: every name may be there.
            found.fill(true);
        }
        let text = |key: &str| object[key].as_string().map(|text| &**text).unwrap_or("");
        let (api_version, kind) = (text("apiVersion"), text("kind"));
        let skipped: BTreeSet<RegoValue> = self
            .rules
            .iter()
            .filter(|(_, names, kinds)| {
                // An index without a slot cannot happen; it would count as found, skipping nothing.
                let lacks_fields =
                    !names.is_empty() && !names.iter().any(|&name| found.get(name).copied().unwrap_or(true));
                let other_kind = !kinds.is_empty() && !kinds.iter().any(|k| k.matches(api_version, kind));
                lacks_fields || other_kind
            })
            .map(|(id, _, _)| id.clone())
            .collect();
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

/// Deeper than any Kubernetes object; the bound keeps the walk's stack finite, and an object
/// deeper than this skips no rule.
const MAX_DEPTH: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::builtin_rules;
    use serde_json::json;

    fn object(api_version: &str, kind: &str) -> Value {
        json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}, "spec": {"template": {"spec": {}}}})
    }

    /// An object is evaluated when some selected rule judges its kind or its pod spec.
    #[test]
    fn objects_no_selected_rule_judges_are_not_evaluated() {
        let catalog = builtin_rules().unwrap_or_default();
        let selected = |ids: &[&str]| -> Vec<RuleMeta> {
            catalog.iter().filter(|r| ids.contains(&r.id.as_str())).cloned().collect()
        };
        let pods_and_roles = ObjectFilter::new(&selected(&["images/latest-tag", "rbac/wildcard"]));
        assert!(pods_and_roles.admits(&object("apps/v1", "Deployment")));
        assert!(pods_and_roles.admits(&object("rbac.authorization.k8s.io/v1", "ClusterRole")));
        assert!(!pods_and_roles.admits(&object("example.com/v1", "ClusterRole")));
        assert!(!pods_and_roles.admits(&object("v1", "Service")));
        assert!(!pods_and_roles.admits(&object("v1", "ConfigMap")));
        let config_maps = ObjectFilter::new(&selected(&["secrets/configmap-content"]));
        assert!(config_maps.admits(&object("v1", "ConfigMap")));
        assert!(!config_maps.admits(&object("apps/v1", "Deployment")));
        // A user policy (or any rule without scope and kinds) judges every object.
        let mut everything = selected(&["images/latest-tag"]);
        everything.extend(selected(&["networking/node-port"]).into_iter().map(|r| RuleMeta { kinds: Vec::new(), ..r }));
        assert!(ObjectFilter::new(&everything).admits(&object("v1", "Secret")));
    }

    /// Kind-limited rules are listed as skipped for other kinds only.
    #[test]
    fn rules_are_skipped_for_kinds_they_do_not_judge() {
        let catalog = builtin_rules().unwrap_or_default();
        let filter = FieldFilter::new(&catalog);
        let skipped = |value: Value| filter.skipped_rules(&crate::engine::convert::to_rego(&value));
        let role = skipped(object("rbac.authorization.k8s.io/v1", "Role"));
        let config_map = skipped(object("v1", "ConfigMap"));
        let is_skipped = |set: &RegoValue, id: &str| set.as_set().is_ok_and(|s| s.contains(&RegoValue::from(id)));
        assert!(!is_skipped(&role, "rbac/wildcard") && is_skipped(&role, "secrets/configmap-content"));
        assert!(is_skipped(&config_map, "rbac/wildcard") && !is_skipped(&config_map, "secrets/configmap-content"));
    }
}
