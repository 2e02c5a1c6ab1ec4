//! The run's inventory: a summary of every object linted together, for the built-in rules that
//! relate objects (an Ingress to its Service's ports, a Pod to its ConfigMap's keys, a Service to
//! the pods it selects).
//!
//! Flow: [`summarize`] reads one object into an [`Entry`]: its identity, where it was read, and
//! the few fields cross-object rules need (never the whole object, so memory stays a small summary
//! per object however large the run). [`Inventory::new`] numbers the entries of a run (`ref`, in
//! input order) and indexes them: by kind and name, pod templates by label, selectors by the labels
//! they require. Rules read it as `data.plimsoll.inventory` ([`Inventory::to_json`]), and for the
//! object being linted [`Inventory::relations`] answers the label-selector questions that would be
//! quadratic in Rego (which pod templates this Service selects; which PodDisruptionBudgets,
//! Services and NetworkPolicies select this workload's pods), with the semantics of
//! [`crate::k8s::selector`]. docs/cross-object-rules.md describes the Rego side.
//!
//! Namespaces: two objects are in the same namespace when their `metadata.namespace` values are
//! equal or either is unset (an unset namespace is chosen at apply time).

use crate::k8s::kinds;
use crate::k8s::selector::{self, read_set, Labels, Selector};
use crate::load::position::{Path, Span};
use crate::load::Document;
use regorus::Value as RegoValue;
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// Kinds with a scale subresource, which an HPA can target.
const SCALABLE: &[(&str, &str)] = &[
    ("apps", "Deployment"),
    ("apps", "StatefulSet"),
    ("apps", "ReplicaSet"),
    ("extensions", "Deployment"),
    ("extensions", "ReplicaSet"),
    ("", "ReplicationController"),
    ("argoproj.io", "Rollout"),
];

/// prometheus-operator resources from which the operator makes pods (through a StatefulSet that
/// is not among the files): their `spec.podMetadata.labels` are a pod template's labels.
const OPERATOR_POD_TEMPLATES: &[&str] = &["Prometheus", "Alertmanager", "ThanosRuler", "PrometheusAgent"];

/// Kinds whose selector picks pods, and where it is: `selected_by` lists them for a workload.
const POD_SELECTORS: &[(&str, &str)] =
    &[("Service", "spec.selector"), ("PodDisruptionBudget", "spec.selector"), ("NetworkPolicy", "spec.podSelector")];

/// What an object that selects or names others requires of their text ([`Entry::references`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct References {
    /// The kind of the objects it names; `None`: any kind.
    pub kind: Option<String>,
    /// Their text holds one of these words.
    pub words: Vec<String>,
}

/// One object of the run, summarised.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    /// The source the object was read from, and its document.
    pub file: Arc<str>,
    pub document: usize,
    /// Where some of its fields are written (path in the report's syntax → span): the name, and the
    /// fields the summary holds, so that a finding can point at them as a related location.
    places: Vec<(String, Span)>,
    /// Pod template labels, for objects that carry a pod spec.
    pod_labels: Option<Labels>,
    /// The selector that picks pods (Services, PodDisruptionBudgets, NetworkPolicies).
    pod_selector: Option<Selector>,
    /// A Service's own labels, which ServiceMonitors select.
    service_labels: Option<Labels>,
    /// What rules read, as `data.plimsoll.inventory` shows it (without `ref`).
    summary: Summary,
}

/// An entry's summary: as JSON when made, in the engine's value type once compacted
/// ([`Entry::compact`]): a run's first pass compacts each summary as soon as it is made, so that
/// the summaries of a long run are never all held as JSON, which takes about twice the memory.
#[derive(Debug, Clone)]
enum Summary {
    Json(Map<String, Value>),
    Engine(RegoValue),
}

impl Default for Summary {
    fn default() -> Self {
        Summary::Json(Map::new())
    }
}

impl Summary {
    /// The string at `field.key`, if the summary holds one.
    fn text_at(&self, field: &str, key: &str) -> Option<&str> {
        match self {
            Summary::Json(map) => map.get(field).and_then(|f| f.get(key)).and_then(Value::as_str),
            Summary::Engine(value) => match &value[field][key] {
                RegoValue::String(text) => Some(text),
                _ => None,
            },
        }
    }

