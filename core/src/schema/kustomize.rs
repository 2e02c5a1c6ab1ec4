//! Kustomization files: not Kubernetes objects, but linted for fields kustomize has deprecated
//! (`kustomize/deprecated-field`).
//!
//! A kustomization is a document of kind `Kustomization` (or `Component`) in the
//! `kustomize.config.k8s.io` group, or any document of a file named `kustomization.yaml`,
//! `kustomization.yml` or `Kustomization`, which kustomize reads without `apiVersion` and `kind`.
//! Kustomize 5 still reads the deprecated fields but warns, and `kustomize edit fix` rewrites them;
//! the replacements are those of the kustomize 5.0.0 release notes and `kustomize edit fix`.

use super::SchemaFinding;
use crate::load::position::Path;
use serde_json::Value;

/// Rule ID.
pub const DEPRECATED_FIELD: &str = "kustomize/deprecated-field";

/// Deprecated top-level field → what to write instead.
const DEPRECATED_FIELDS: &[(&str, &str)] = &[
    ("bases", "list the bases under `resources`"),
    ("patchesStrategicMerge", "use `patches` (each entry a `path:` or inline `patch:`)"),
    ("patchesJson6902", "use `patches` (each entry with a `target:` and a `path:` or `patch:`)"),
    ("commonLabels", "use `labels` (with `includeSelectors: true` to keep changing selectors as commonLabels did)"),
    ("vars", "use `replacements`"),
];

/// Whether an object is a kustomization (by group and kind).
pub fn is_kustomization_object(api_version: &str, kind: &str) -> bool {
    api_version.starts_with("kustomize.config.k8s.io/") && matches!(kind, "Kustomization" | "Component")
}

/// Whether a file is a kustomization by its name (the last path component).
pub fn is_kustomization_file(name: &str) -> bool {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    matches!(base, "kustomization.yaml" | "kustomization.yml" | "Kustomization")
}

/// A finding for every deprecated field the kustomization sets.
pub fn check(kustomization: &Value) -> Vec<SchemaFinding> {
    let Some(fields) = kustomization.as_object() else { return Vec::new() };
    DEPRECATED_FIELDS
        .iter()
        .filter(|(field, _)| fields.contains_key(*field))
        .map(|(field, instead)| SchemaFinding {
            rule: DEPRECATED_FIELD,
            message: format!("`{field}` is deprecated in kustomizations; {instead}"),
            path: Path::new(vec![crate::load::position::PathSegment::Key((*field).to_string())]),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_each_deprecated_field() {
        let kustomization =
            json!({"resources": ["a.yaml"], "bases": ["../base"], "commonLabels": {"a": "b"}, "vars": []});
        let fields: Vec<String> = check(&kustomization).iter().map(|f| f.path.to_string()).collect();
        assert_eq!(fields, ["bases", "commonLabels", "vars"]);
        assert!(check(&json!({"resources": [], "labels": []})).is_empty());
    }

    #[test]
    fn recognises_kustomizations() {
        assert!(is_kustomization_file("overlays/prod/kustomization.yaml"));
        assert!(is_kustomization_file("Kustomization"));
        assert!(!is_kustomization_file("kustomization.yaml.bak"));
        assert!(is_kustomization_object("kustomize.config.k8s.io/v1beta1", "Kustomization"));
        assert!(!is_kustomization_object("apps/v1", "Kustomization"));
    }
}
