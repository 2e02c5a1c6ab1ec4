//! What a template sees: `input.review` and `data.inventory`.
//!
//! [`Review::of_object`] shapes a manifest as Gatekeeper shapes an object under review: an
//! admission request with `kind` (group, version, kind), `object`, `name` and `namespace`, and no
//! `operation`. [`Review::of_document`] also accepts an `admission.k8s.io` AdmissionReview, whose
//! `request` is the review as written (for `DELETE`, the old object stands in as `object`).
//!
//! [`Inventory`] holds every object of a run (or of a test case) as Gatekeeper's replicated data:
//! `cluster[apiVersion][kind][name]` for objects without a namespace,
//! `namespace[ns][apiVersion][kind][name]` for the others.

use crate::engine::convert::to_rego;
use regorus::Value as RegoValue;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// An object under review, in the engine's form, and the object the match applies to.
#[derive(Debug, Clone)]
pub struct Review {
    /// `input.review`.
    pub value: RegoValue,
    /// The object `spec.match` looks at.
    pub object: Value,
}

impl Review {
    /// The review of a manifest.
    pub fn of_object(object: &Value) -> Review {
        let api_version = object.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        let kind = object.get("kind").cloned().unwrap_or(Value::Null);
        let mut review = Map::new();
        review.insert("kind".into(), json!({"group": group, "version": version, "kind": kind}));
        for field in ["name", "namespace"] {
            if let Some(value) = object.pointer(&format!("/metadata/{field}")).filter(|v| v.as_str() != Some("")) {
                review.insert(field.into(), value.clone());
            }
        }
        review.insert("object".into(), object.clone());
        Review { value: to_rego(&Value::Object(review)), object: object.clone() }
    }

    /// The review of a document that may be an AdmissionReview (`admission.k8s.io`) rather than
    /// an object. `None` for an AdmissionReview without a request.
    pub fn of_document(document: &Value) -> Option<Review> {
        let is_admission_review = document.get("kind").and_then(Value::as_str) == Some("AdmissionReview")
            && super::group_of(document) == "admission.k8s.io";
        if !is_admission_review {
            return Some(Review::of_object(document));
        }
        let mut request = document.get("request")?.as_object()?.clone();
        if request.get("operation").and_then(Value::as_str) == Some("DELETE") {
            if let Some(old) = request.get("oldObject").cloned() {
                request.insert("object".into(), old);
            }
        }
        let object = request.get("object").cloned().unwrap_or(Value::Null);
        Some(Review { value: to_rego(&Value::Object(request)), object })
    }
}

/// Objects by apiVersion, kind and name.
type ByKind = BTreeMap<String, BTreeMap<String, BTreeMap<String, Value>>>;

/// Objects replicated into `data.inventory`.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    cluster: ByKind,
    namespace: BTreeMap<String, ByKind>,
    /// Labels of Namespace objects, by name.
    namespace_labels: BTreeMap<String, super::matching::Labels>,
}

impl Inventory {
    /// The inventory of these objects; values without apiVersion, kind and name are left out.
    pub fn from_objects<'a>(objects: impl IntoIterator<Item = &'a Value>) -> Inventory {
        let mut inventory = Inventory::default();
        for object in objects {
            inventory.add(object);
        }
        inventory
    }

    /// Adds one object; a later object with the same key replaces an earlier one.
    pub fn add(&mut self, object: &Value) {
        let text = |pointer: &str| object.pointer(pointer).and_then(Value::as_str).filter(|s| !s.is_empty());
        let (Some(api_version), Some(kind), Some(name)) = (text("/apiVersion"), text("/kind"), text("/metadata/name"))
        else {
            return;
        };
        let root = match text("/metadata/namespace") {
            Some(namespace) => self.namespace.entry(namespace.to_string()).or_default(),
            None => &mut self.cluster,
        };
        let names = root.entry(api_version.to_string()).or_default().entry(kind.to_string()).or_default();
        names.insert(name.to_string(), object.clone());
        if kind == "Namespace" && api_version == "v1" {
            self.namespace_labels.insert(name.to_string(), super::matching::labels_of(object));
        }
    }

    /// `{"inventory": {"cluster": …, "namespace": …}}`, to add to a template's data.
    pub(crate) fn to_data(&self) -> RegoValue {
        let inventory = json!({"cluster": self.cluster, "namespace": self.namespace});
        to_rego(&json!({"inventory": inventory}))
    }

    pub(crate) fn namespace_labels(&self) -> BTreeMap<String, super::matching::Labels> {
        self.namespace_labels.clone()
    }
}