    /// The summary with its `ref`, in the engine's value type.
    fn into_engine_with_ref(self, reference: usize, convert: &mut impl FnMut(&Value) -> RegoValue) -> RegoValue {
        match self {
            Summary::Json(map) => convert(&summary_with_ref(map, reference)),
            Summary::Engine(value) => {
                let mut fields: std::collections::BTreeMap<RegoValue, RegoValue> = match &value {
                    RegoValue::Object(object) => object.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                    _ => Default::default(),
                };
                drop(value);
                fields.insert(convert(&Value::from("ref")), convert(&Value::from(reference)));
                RegoValue::from(fields)
            }
        }
    }

    /// The summary as JSON, without `ref`.
    fn to_json(&self) -> Map<String, Value> {
        match self {
            Summary::Json(map) => map.clone(),
            Summary::Engine(value) => match serde_json::to_value(value) {
                Ok(Value::Object(map)) => map,
                _ => Map::new(),
            },
        }
    }
}

impl Entry {
    /// Where `path` of this object is written: the path itself or the closest enclosing path the
    /// summary recorded, else the object's name, else its document's start.
    pub fn place(&self, path: Option<&str>) -> Option<Span> {
        let recorded = |p: &str| self.places.iter().find(|(at, _)| at == p).map(|(_, span)| *span);
        let mut candidate = path.unwrap_or("metadata.name");
        loop {
            if let Some(span) = recorded(candidate) {
                return Some(span);
            }
            match candidate.rfind(['.', '[']) {
                Some(cut) if cut > 0 => candidate = &candidate[..cut],
                _ => return recorded("metadata.name").or_else(|| self.places.first().map(|(_, s)| *s)),
            }
        }
    }

    /// Whether the object sets `path`, one of the fields its summary records (see
    /// [`summarize`]); a field the summary does not record reads as unset.
    pub fn sets(&self, path: &str) -> bool {
        self.places.iter().any(|(at, _)| at == path)
    }

    /// What the text of every object this one selects or names must contain (see
    /// [`crate::k8s::selector::words_of`]): one of the words its pod selector requires, or the
    /// name its `scaleTargetRef` gives (and then the object is of the kind it gives). `None` when
    /// no word is certain (it may select anything); no words when it selects and names nothing.
    pub fn references(&self) -> Option<References> {
        if let Some(selector) = &self.pod_selector {
            return selector.required_words().map(|words| References { kind: None, words });
        }
        let field = |key: &str| self.summary.text_at("target", key);
        match (field("kind"), field("name")) {
            (Some(kind), Some(name)) if selector::is_word(name) => {
                Some(References { kind: Some(kind.to_string()), words: vec![name.to_string()] })
            }
            (Some(_), Some(_)) => None,
            _ => Some(References { kind: None, words: Vec::new() }),
        }
    }

    /// The kind and name an autoscaler's `scaleTargetRef` names: the inventory lists autoscalers
    /// under them too, so that a rule finds the autoscalers of a workload without reading every
    /// autoscaler of the run.
    fn scale_target(&self) -> Option<(&str, &str)> {
        let field = |key: &str| self.summary.text_at("target", key);
        field("kind").zip(field("name"))
    }

    /// Turns the summary into the engine's value type with `convert` (which may share short
    /// strings across summaries).
    pub(crate) fn compact(&mut self, convert: impl FnOnce(&Value) -> RegoValue) {
        if let Summary::Json(map) = &mut self.summary {
            let json = Value::Object(std::mem::take(map));
            self.summary = Summary::Engine(convert(&json));
        }
    }

    /// `Kind namespace/name` (or `Kind name`), as messages name it.
    pub fn describe(&self) -> String {
        match &self.namespace {
            Some(namespace) => format!("{} {namespace}/{}", self.kind, self.name),
            None => format!("{} {}", self.kind, self.name),
        }
    }
}

