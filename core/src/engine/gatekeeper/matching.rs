//! A Constraint's `spec.match`: which objects it applies to.
//!
//! Every criterion that is set must hold (Gatekeeper's semantics):
//! - `kinds`: some entry lists the object's API group (or `*`, or none) and kind (or `*`, or none);
//! - `namespaces` / `excludedNamespaces`: the object's namespace — a Namespace's own name — is
//!   (not) one of them; entries may be `prefix*` or `*suffix` globs. An object without
//!   `metadata.namespace` is taken as cluster-scoped, as gator does, and these never exclude it;
//! - `labelSelector`: the object's labels; `namespaceSelector`: the labels of its Namespace (a
//!   Namespace's own labels; always true for cluster-scoped objects). A Namespace that is not
//!   among the run's objects counts as having no labels;
//! - `scope`: `*`, `Cluster` or `Namespaced`; `name`: the object's name (globs as above).

use serde_json::Value;
use std::collections::BTreeMap;

/// A parsed `spec.match`. The default matches everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Match {
    kinds: Option<Vec<KindEntry>>,
    namespaces: Option<Vec<String>>,
    excluded_namespaces: Vec<String>,
    label_selector: Option<LabelSelector>,
    namespace_selector: Option<LabelSelector>,
    scope: Scope,
    name: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
struct KindEntry {
    api_groups: Vec<String>,
    kinds: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
enum Scope {
    #[default]
    All,
    Cluster,
    Namespaced,
}

/// A Kubernetes label selector: `matchLabels` and `matchExpressions`, all of which must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSelector {
    match_labels: BTreeMap<String, String>,
    expressions: Vec<Expression>,
}

#[derive(Debug, Clone, PartialEq)]
struct Expression {
    key: String,
    operator: Operator,
    values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

/// Labels of an object or namespace.
pub type Labels = BTreeMap<String, String>;

impl Match {
    /// Reads `spec.match`; the message says which field is malformed.
    pub fn from_value(value: &Value) -> Result<Match, String> {
        let Value::Object(map) = value else { return Err("is not a mapping".into()) };
        let kinds = match map.get("kinds") {
            None | Some(Value::Null) => None,
            Some(Value::Array(entries)) => Some(entries.iter().map(kind_entry).collect::<Result<_, _>>()?),
            Some(_) => return Err("kinds is not a list".into()),
        };
        let scope = match map.get("scope").and_then(Value::as_str) {
            None | Some("*") => Scope::All,
            Some("Cluster") => Scope::Cluster,
            Some("Namespaced") => Scope::Namespaced,
            Some(other) => return Err(format!("scope {other:?} is not *, Cluster or Namespaced")),
        };
        let name = match map.get("name") {
            None | Some(Value::Null) => None,
            Some(Value::String(name)) => Some(name.clone()),
            Some(_) => return Err("name is not a string".into()),
        };
        Ok(Match {
            kinds,
            namespaces: optional_strings(map.get("namespaces"), "namespaces")?,
            excluded_namespaces: optional_strings(map.get("excludedNamespaces"), "excludedNamespaces")?
                .unwrap_or_default(),
            label_selector: selector(map.get("labelSelector"), "labelSelector")?,
            namespace_selector: selector(map.get("namespaceSelector"), "namespaceSelector")?,
            scope,
            name,
        })
    }

    /// Whether the constraint applies to `object`; `namespace_labels` gives the labels of a
    /// Namespace of the run by name.
    pub fn matches<'a>(&self, object: &Value, namespace_labels: &dyn Fn(&str) -> Option<&'a Labels>) -> bool {
        let kind = object.get("kind").and_then(Value::as_str).unwrap_or_default();
        let group = super::group_of(object);
        let name = object.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default();
        let namespace = object.pointer("/metadata/namespace").and_then(Value::as_str).filter(|ns| !ns.is_empty());
        let is_namespace = kind == "Namespace" && group.is_empty();
        // The namespace the namespace criteria look at: a Namespace's own name.
        let criteria_namespace = if is_namespace { Some(name) } else { namespace };
        self.kinds_match(group, kind)
            && self.scope_matches(namespace.is_some())
            && self.name.as_deref().is_none_or(|pattern| glob_match(pattern, name))
            && criteria_namespace.is_none_or(|ns| self.namespace_matches(ns))
            && self.label_selector.as_ref().is_none_or(|s| s.matches(&labels_of(object)))
            && self.namespace_selector.as_ref().is_none_or(|s| {
                if is_namespace {
                    return s.matches(&labels_of(object));
                }
                match namespace {
                    None => true,
                    Some(ns) => s.matches(namespace_labels(ns).unwrap_or(&Labels::new())),
                }
            })
    }

