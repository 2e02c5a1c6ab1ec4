//! Which objects carry a pod spec, and where (docs/pod-security.md, "Which objects are checked").
//!
//! The one table here serves both sides: the linter hands it to Rego as
//! `data.plimsoll.kinds.pod_spec_paths` (group → kind → path), which the rule library reads, and
//! uses it in Rust to skip evaluating objects that no enabled rule can apply to.

use serde_json::Value;

/// (API group, kind, path of the pod spec). `""` is the core group.
const POD_SPEC_PATHS: &[(&str, &str, &[&str])] = &[
    ("", "Pod", &["spec"]),
    ("", "PodTemplate", &["template", "spec"]),
    ("", "ReplicationController", &["spec", "template", "spec"]),
    ("apps", "Deployment", &["spec", "template", "spec"]),
    ("apps", "StatefulSet", &["spec", "template", "spec"]),
    ("apps", "DaemonSet", &["spec", "template", "spec"]),
    ("apps", "ReplicaSet", &["spec", "template", "spec"]),
    // Served until 1.16; old manifests still use it.
    ("extensions", "Deployment", &["spec", "template", "spec"]),
    ("extensions", "DaemonSet", &["spec", "template", "spec"]),
    ("extensions", "ReplicaSet", &["spec", "template", "spec"]),
    ("batch", "Job", &["spec", "template", "spec"]),
    ("batch", "CronJob", &["spec", "jobTemplate", "spec", "template", "spec"]),
    // A Rollout with spec.workloadRef and no template has no pod spec of its own.
    ("argoproj.io", "Rollout", &["spec", "template", "spec"]),
];

/// The API group of an `apiVersion` (`apps/v1` → `apps`, `v1` → ``).
pub fn api_group(api_version: &str) -> &str {
    api_version.split_once('/').map_or("", |(group, _)| group)
}

/// Where objects of this group and kind keep their pod spec.
pub fn pod_spec_path(api_version: &str, kind: &str) -> Option<&'static [&'static str]> {
    let group = api_group(api_version);
    POD_SPEC_PATHS.iter().find(|(g, k, _)| *g == group && *k == kind).map(|(_, _, path)| *path)
}

/// The names of the kinds that carry a pod spec, each once (whatever its API group).
pub fn pod_bearing_kinds() -> impl Iterator<Item = &'static str> {
    POD_SPEC_PATHS
        .iter()
        .enumerate()
        .filter(|(i, (_, kind, _))| POD_SPEC_PATHS.iter().position(|(_, first, _)| first == kind) == Some(*i))
        .map(|(_, (_, kind, _))| *kind)
}

/// Whether `object` has a pod spec (an object at its kind's pod-spec path).
pub fn carries_pod_spec(object: &Value) -> bool {
    let text = |key: &str| object.get(key).and_then(Value::as_str).unwrap_or("");
    let Some(path) = pod_spec_path(text("apiVersion"), text("kind")) else { return false };
    path.iter().try_fold(object, |node, key| node.get(key)).is_some_and(Value::is_object)
}

/// The table as `{group: {kind: [path...]}}`, for `data.plimsoll.kinds.pod_spec_paths`.
pub fn pod_spec_paths_json() -> Value {
    let mut groups = serde_json::Map::new();
    for (group, kind, path) in POD_SPEC_PATHS {
        let kinds = groups.entry(*group).or_insert_with(|| Value::Object(serde_json::Map::new()));
        if let Value::Object(kinds) = kinds {
            kinds.insert((*kind).to_string(), Value::from(path.to_vec()));
        }
    }
    Value::Object(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pod_bearing_kinds_are_named_once() {
        let kinds: Vec<&str> = pod_bearing_kinds().collect();
        let expected = [
            "Pod",
            "PodTemplate",
            "ReplicationController",
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "ReplicaSet",
            "Job",
            "CronJob",
            "Rollout",
        ];
        assert_eq!(kinds, expected);
    }
    use serde_json::json;

    #[test]
    fn pod_bearing_kinds_are_recognised_by_group() {
        assert!(carries_pod_spec(
            &json!({"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"template": {"spec": {}}}})
        ));
        assert!(carries_pod_spec(
            &json!({"apiVersion": "batch/v1", "kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {}}}}}})
        ));
        assert!(!carries_pod_spec(
            &json!({"apiVersion": "example.com/v1", "kind": "Deployment", "spec": {"template": {"spec": {}}}})
        ));
        assert!(!carries_pod_spec(
            &json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "spec": {"workloadRef": {"name": "x"}}})
        ));
        assert!(!carries_pod_spec(&json!({"apiVersion": "v1", "kind": "Service", "spec": {}})));
    }
}