/// Reads the summary of one object (any Kubernetes object: every object has at least its
/// identity, so that a rule can tell whether an object of some kind and name is in the run).
pub fn summarize(document: &Document) -> Entry {
    let object = &document.value;
    let text = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_string);
    let metadata = object.get("metadata");
    let api_version = text(object.get("apiVersion")).unwrap_or_default();
    let kind = text(object.get("kind")).unwrap_or_default();
    let group = kinds::api_group(&api_version).to_string();
    let mut entry = Entry {
        namespace: text(metadata.and_then(|m| m.get("namespace"))),
        name: text(metadata.and_then(|m| m.get("name"))).unwrap_or_default(),
        file: document.file.clone(),
        document: document.index,
        places: Vec::new(),
        pod_labels: None,
        pod_selector: None,
        service_labels: None,
        summary: Summary::default(),
        kind,
    };
    let mut summary = Map::new();
    summary.insert("apiVersion".into(), Value::from(api_version.clone()));
    summary.insert("kind".into(), Value::from(entry.kind.clone()));
    summary.insert("name".into(), Value::from(entry.name.clone()));
    summary.insert("namespace".into(), entry.namespace.clone().map_or(Value::Null, Value::from));
    let mut paths = vec!["metadata.name".to_string(), "metadata".to_string()];
    let get = |path: &str| path.split('.').try_fold(object, |node, key| node.get(key));
    let spec = object.get("spec");
    let spec_field = |key: &str| spec.and_then(|s| s.get(key)).cloned().unwrap_or(Value::Null);
    if let Some(pod_spec_path) = kinds::pod_spec_path(&api_version, &entry.kind) {
        let labels_path = labels_path_of(pod_spec_path);
        let labels = get(&labels_path).and_then(read_set).unwrap_or_default();
        let pod_spec = pod_spec_path.iter().try_fold(object, |node, key| node.get(*key));
        let pod_field = |key: &str| pod_spec.and_then(|s| s.get(key)).cloned().unwrap_or(Value::Null);
        let service_account = match pod_field("serviceAccountName") {
            Value::String(name) if !name.is_empty() => Value::from(name),
            _ => pod_field("serviceAccount"),
        };
        let scalable = SCALABLE.contains(&(group.as_str(), entry.kind.as_str()));
        summary.insert("labels".into(), json!(labels));
        summary.insert("replicas".into(), spec_field("replicas"));
        summary.insert("scalable".into(), Value::from(scalable));
        summary.insert("service_account".into(), service_account);
        summary.insert("automount_token".into(), pod_field("automountServiceAccountToken"));
        let spec_prefix = pod_spec_path.join(".");
        paths.extend([labels_path, "spec.replicas".into(), spec_prefix.clone()]);
        paths.extend(["serviceAccountName", "serviceAccount"].map(|f| format!("{spec_prefix}.{f}")));
        entry.pod_labels = Some(labels);
    }
    match (group.as_str(), entry.kind.as_str()) {
        ("monitoring.coreos.com", kind) if OPERATOR_POD_TEMPLATES.contains(&kind) => {
            // The operator runs pods carrying the labels the resource asks for (it adds its own
            // too, which are not read here: a selector naming only those still matches nothing).
            let labels = get("spec.podMetadata.labels").and_then(read_set).unwrap_or_default();
            summary.insert("labels".into(), json!(labels));
            paths.push("spec.podMetadata.labels".into());
            entry.pod_labels = Some(labels);
        }
        ("", "Service") => {
            let ports: Vec<Value> = match spec.and_then(|s| s.get("ports")) {
                Some(Value::Array(ports)) => ports
                    .iter()
                    .map(|p| {
                        let field = |k: &str| p.get(k).cloned().unwrap_or(Value::Null);
                        json!({"port": field("port"), "targetPort": field("targetPort"), "name": field("name"), "protocol": field("protocol")})
                    })
                    .collect(),
                _ => Vec::new(),
            };
            paths.extend((0..ports.len()).map(|i| format!("spec.ports[{i}]")));
            paths.extend(["spec.selector", "spec.ports", "spec.clusterIP", "spec.type"].map(String::from));
            let service_type = spec.and_then(|s| s.get("type")).and_then(Value::as_str).unwrap_or("ClusterIP");
            summary.insert("selector".into(), spec_field("selector"));
            summary.insert("type".into(), Value::from(service_type));
            summary.insert("headless".into(), Value::from(spec_field("clusterIP") == "None"));
            summary.insert("ports".into(), Value::Array(ports));
            entry.pod_selector = Some(Selector::from_map(spec.and_then(|s| s.get("selector"))));
            entry.service_labels = metadata.and_then(|m| m.get("labels")).and_then(read_set).or(Some(Labels::new()));
        }
        ("", "ConfigMap") | ("", "Secret") => {
            let sections: &[&str] =
                if entry.kind == "Secret" { &["data", "stringData"] } else { &["data", "binaryData"] };
            let mut keys = Map::new();
            for section in sections {
                if let Some(Value::Object(map)) = object.get(*section) {
                    keys.extend(map.keys().map(|k| (k.clone(), Value::Bool(true))));
                }
                paths.push((*section).to_string());
            }
            summary.insert("has_data".into(), Value::from(!keys.is_empty()));
            summary.insert("keys".into(), Value::Object(keys));
            if entry.kind == "Secret" {
                summary.insert("type".into(), object.get("type").cloned().unwrap_or(Value::from("Opaque")));
            }
        }
        ("autoscaling", "HorizontalPodAutoscaler") => {
            summary.insert("target".into(), spec_field("scaleTargetRef"));
            summary.insert("minReplicas".into(), spec_field("minReplicas"));
            summary.insert("maxReplicas".into(), spec_field("maxReplicas"));
            paths.extend(["spec.scaleTargetRef", "spec.minReplicas", "spec.maxReplicas"].map(String::from));
        }
        ("policy", "PodDisruptionBudget") => {
            summary.insert("selector".into(), spec_field("selector"));
            summary.insert("minAvailable".into(), spec_field("minAvailable"));
            summary.insert("maxUnavailable".into(), spec_field("maxUnavailable"));
            paths.extend(["spec.selector", "spec.minAvailable", "spec.maxUnavailable"].map(String::from));
            entry.pod_selector = Some(Selector::from_label_selector(spec.and_then(|s| s.get("selector"))));
        }
        ("networking.k8s.io", "NetworkPolicy") => {
            summary.insert("podSelector".into(), spec_field("podSelector"));
            summary.insert("policyTypes".into(), Value::from(policy_types(spec)));
            paths.extend(["spec.podSelector", "spec.policyTypes"].map(String::from));
            entry.pod_selector = Some(Selector::from_label_selector(spec.and_then(|s| s.get("podSelector"))));
        }
        ("", "ServiceAccount") => {
            let automount = object.get("automountServiceAccountToken").cloned().unwrap_or(Value::Null);
            summary.insert("automountServiceAccountToken".into(), automount);
            paths.push("automountServiceAccountToken".into());
        }
        ("monitoring.coreos.com", "ServiceMonitor") => {
            summary.insert("selector".into(), spec_field("selector"));
            summary.insert("namespaceSelector".into(), spec_field("namespaceSelector"));
            paths.extend(["spec.selector", "spec.namespaceSelector"].map(String::from));
        }
        _ => {}
    }
    entry.summary = Summary::Json(summary);
    entry.places = paths
        .into_iter()
        .filter_map(|p| {
            let parsed = Path::parse(&p)?;
            let located = document.locate(&parsed);
            located.exact.then_some((p, located.span))
        })
        .collect();
    entry
}