    fn kinds_match(&self, group: &str, kind: &str) -> bool {
        let Some(entries) = &self.kinds else { return true };
        let listed =
            |values: &[String], value: &str| values.is_empty() || values.iter().any(|v| v == "*" || v == value);
        entries.iter().any(|e| listed(&e.api_groups, group) && listed(&e.kinds, kind))
    }

    fn scope_matches(&self, namespaced: bool) -> bool {
        match self.scope {
            Scope::All => true,
            Scope::Cluster => !namespaced,
            Scope::Namespaced => namespaced,
        }
    }

    fn namespace_matches(&self, namespace: &str) -> bool {
        let included = self.namespaces.as_ref().is_none_or(|list| list.iter().any(|p| glob_match(p, namespace)));
        included && !self.excluded_namespaces.iter().any(|p| glob_match(p, namespace))
    }
}

impl LabelSelector {
    fn from_value(value: &Value, field: &str) -> Result<LabelSelector, String> {
        let Value::Object(map) = value else { return Err(format!("{field} is not a mapping")) };
        let mut selector = LabelSelector::default();
        match map.get("matchLabels") {
            None | Some(Value::Null) => {}
            Some(Value::Object(labels)) => {
                for (key, value) in labels {
                    let value = value.as_str().ok_or_else(|| format!("{field}.matchLabels.{key} is not a string"))?;
                    selector.match_labels.insert(key.clone(), value.to_string());
                }
            }
            Some(_) => return Err(format!("{field}.matchLabels is not a mapping")),
        }
        let expressions = match map.get("matchExpressions") {
            None | Some(Value::Null) => &Vec::new(),
            Some(Value::Array(items)) => items,
            Some(_) => return Err(format!("{field}.matchExpressions is not a list")),
        };
        for (i, item) in expressions.iter().enumerate() {
            let at = format!("{field}.matchExpressions[{i}]");
            let key = item.get("key").and_then(Value::as_str).ok_or_else(|| format!("{at}.key is missing"))?;
            let operator = match item.get("operator").and_then(Value::as_str) {
                Some("In") => Operator::In,
                Some("NotIn") => Operator::NotIn,
                Some("Exists") => Operator::Exists,
                Some("DoesNotExist") => Operator::DoesNotExist,
                other => return Err(format!("{at}.operator {other:?} is not In, NotIn, Exists or DoesNotExist")),
            };
            let values = optional_strings(item.get("values"), &format!("{at}.values"))?.unwrap_or_default();
            if matches!(operator, Operator::In | Operator::NotIn) && values.is_empty() {
                return Err(format!("{at}.values must not be empty for {operator:?}"));
            }
            selector.expressions.push(Expression { key: key.to_string(), operator, values });
        }
        Ok(selector)
    }

    /// Whether every requirement holds for `labels`.
    pub fn matches(&self, labels: &Labels) -> bool {
        self.match_labels.iter().all(|(k, v)| labels.get(k) == Some(v))
            && self.expressions.iter().all(|e| {
                let value = labels.get(&e.key);
                match e.operator {
                    Operator::In => value.is_some_and(|v| e.values.contains(v)),
                    Operator::NotIn => value.is_none_or(|v| !e.values.contains(v)),
                    Operator::Exists => value.is_some(),
                    Operator::DoesNotExist => value.is_none(),
                }
            })
    }
}

/// `metadata.labels` as strings.
pub fn labels_of(object: &Value) -> Labels {
    let labels = object.pointer("/metadata/labels").and_then(Value::as_object);
    labels.into_iter().flatten().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect()
}

