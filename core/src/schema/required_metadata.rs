//! `metadata/required-labels` and `metadata/required-annotations`: labels or annotations an
//! organisation requires on its objects, as the rules' settings list them.
//!
//! The settings (`settings: {metadata/required-labels: {labels: [{key, value}], kinds: [...]}}`,
//! declared in `crate::rules::native` and checked against that declaration before a linter is
//! built) become a [`RequiredMetadata`] per rule when the linter is built: the value patterns are
//! compiled once there. Each object of the chosen kinds (by default the pod-bearing kinds and
//! Service; `*` for every kind) must carry every listed key, with a value the pattern matches when
//! one is given. The rules are in Rust rather than Rego because the built-in Rego program has no
//! regular expressions (the wasm package leaves them out).

use super::SchemaFinding;
use crate::k8s::kinds;
use crate::load::position::{Path, PathSegment};
use crate::rules::parameters::compile_regex;
use serde_json::Value;

pub const REQUIRED_LABELS: &str = "metadata/required-labels";
pub const REQUIRED_ANNOTATIONS: &str = "metadata/required-annotations";

/// One rule's requirements.
#[derive(Debug, Clone)]
pub struct RequiredMetadata {
    rule: &'static str,
    /// `labels` or `annotations`: the metadata field and the settings key.
    field: &'static str,
    entries: Vec<Required>,
    /// Kind names; `*` matches every kind.
    kinds: Vec<String>,
}

#[derive(Debug, Clone)]
struct Required {
    key: String,
    /// The pattern as written and compiled.
    value: Option<(String, regex::Regex)>,
}

impl RequiredMetadata {
    /// The requirements of `rule` (one of the two IDs) from its settings; `None` when the rule is
    /// another or its settings list nothing. Values that do not fit the declaration (which the
    /// configuration check reports) are passed over.
    pub fn from_settings(rule: &str, settings: Option<&Value>) -> Option<RequiredMetadata> {
        let (rule, field) = match rule {
            REQUIRED_LABELS => (REQUIRED_LABELS, "labels"),
            REQUIRED_ANNOTATIONS => (REQUIRED_ANNOTATIONS, "annotations"),
            _ => return None,
        };
        let settings = settings?;
        let entries: Vec<Required> = settings
            .get(field)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|entry| {
                let key = entry.get("key")?.as_str()?.to_string();
                let value = match entry.get("value").and_then(Value::as_str) {
                    Some(pattern) => Some((pattern.to_string(), compile_regex(pattern).ok()?)),
                    None => None,
                };
                Some(Required { key, value })
            })
            .collect();
        if entries.is_empty() {
            return None;
        }
        let kinds = match settings.get("kinds").and_then(Value::as_array) {
            Some(kinds) => kinds.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            // By default the kinds that carry a pod spec, and Service.
            None => kinds::pod_bearing_kinds().chain(["Service"]).map(str::to_string).collect(),
        };
        Some(RequiredMetadata { rule, field, entries, kinds })
    }

    /// The findings for one object.
    pub fn check(&self, object: &Value) -> Vec<SchemaFinding> {
        let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
        if !self.kinds.iter().any(|k| k == "*" || k == kind) {
            return Vec::new();
        }
        let noun = if self.field == "labels" { "label" } else { "annotation" };
        let written = object.get("metadata").and_then(|m| m.get(self.field)).and_then(Value::as_object);
        let field_path = || Path::new(vec![PathSegment::Key("metadata".into()), PathSegment::Key(self.field.into())]);
        let mut out = Vec::new();
        for required in &self.entries {
            let key = &required.key;
            let finding = |message: String, path: Path| SchemaFinding { rule: self.rule, message, path };
            match written.and_then(|map| map.get(key)) {
                None => {
                    let pattern = required.value.as_ref().map(|(p, _)| format!(" (with a value matching {p})"));
                    out.push(finding(
                        format!("{noun} {key:?} is missing{}", pattern.unwrap_or_default()),
                        field_path(),
                    ));
                }
                Some(value) => {
                    let Some((pattern, regex)) = &required.value else { continue };
                    let text = value.as_str().unwrap_or_default();
                    if !regex.is_match(text) {
                        let mut path = field_path();
                        path.push_key(key.clone());
                        out.push(finding(format!("{noun} {key:?} is {text:?}, which does not match {pattern}"), path));
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    #[test]
    fn missing_and_mismatched_keys_are_reported_on_the_chosen_kinds() {
        let settings =
            json!({"labels": [{"key": "team", "value": "^[a-z-]+$"}, {"key": "tier"}], "kinds": ["Deployment"]});
        let rule = RequiredMetadata::from_settings(REQUIRED_LABELS, Some(&settings)).unwrap();
        let deployment = json!({"kind": "Deployment", "metadata": {"name": "web", "labels": {"team": "Payments"}}});
        let found: Vec<String> =
            rule.check(&deployment).into_iter().map(|f| format!("{}: {}", f.path, f.message)).collect();
        assert_eq!(
            found,
            vec![
                "metadata.labels.team: label \"team\" is \"Payments\", which does not match ^[a-z-]+$",
                "metadata.labels: label \"tier\" is missing",
            ]
        );
        assert!(rule.check(&json!({"kind": "Service", "metadata": {"name": "web"}})).is_empty());
    }

    #[test]
    fn nothing_listed_is_nothing_to_check() {
        assert!(RequiredMetadata::from_settings(REQUIRED_ANNOTATIONS, Some(&json!({"annotations": []}))).is_none());
        assert!(RequiredMetadata::from_settings(REQUIRED_ANNOTATIONS, None).is_none());
        assert!(RequiredMetadata::from_settings("images/registry", Some(&json!({"labels": [{"key": "a"}]}))).is_none());
    }
}