/// An entry's summary as `data.plimsoll.inventory.entries` holds it, with its `ref`.
fn summary_with_ref(mut summary: Map<String, Value>, reference: usize) -> Value {
    summary.insert("ref".into(), Value::from(reference));
    Value::Object(summary)
}

/// Adds `reference` to `index[kind][name]`.
fn add_ref(index: &mut Map<String, Value>, kind: &str, name: &str, reference: usize) {
    let names = index.entry(kind.to_string()).or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(names) = names {
        let same = names.entry(name.to_string()).or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(same) = same {
            same.push(Value::from(reference));
        }
    }
}

/// Where a pod-bearing kind keeps its pod template's labels: beside the pod spec (`metadata.labels`
/// for a Pod).
fn labels_path_of(pod_spec_path: &[&str]) -> String {
    let parent = pod_spec_path.split_last().map_or(&[][..], |(_, parent)| parent);
    parent.iter().copied().chain(["metadata", "labels"]).collect::<Vec<_>>().join(".")
}

/// The policy types a NetworkPolicy has once the API server defaulted them: as written, else
/// Ingress, plus Egress when it has egress rules.
fn policy_types(spec: Option<&Value>) -> Vec<String> {
    if let Some(Value::Array(types)) = spec.and_then(|s| s.get("policyTypes")) {
        return types.iter().filter_map(Value::as_str).map(str::to_string).collect();
    }
    let mut types = vec!["Ingress".to_string()];
    if spec.and_then(|s| s.get("egress")).is_some_and(|e| !e.is_null()) {
        types.push("Egress".into());
    }
    types
}

fn same_namespace(a: &Option<String>, b: &Option<String>) -> bool {
    a.is_none() || b.is_none() || a == b
}

/// The summaries of a run, numbered and indexed.
#[derive(Debug, Default)]
pub struct Inventory {
    entries: Vec<Entry>,
    by_kind_name: HashMap<(String, String), Vec<usize>>,
    /// Entries with pod template labels, and those of them carrying each `key=value`.
    pods: Vec<usize>,
    pods_by_label: Postings,
    /// Entries with a pod selector, indexed by one `key=value` they require (the others in `open`).
    selectors_by_label: Postings,
    open_selectors: Vec<usize>,
    services: Vec<usize>,
}