/// Gatekeeper's wildcards: `prefix*`, `*suffix`, or an exact name.
fn glob_match(pattern: &str, text: &str) -> bool {
    if let Some(prefix) = pattern.strip_suffix('*') {
        text.starts_with(prefix)
    } else if let Some(suffix) = pattern.strip_prefix('*') {
        text.ends_with(suffix)
    } else {
        pattern == text
    }
}

fn kind_entry(value: &Value) -> Result<KindEntry, String> {
    Ok(KindEntry {
        api_groups: optional_strings(value.get("apiGroups"), "kinds[].apiGroups")?.unwrap_or_default(),
        kinds: optional_strings(value.get("kinds"), "kinds[].kinds")?.unwrap_or_default(),
    })
}

fn selector(value: Option<&Value>, field: &str) -> Result<Option<LabelSelector>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(value) => LabelSelector::from_value(value, field).map(Some),
    }
}

fn optional_strings(value: Option<&Value>, field: &str) -> Result<Option<Vec<String>>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_string).ok_or_else(|| format!("{field} holds a non-string")))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(format!("{field} is not a list")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn matches(spec: Value, object: Value) -> bool {
        let prod: Labels = [("env".to_string(), "prod".to_string())].into();
        let lookup = |ns: &str| if ns == "shop" { Some(&prod) } else { None };
        Match::from_value(&spec).unwrap().matches(&object, &lookup)
    }

    fn pod(namespace: Option<&str>, labels: Value) -> Value {
        let mut metadata = json!({"name": "web-1", "labels": labels});
        if let Some(ns) = namespace {
            metadata["namespace"] = json!(ns);
        }
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": metadata})
    }

    #[test]
    fn kinds_need_group_and_kind() {
        let spec = json!({"kinds": [{"apiGroups": ["apps"], "kinds": ["Deployment"]}]});
        assert!(!matches(spec.clone(), pod(None, json!({}))));
        assert!(matches(json!({"kinds": [{"apiGroups": [""], "kinds": ["Pod"]}]}), pod(None, json!({}))));
        assert!(matches(json!({"kinds": [{"apiGroups": ["*"], "kinds": []}]}), pod(None, json!({}))));
    }

    #[test]
    fn namespace_globs_and_cluster_scoped_objects() {
        let spec = json!({"namespaces": ["kube-*"], "excludedNamespaces": ["*-system"]});
        assert!(matches(spec.clone(), pod(Some("kube-public"), json!({}))));
        assert!(!matches(spec.clone(), pod(Some("kube-system"), json!({}))));
        assert!(!matches(spec.clone(), pod(Some("shop"), json!({}))));
        // No namespace: taken as cluster-scoped, never excluded by namespace lists.
        assert!(matches(spec, pod(None, json!({}))));
    }

    #[test]
    fn selectors_scope_and_name() {
        let selector =
            json!({"labelSelector": {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["web"]}]}});
        assert!(matches(selector.clone(), pod(None, json!({"tier": "web"}))));
        assert!(!matches(selector, pod(None, json!({"tier": "db"}))));
        let ns = json!({"namespaceSelector": {"matchLabels": {"env": "prod"}}});
        assert!(matches(ns.clone(), pod(Some("shop"), json!({}))));
        assert!(!matches(ns.clone(), pod(Some("other"), json!({}))));
        assert!(matches(ns, pod(None, json!({}))));
        assert!(!matches(json!({"scope": "Namespaced"}), pod(None, json!({}))));
        assert!(matches(json!({"scope": "Cluster"}), pod(None, json!({}))));
        assert!(matches(json!({"name": "web-*"}), pod(None, json!({}))));
        assert!(!matches(json!({"name": "*-2"}), pod(None, json!({}))));
    }

    #[test]
    fn malformed_selectors_are_rejected() {
        let spec = json!({"labelSelector": {"matchExpressions": [{"key": "a", "operator": "Near"}]}});
        assert!(Match::from_value(&spec).unwrap_err().contains("operator"));
    }
}