/// Entries by a `key=value` label, in entry order: all of them, and those of each namespace
/// (objects without one under `None`), so that an object of one namespace looks only at the
/// entries it may relate to: the same app's labels recur across namespaces.
#[derive(Debug, Default)]
struct Postings {
    all: HashMap<(String, String), Vec<usize>>,
    by_namespace: HashMap<(Option<String>, String, String), Vec<usize>>,
}

impl Postings {
    fn add(&mut self, namespace: &Option<String>, key: &str, value: &str, entry: usize) {
        self.all.entry((key.to_string(), value.to_string())).or_default().push(entry);
        self.by_namespace.entry((namespace.clone(), key.to_string(), value.to_string())).or_default().push(entry);
    }

    /// The entries with `key=value` that an object of `namespace` may relate to (see
    /// [`same_namespace`]), and maybe others, in entry order.
    fn get(&self, namespace: &Option<String>, key: &str, value: &str) -> Cow<'_, [usize]> {
        if namespace.is_none() {
            let all = self.all.get(&(key.to_string(), value.to_string()));
            return Cow::Borrowed(all.map_or(&[][..], Vec::as_slice));
        }
        let mut probe = (namespace.clone(), key.to_string(), value.to_string());
        let same = self.by_namespace.get(&probe);
        probe.0 = None;
        match (same, self.by_namespace.get(&probe)) {
            (Some(same), None) => Cow::Borrowed(same.as_slice()),
            (None, Some(unscoped)) => Cow::Borrowed(unscoped.as_slice()),
            (None, None) => Cow::Borrowed(&[]),
            (Some(same), Some(unscoped)) => Cow::Owned(merge_sorted(same, unscoped)),
        }
    }
}

/// Two ascending lists of distinct entries as one.
fn merge_sorted(a: &[usize], b: &[usize]) -> Vec<usize> {
    let mut merged = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
        if x <= y {
            merged.push(x);
            i += 1;
        } else {
            merged.push(y);
            j += 1;
        }
    }
    merged.extend_from_slice(a.get(i..).unwrap_or_default());
    merged.extend_from_slice(b.get(j..).unwrap_or_default());
    merged
}

impl Inventory {
    /// Numbers the entries (their `ref` is their index) and indexes them.
    pub fn new(entries: Vec<Entry>) -> Inventory {
        let mut inventory = Inventory::default();
        for (i, entry) in entries.iter().enumerate() {
            inventory.by_kind_name.entry((entry.kind.clone(), entry.name.clone())).or_default().push(i);
            if let Some(labels) = &entry.pod_labels {
                inventory.pods.push(i);
                for (key, value) in labels {
                    inventory.pods_by_label.add(&entry.namespace, key, value, i);
                }
            }
            if let Some(selector) = &entry.pod_selector {
                match selector.required_pairs().next() {
                    Some((key, value)) => inventory.selectors_by_label.add(&entry.namespace, key, value, i),
                    None => inventory.open_selectors.push(i),
                }
            }
            if entry.service_labels.is_some() {
                inventory.services.push(i);
            }
        }
        inventory.entries = entries;
        inventory
    }

    /// Summarises and indexes the given objects.
    pub fn from_documents<'a>(documents: impl IntoIterator<Item = &'a Document>) -> Inventory {
        Inventory::new(documents.into_iter().map(summarize).collect())
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry numbered `reference`.
    pub fn entry(&self, reference: usize) -> Option<&Entry> {
        self.entries.get(reference)
    }

    /// [`Inventory::to_json`] in parts, for an inventory that is complete: `entries` in the
    /// engine's value type, each entry's summary taken out of the entry in turn (`ref` added), and
    /// `objects` and `scale_targets` as JSON. A run's summaries are then never held twice at
    /// once, as they are while [`Inventory::to_json`] builds its copy; afterwards the entries keep
    /// no summary: only the first pass and this conversion read them.
    pub(crate) fn take_engine_parts(
        &mut self,
        mut convert: impl FnMut(&Value) -> RegoValue,
    ) -> (Vec<RegoValue>, Value, Value) {
        let (objects, scale_targets) = self.indexes_json();
        let entries = self
            .entries
            .iter_mut()
            .enumerate()
            .map(|(i, entry)| std::mem::take(&mut entry.summary).into_engine_with_ref(i, &mut convert))
            .collect();
        (entries, objects, scale_targets)
    }

    /// `data.plimsoll.inventory`: `{"entries": [summary...], "objects": {kind: {name: [ref...]}},
    /// "scale_targets": {kind: {name: [ref...]}}}`; an entry's `ref` is its index in `entries`.
    pub fn to_json(&self) -> Value {
        let (objects, scale_targets) = self.indexes_json();
        let summaries: Vec<Value> =
            self.entries.iter().enumerate().map(|(i, entry)| summary_with_ref(entry.summary.to_json(), i)).collect();
        json!({ "entries": summaries, "objects": objects, "scale_targets": scale_targets })
    }

    /// `objects` and `scale_targets` of [`Inventory::to_json`].
    fn indexes_json(&self) -> (Value, Value) {
        let mut objects: Map<String, Value> = Map::new();
        let mut scale_targets: Map<String, Value> = Map::new();
        for (i, entry) in self.entries.iter().enumerate() {
            add_ref(&mut objects, &entry.kind, &entry.name, i);
            if let Some((kind, name)) = entry.scale_target() {
                add_ref(&mut scale_targets, kind, name, i);
            }
        }
        (Value::Object(objects), Value::Object(scale_targets))
    }

    /// What the inventory knows about the object being linted, as `data.plimsoll.facts.relations`:
    /// - `selects`: for each of its selectors, by path (`spec.selector`, `spec.podSelector`, a
    ///   NetworkPolicy peer's `spec.ingress[0].from[1].podSelector`), the refs of the pod templates
    ///   in its namespace it selects (a ServiceMonitor's `spec.selector`: the Services). A selector
    ///   the API server would reject has no key: rules must not read its absence as "no match".
    /// - `selected_by`: for an object with a pod template, the refs of the Services,
    ///   PodDisruptionBudgets and NetworkPolicies whose selector matches its pod labels, by kind.
    pub fn relations(&self, document: &Document) -> Value {
        let object = &document.value;
        let kind = object.get("kind").and_then(Value::as_str).unwrap_or_default();
        let api_version = object.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
        let pod_spec_path = kinds::pod_spec_path(api_version, kind);
        let mut relations = Map::new();
        if pod_spec_path.is_none()
            && !matches!(kind, "Service" | "PodDisruptionBudget" | "NetworkPolicy" | "ServiceMonitor")
        {
            // Nothing selects it and it selects nothing: no work for the other objects.
            return Value::Object(relations);
        }
        let namespace = object.get("metadata").and_then(|m| m.get("namespace")).and_then(Value::as_str);
        let namespace = namespace.map(str::to_string);
        let selects = self.selects(kind, &namespace, object);
        if !selects.is_empty() {
            relations.insert("selects".into(), Value::Object(selects));
        }
        if let Some(path) = pod_spec_path {
            let labels_path = labels_path_of(path);
            let found = labels_path.split('.').try_fold(object, |node, key| node.get(key));
            let labels = found.and_then(read_set).unwrap_or_default();
            relations.insert("selected_by".into(), self.selected_by(&namespace, &labels));
        }
        Value::Object(relations)
    }

    fn selects(&self, kind: &str, namespace: &Option<String>, object: &Value) -> Map<String, Value> {
        let mut selects = Map::new();
        let mut add = |path: String, selector: &Selector, pool: &dyn Fn(&Selector) -> Vec<usize>| {
            if *selector != Selector::Invalid {
                selects.insert(path, Value::from(pool(selector)));
            }
        };
        let pods = |selector: &Selector| self.pods_selected(selector, namespace);
        let spec = object.get("spec");
        match kind {
            "Service" => add("spec.selector".into(), &Selector::from_map(spec.and_then(|s| s.get("selector"))), &pods),
            "PodDisruptionBudget" => {
                let selector = Selector::from_label_selector(spec.and_then(|s| s.get("selector")));
                add("spec.selector".into(), &selector, &pods);
            }
            "NetworkPolicy" => {
                let selector = Selector::from_label_selector(spec.and_then(|s| s.get("podSelector")));
                add("spec.podSelector".into(), &selector, &pods);
                for (direction, peers_key) in [("ingress", "from"), ("egress", "to")] {
                    let rules = spec.and_then(|s| s.get(direction)).and_then(Value::as_array);
                    for (i, rule) in rules.into_iter().flatten().enumerate() {
                        let peers = rule.get(peers_key).and_then(Value::as_array);
                        for (j, peer) in peers.into_iter().flatten().enumerate() {
                            if let Some(selector) = peer.get("podSelector") {
                                let path = format!("spec.{direction}[{i}].{peers_key}[{j}].podSelector");
                                add(path, &Selector::from_label_selector(Some(selector)), &pods);
                            }
                        }
                    }
                }
            }
            "ServiceMonitor" => {
                // The operator's selector is a value, not a pointer: absent is the empty selector.
                let written = spec.and_then(|s| s.get("selector"));
                let selector = Selector::from_label_selector(Some(written.unwrap_or(&json!({}))));
                let namespaces = spec.and_then(|s| s.get("namespaceSelector"));
                let services = |selector: &Selector| self.services_selected(selector, namespaces, namespace);
                add("spec.selector".into(), &selector, &services);
            }
            _ => {}
        }
        selects
    }

    /// Refs of the pod templates `selector` picks in `namespace`, using the label index.
    fn pods_selected(&self, selector: &Selector, namespace: &Option<String>) -> Vec<usize> {
        let smallest = selector
            .required_pairs()
            .map(|(k, v)| self.pods_by_label.get(namespace, k, v))
            .min_by_key(|postings| postings.len());
        let candidates = smallest.unwrap_or(Cow::Borrowed(&self.pods));
        candidates
            .iter()
            .copied()
            .filter(|&i| {
                self.entries.get(i).is_some_and(|e| {
                    same_namespace(&e.namespace, namespace)
                        && e.pod_labels.as_ref().is_some_and(|l| selector.matches(l))
                })
            })
            .collect()
    }

    /// Refs of the Services a ServiceMonitor selects: its label selector on their labels, in the
    /// namespaces its `namespaceSelector` names (`any: true`, a `matchNames` list, or by default
    /// its own).
    fn services_selected(&self, selector: &Selector, namespaces: Option<&Value>, own: &Option<String>) -> Vec<usize> {
        let any = namespaces.and_then(|n| n.get("any")).and_then(Value::as_bool).unwrap_or(false);
        let names: Option<BTreeSet<String>> = namespaces
            .and_then(|n| n.get("matchNames"))
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).map(str::to_string).collect());
        let in_namespaces = |e: &Entry| match (&names, any) {
            (_, true) => true,
            (Some(names), false) => e.namespace.as_ref().is_none_or(|n| names.contains(n)),
            (None, false) => same_namespace(&e.namespace, own),
        };
        self.services
            .iter()
            .copied()
            .filter(|&i| {
                self.entries.get(i).is_some_and(|e| {
                    in_namespaces(e) && e.service_labels.as_ref().is_some_and(|labels| selector.matches(labels))
                })
            })
            .collect()
    }

    /// `{kind: [ref...]}` of the Services, PodDisruptionBudgets and NetworkPolicies whose selector
    /// picks these pod labels in the entry's namespace.
    fn selected_by(&self, namespace: &Option<String>, labels: &Labels) -> Value {
        let mut candidates: BTreeSet<usize> = self.open_selectors.iter().copied().collect();
        for (key, value) in labels {
            candidates.extend(self.selectors_by_label.get(namespace, key, value).iter());
        }
        let mut by_kind: Map<String, Value> =
            POD_SELECTORS.iter().map(|(kind, _)| ((*kind).to_string(), Value::Array(Vec::new()))).collect();
        for i in candidates {
            let Some(other) = self.entries.get(i) else { continue };
            let selects = other.pod_selector.as_ref().is_some_and(|s| s.matches(labels));
            if selects && same_namespace(&other.namespace, namespace) {
                if let Some(Value::Array(refs)) = by_kind.get_mut(&other.kind) {
                    refs.push(Value::from(i));
                }
            }
        }
        Value::Object(by_kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inventory(text: &str) -> (Inventory, Vec<Document>) {
        let documents = crate::load::load("run.yaml", text).documents;
        (Inventory::from_documents(&documents), documents)
    }

    const RUN: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: front}}
    spec: {serviceAccountName: web, containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: other, namespace: elsewhere}
spec:
  selector: {app: web}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 1
  selector:
    matchExpressions: [{key: tier, operator: In, values: [front, back]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: all, namespace: shop}
spec:
  podSelector: {}
  ingress: [{from: [{podSelector: {matchLabels: {app: db}}}]}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {mode: fast}
binaryData: {blob: AA==}
"#;

    #[test]
    fn autoscalers_are_indexed_by_their_target() {
        let (inventory, _) = inventory(
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: a}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: b}\nspec: {scaleTargetRef: {kind: Deployment}}\n",
        );
        let json = inventory.to_json();
        assert_eq!(json["scale_targets"], json!({"Deployment": {"web": [0]}}));
    }

    #[test]
    fn summaries_hold_what_rules_read() {
        let (inventory, _) = inventory(RUN);
        let json = inventory.to_json();
        assert_eq!(json["objects"]["Service"], json!({"web": [1], "other": [2]}));
        let entry = |kind: &str, name: &str| {
            json["entries"][json["objects"][kind][name][0].as_u64().unwrap_or(99) as usize].clone()
        };
        let web = &entry("Deployment", "web");
        assert_eq!(web["ref"], 0);
        assert_eq!(web["labels"], json!({"app": "web", "tier": "front"}));
        assert_eq!(web["replicas"], 3);
        assert_eq!(web["scalable"], true);
        assert_eq!(web["service_account"], "web");
        let service = &entry("Service", "web");
        assert_eq!(service["ports"], json!([{"port": 80, "targetPort": 8080, "name": "http", "protocol": null}]));
        assert_eq!(service["type"], "ClusterIP");
        assert_eq!(service["headless"], false);
        assert_eq!(entry("ConfigMap", "settings")["keys"], json!({"mode": true, "blob": true}));
        assert_eq!(entry("NetworkPolicy", "all")["policyTypes"], json!(["Ingress"]));
        assert_eq!(entry("PodDisruptionBudget", "web")["namespace"], Value::Null);
    }

    #[test]
    fn relations_follow_selectors_and_namespaces() {
        let (inventory, documents) = inventory(RUN);
        let deployment = inventory.relations(&documents[0]);
        // The Service in another namespace does not select it; the PDB without one does; the
        // NetworkPolicy's empty podSelector selects every pod of its namespace.
        assert_eq!(
            deployment["selected_by"],
            json!({"Service": [1], "PodDisruptionBudget": [3], "NetworkPolicy": [4]})
        );
        assert_eq!(inventory.relations(&documents[1])["selects"], json!({"spec.selector": [0]}));
        assert_eq!(inventory.relations(&documents[2])["selects"], json!({"spec.selector": []}));
        assert_eq!(
            inventory.relations(&documents[4])["selects"],
            json!({"spec.podSelector": [0], "spec.ingress[0].from[0].podSelector": []})
        );
        assert_eq!(inventory.relations(&documents[5]), json!({}));
    }

    /// The same labels in several namespaces: each object relates to those of its namespace and
    /// those without one; an object without one relates to every namespace's.
    #[test]
    fn selectors_relate_objects_of_their_namespace_and_objects_without_one() {
        let deployment = |name: &str, namespace: &str| {
            format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}{namespace}}}\nspec: {{template: {{metadata: {{labels: {{app: web, tier: x}}}}}}}}\n---\n")
        };
        let service = |name: &str, namespace: &str| {
            format!("apiVersion: v1\nkind: Service\nmetadata: {{name: {name}{namespace}}}\nspec: {{selector: {{app: web}}}}\n---\n")
        };
        let text = [
            deployment("a", ", namespace: one"),
            deployment("b", ", namespace: two"),
            deployment("c", ""),
            service("s1", ", namespace: one"),
            service("s2", ""),
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p, namespace: two}\nspec: {selector: {matchLabels: {app: web}}}\n".to_string(),
        ]
        .concat();
        let (inventory, documents) = inventory(&text);
        let selected_by = |i: usize, kind: &str| inventory.relations(&documents[i])["selected_by"][kind].clone();
        assert_eq!(selected_by(0, "Service"), json!([3, 4]));
        assert_eq!(selected_by(0, "PodDisruptionBudget"), json!([]));
        assert_eq!(selected_by(1, "Service"), json!([4]));
        assert_eq!(selected_by(1, "PodDisruptionBudget"), json!([5]));
        assert_eq!(selected_by(2, "Service"), json!([3, 4]));
        assert_eq!(selected_by(2, "PodDisruptionBudget"), json!([5]));
        let selects = |i: usize| inventory.relations(&documents[i])["selects"]["spec.selector"].clone();
        assert_eq!(selects(3), json!([0, 2]));
        assert_eq!(selects(4), json!([0, 1, 2]));
        assert_eq!(selects(5), json!([1, 2]));
    }

    #[test]
    fn an_invalid_selector_has_no_answer() {
        let text = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec:\n  selector: {matchExpressions: [{key: a, operator: In, values: []}]}\n";
        let (inventory, documents) = inventory(text);
        assert_eq!(inventory.relations(&documents[0]), json!({}));
    }

    #[test]
    fn places_point_at_recorded_fields_or_the_name() {
        let (inventory, _) = inventory(RUN);
        let service = inventory.entry(1).map(|e| (e.place(Some("spec.ports[0].port")), e.place(None), e.describe()));
        let (port, name, described) = service.unwrap_or_default();
        assert_eq!(port.map(|s| s.start.line), Some(17));
        assert_eq!(name.map(|s| s.start.line), Some(14));
        assert_eq!(described, "Service shop/web");
    }
}
