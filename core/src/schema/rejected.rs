//! `schema/rejected-value`: values the API server's validation rejects although the OpenAPI schema
//! (and so schema validation) lets them through.
//!
//! The checks follow Kubernetes' own validation code (`pkg/apis/{core,apps,policy,autoscaling}/validation`
//! and apimachinery's `util/validation`), case by case, after the API's defaulting (an unset
//! strategy type is `RollingUpdate`, an unset `minReplicas` is 1, a Service `targetPort` of 0 is
//! the port itself):
//! - label keys and values (`metadata.labels` of every object, pod-template labels, label
//!   selectors' `matchLabels` and a Service's or ReplicationController's selector);
//! - container ports (`containers`, `initContainers`): names (IANA service names), duplicate names
//!   within a container, `containerPort` and `hostPort` numbers;
//! - Service ports: names (DNS labels, unique), `port`, `targetPort` (number or IANA service name)
//!   and `nodePort` numbers;
//! - topology spread constraints: `maxSkew`, `minDomains`, `whenUnsatisfiable`, the node
//!   inclusion policies and repeated `{topologyKey, whenUnsatisfiable}` pairs;
//! - PodDisruptionBudgets (both budgets set, budgets that are not a count or a percentage up to
//!   100%), HorizontalPodAutoscalers (`maxReplicas` below `minReplicas`), and the update strategy
//!   types of Deployments, StatefulSets and DaemonSets.
//!
//! Values of the wrong type are left to `schema/type`; each check reads only values of the type
//! the field takes. Every finding is located at the offending value.

use super::SchemaFinding;
use crate::k8s::kinds::{api_group, pod_spec_path};
use crate::load::position::{Path, PathSegment};
use serde_json::{Map, Value};
use std::collections::HashSet;

/// The rule's ID.
pub const REJECTED_VALUE: &str = "schema/rejected-value";

/// Every rejected value of one object.
pub fn check(object: &Value, api_version: &str, kind: &str) -> Vec<SchemaFinding> {
    let mut out = Findings(Vec::new());
    let group = api_group(api_version);
    let at = Path::new(Vec::new());
    check_labels(object.pointer("/metadata/labels"), &at.key("metadata").key("labels"), &mut out);
    if let Some(spec_path) = pod_spec_path(api_version, kind) {
        check_pod_template(object, spec_path, &mut out);
    }
    let spec = object.get("spec");
    let spec_at = at.key("spec");
    match (group, kind) {
        ("", "Service") => {
            check_labels(spec.and_then(|s| s.get("selector")), &spec_at.key("selector"), &mut out);
            check_service_ports(spec, &spec_at, &mut out);
        }
        ("", "ReplicationController") => {
            check_labels(spec.and_then(|s| s.get("selector")), &spec_at.key("selector"), &mut out)
        }
        ("apps" | "extensions" | "batch" | "policy", _) => {
            let match_labels = spec.and_then(|s| s.pointer("/selector/matchLabels"));
            check_labels(match_labels, &spec_at.key("selector").key("matchLabels"), &mut out);
        }
        _ => {}
    }
    match (group, kind) {
        ("policy", "PodDisruptionBudget") => check_disruption_budget(spec, &spec_at, &mut out),
        ("autoscaling", "HorizontalPodAutoscaler") => check_autoscaler(spec, &spec_at, &mut out),
        ("apps" | "extensions", "Deployment") => check_deployment_strategy(spec, &spec_at, &mut out),
        ("apps" | "extensions", "StatefulSet" | "DaemonSet") => {
            check_update_strategy_type(spec, &spec_at, kind, &mut out)
        }
        _ => {}
    }
    out.0
}

/// The findings of one object.
struct Findings(Vec<SchemaFinding>);

impl Findings {
    fn push(&mut self, path: Path, message: String) {
        self.0.push(SchemaFinding { rule: REJECTED_VALUE, message, path });
    }
}

/// Building paths by value.
trait PathExt {
    fn key(&self, key: &str) -> Path;
    fn index(&self, index: usize) -> Path;
}

impl PathExt for Path {
    fn key(&self, key: &str) -> Path {
        let mut path = self.clone();
        path.push_key(key);
        path
    }

    fn index(&self, index: usize) -> Path {
        let mut path = self.clone();
        path.push_index(index);
        path
    }
}

fn items(value: Option<&Value>) -> impl Iterator<Item = (usize, &Value)> {
    value.and_then(Value::as_array).into_iter().flatten().enumerate()
}

fn integer(value: Option<&Value>) -> Option<i64> {
    value.and_then(Value::as_i64)
}

// ---------------------------------------------------------------------------------------------
// Pod templates and pod specs.

fn check_pod_template(object: &Value, spec_path: &[&str], out: &mut Findings) {
    let Some(spec) = spec_path.iter().try_fold(object, |node, key| node.get(key)) else { return };
    let spec_at = Path::new(spec_path.iter().map(|key| PathSegment::Key(key.to_string())).collect());
    // A Pod's labels are the object's own, checked already; a template keeps them beside its spec.
    if let [parent @ .., _] = spec_path {
        if !parent.is_empty() {
            let template = parent.iter().try_fold(object, |node, key| node.get(key));
            let mut labels_at = Path::new(parent.iter().map(|key| PathSegment::Key(key.to_string())).collect());
            labels_at.push_key("metadata");
            labels_at.push_key("labels");
            check_labels(template.and_then(|t| t.pointer("/metadata/labels")), &labels_at, out);
        }
    }
    for list in ["initContainers", "containers"] {
        for (index, container) in items(spec.get(list)) {
            check_container_ports(container.get("ports"), &spec_at.key(list).index(index).key("ports"), out);
        }
    }
    check_spread_constraints(spec.get("topologySpreadConstraints"), &spec_at.key("topologySpreadConstraints"), out);
}

fn check_container_ports(ports: Option<&Value>, at: &Path, out: &mut Findings) {
    let mut names = HashSet::new();
    for (index, port) in items(ports) {
        let item_at = at.index(index);
        if let Some(name) = port.get("name").and_then(Value::as_str).filter(|name| !name.is_empty()) {
            match service_name_problem(name) {
                Some(problem) => out.push(item_at.key("name"), format!("port name {name:?} {problem}")),
                None if !names.insert(name) => out.push(
                    item_at.key("name"),
                    format!("port name {name:?} is used twice in this container; port names must be unique"),
                ),
                None => {}
            }
        }
        if let Some(number) = integer(port.get("containerPort")).filter(|n| !valid_port(*n)) {
            out.push(item_at.key("containerPort"), format!("containerPort {number} {}", PORT_RANGE));
        }
        // 0 means no host port.
        if let Some(number) = integer(port.get("hostPort")).filter(|n| *n != 0 && !valid_port(*n)) {
            out.push(item_at.key("hostPort"), format!("hostPort {number} {}", PORT_RANGE));
        }
    }
}

const SCHEDULE_ACTIONS: &[&str] = &["DoNotSchedule", "ScheduleAnyway"];
const NODE_INCLUSION_POLICIES: &[&str] = &["Honor", "Ignore"];

fn check_spread_constraints(constraints: Option<&Value>, at: &Path, out: &mut Findings) {
    let list: Vec<(usize, &Value)> = items(constraints).collect();
    for (index, constraint) in &list {
        let item_at = at.index(*index);
        if let Some(skew) = integer(constraint.get("maxSkew")).filter(|skew| *skew <= 0) {
            out.push(item_at.key("maxSkew"), format!("maxSkew {skew} must be greater than zero"));
        }
        let action = constraint.get("whenUnsatisfiable").and_then(Value::as_str);
        if let Some(action) = action.filter(|a| !SCHEDULE_ACTIONS.contains(a)) {
            out.push(
                item_at.key("whenUnsatisfiable"),
                format!("whenUnsatisfiable {action:?} is not supported: use {}", one_of(SCHEDULE_ACTIONS)),
            );
        }
        if let Some(domains) = integer(constraint.get("minDomains")) {
            if domains <= 0 {
                out.push(item_at.key("minDomains"), format!("minDomains {domains} must be greater than zero"));
            }
            if let Some(action) = action.filter(|a| *a != "DoNotSchedule") {
                let message = format!("minDomains may only be set with whenUnsatisfiable: DoNotSchedule, not {action}");
                out.push(item_at.key("minDomains"), message);
            }
        }
        for field in ["nodeAffinityPolicy", "nodeTaintsPolicy"] {
            if let Some(policy) = constraint.get(field).and_then(Value::as_str) {
                if !NODE_INCLUSION_POLICIES.contains(&policy) {
                    let message =
                        format!("{field} {policy:?} is not supported: use {}", one_of(NODE_INCLUSION_POLICIES));
                    out.push(item_at.key(field), message);
                }
            }
        }
        // The API server reports a constraint whose pair a later constraint repeats.
        let repeated = list.iter().any(|(other, c)| other > index && spread_pair(c) == spread_pair(constraint));
        if let (true, (Some(key), Some(action))) = (repeated, spread_pair(constraint)) {
            let message = format!(
                "a later constraint repeats topologyKey {key:?} with whenUnsatisfiable {action}; each pair may appear once"
            );
            out.push(item_at.key("topologyKey"), message);
        }
    }
}

/// A constraint's `{topologyKey, whenUnsatisfiable}`, which identifies it.
fn spread_pair(constraint: &Value) -> (Option<&str>, Option<&str>) {
    let text = |key: &str| constraint.get(key).and_then(Value::as_str);
    (text("topologyKey"), text("whenUnsatisfiable"))
}

// ---------------------------------------------------------------------------------------------
// Services.

fn check_service_ports(spec: Option<&Value>, spec_at: &Path, out: &mut Findings) {
    let at = spec_at.key("ports");
    let mut names = HashSet::new();
    for (index, port) in items(spec.and_then(|s| s.get("ports"))) {
        let item_at = at.index(index);
        if let Some(name) = port.get("name").and_then(Value::as_str).filter(|name| !name.is_empty()) {
            match dns_label_problem(name) {
                Some(problem) => out.push(item_at.key("name"), format!("port name {name:?} {problem}")),
                None if !names.insert(name) => out.push(
                    item_at.key("name"),
                    format!("port name {name:?} is used twice in this Service; port names must be unique"),
                ),
                None => {}
            }
        }
        if let Some(number) = integer(port.get("port")).filter(|n| !valid_port(*n)) {
            out.push(item_at.key("port"), format!("port {number} {}", PORT_RANGE));
        }
        // An unset or zero targetPort defaults to the port; nodePort 0 asks for one to be allocated.
        match port.get("targetPort") {
            Some(Value::Number(number)) => {
                if let Some(number) = number.as_i64().filter(|n| *n != 0 && !valid_port(*n)) {
                    out.push(item_at.key("targetPort"), format!("targetPort {number} {}", PORT_RANGE));
                }
            }
            Some(Value::String(name)) if !name.is_empty() => {
                if let Some(problem) = service_name_problem(name) {
                    out.push(item_at.key("targetPort"), format!("targetPort {name:?} {problem}"));
                }
            }
            _ => {}
        }
        if let Some(number) = integer(port.get("nodePort")).filter(|n| *n != 0 && !valid_port(*n)) {
            out.push(item_at.key("nodePort"), format!("nodePort {number} {}", PORT_RANGE));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Disruption budgets, autoscalers, update strategies.

fn check_disruption_budget(spec: Option<&Value>, spec_at: &Path, out: &mut Findings) {
    let Some(spec) = spec else { return };
    for field in ["minAvailable", "maxUnavailable"] {
        if let Some(problem) = spec.get(field).and_then(budget_problem) {
            out.push(spec_at.key(field), format!("{field} {problem}"));
        }
    }
    if spec.get("minAvailable").is_some_and(|v| !v.is_null())
        && spec.get("maxUnavailable").is_some_and(|v| !v.is_null())
    {
        out.push(
            spec_at.key("maxUnavailable"),
            "minAvailable and maxUnavailable cannot both be set: keep one of them".to_string(),
        );
    }
}

/// What is wrong with a budget (an integer or a percentage), if anything.
fn budget_problem(value: &Value) -> Option<String> {
    match value {
        Value::Number(number) => match number.as_i64() {
            Some(count) if count < 0 => Some(format!("{count} must be zero or more")),
            _ => None,
        },
        Value::String(text) => {
            let digits = text.strip_suffix('%').filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
            match digits {
                None => Some(format!("{text:?} must be a whole number or a percentage such as \"50%\"")),
                Some(digits) if digits.len() > 3 || digits.parse::<u32>().is_ok_and(|p| p > 100) => {
                    Some(format!("{text:?} must be at most 100%"))
                }
                Some(_) => None,
            }
        }
        _ => None,
    }
}

fn check_autoscaler(spec: Option<&Value>, spec_at: &Path, out: &mut Findings) {
    let Some(spec) = spec else { return };
    let Some(max) = integer(spec.get("maxReplicas")) else { return };
    // An unset minReplicas is 1.
    let min = integer(spec.get("minReplicas")).unwrap_or(1);
    if max < min {
        let message = format!("maxReplicas {max} is lower than minReplicas {min}");
        out.push(spec_at.key("maxReplicas"), message);
    }
}

fn check_deployment_strategy(spec: Option<&Value>, spec_at: &Path, out: &mut Findings) {
    let Some(strategy) = spec.and_then(|s| s.get("strategy")) else { return };
    let at = spec_at.key("strategy");
    match strategy.get("type").and_then(Value::as_str) {
        Some("Recreate") if strategy.get("rollingUpdate").is_some_and(|v| !v.is_null()) => out.push(
            at.key("rollingUpdate"),
            "rollingUpdate may not be set when the strategy type is Recreate".to_string(),
        ),
        Some(kind) if !kind.is_empty() && kind != "Recreate" && kind != "RollingUpdate" => out.push(
            at.key("type"),
            format!("strategy type {kind:?} is not supported: use {}", one_of(&["Recreate", "RollingUpdate"])),
        ),
        _ => {}
    }
}

fn check_update_strategy_type(spec: Option<&Value>, spec_at: &Path, kind: &str, out: &mut Findings) {
    let Some(strategy) = spec.and_then(|s| s.get("updateStrategy")) else { return };
    let at = spec_at.key("updateStrategy");
    match strategy.get("type").and_then(Value::as_str) {
        // A StatefulSet's rollingUpdate parameters only apply to RollingUpdate.
        Some("OnDelete") if kind == "StatefulSet" && strategy.get("rollingUpdate").is_some_and(|v| !v.is_null()) => out
            .push(
                at.key("rollingUpdate"),
                "rollingUpdate may only be set when the update strategy type is RollingUpdate".to_string(),
            ),
        Some(name) if !name.is_empty() && name != "OnDelete" && name != "RollingUpdate" => out.push(
            at.key("type"),
            format!("update strategy type {name:?} is not supported: use {}", one_of(&["OnDelete", "RollingUpdate"])),
        ),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Labels.

fn check_labels(labels: Option<&Value>, at: &Path, out: &mut Findings) {
    let Some(labels) = labels.and_then(Value::as_object) else { return };
    check_label_map(labels, at, out);
}

fn check_label_map(labels: &Map<String, Value>, at: &Path, out: &mut Findings) {
    for (key, value) in labels {
        if let Some(problem) = label_key_problem(key) {
            out.push(at.key(key), format!("label key {key:?} {problem}"));
        }
        if let Some(problem) = value.as_str().and_then(label_value_problem) {
            out.push(at.key(key), format!("label {key:?} has the value {:?}, which {problem}", preview(value)));
        }
    }
}

fn preview(value: &Value) -> String {
    let text = value.as_str().unwrap_or_default();
    match text.char_indices().nth(70) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// A label key: an optional DNS-subdomain prefix and `/`, then a name (apimachinery's qualified name).
fn label_key_problem(key: &str) -> Option<String> {
    let (prefix, name) = match key.split_once('/') {
        Some((_, rest)) if rest.contains('/') => {
            return Some("may hold one '/' at most (an optional prefix, '/', then a name)".into())
        }
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix {
        if let Some(problem) = dns_subdomain_problem(prefix) {
            return Some(format!("has the prefix {prefix:?}, which {problem}"));
        }
    }
    if name.is_empty() {
        return Some("needs a name after the prefix".into());
    }
    if name.len() > 63 {
        return Some("has a name longer than 63 characters".into());
    }
    (!is_label_name(name)).then(|| NAME_SYNTAX.to_string())
}

const NAME_SYNTAX: &str = "must consist of letters, digits, '-', '_' and '.', and start and end with a letter or digit";

fn label_value_problem(value: &str) -> Option<String> {
    if value.len() > 63 {
        return Some("is longer than 63 characters".into());
    }
    (!value.is_empty() && !is_label_name(value)).then(|| NAME_SYNTAX.to_string())
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`: alphanumeric at both ends.
fn is_label_name(text: &str) -> bool {
    let bytes = text.as_bytes();
    let edge = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphanumeric);
    edge(bytes.first())
        && edge(bytes.last())
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// A DNS-1123 subdomain: at most 253 characters, dot-separated lowercase labels.
fn dns_subdomain_problem(text: &str) -> Option<String> {
    if text.is_empty() {
        return Some("is empty".into());
    }
    if text.len() > 253 {
        return Some("is longer than 253 characters".into());
    }
    // apimachinery's subdomain syntax limits only the whole, not each dot-separated part.
    (!text.split('.').all(is_dns_label_syntax)).then(|| {
        "is not a DNS subdomain (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit)"
            .to_string()
    })
}

/// A DNS-1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
fn is_dns_label(text: &str) -> bool {
    text.len() <= 63 && is_dns_label_syntax(text)
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, of any length.
fn is_dns_label_syntax(text: &str) -> bool {
    let bytes = text.as_bytes();
    let edge = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    edge(bytes.first())
        && edge(bytes.last())
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

fn dns_label_problem(name: &str) -> Option<String> {
    if name.len() > 63 {
        return Some("is longer than 63 characters (a DNS label)".into());
    }
    (!is_dns_label(name)).then(|| {
        "is not a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit".into()
    })
}

/// An IANA service name (RFC 6335) as the API server checks it, `None` when valid.
fn service_name_problem(name: &str) -> Option<String> {
    let what = "is not a valid IANA service name:";
    if name.len() > 15 {
        return Some(format!("{what} it has more than 15 characters"));
    }
    if !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        return Some(format!("{what} only lowercase letters, digits and '-' are allowed"));
    }
    if !name.bytes().any(|b| b.is_ascii_lowercase()) {
        return Some(format!("{what} it needs at least one letter"));
    }
    if name.contains("--") {
        return Some(format!("{what} '-' may not be doubled"));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Some(format!("{what} it may not start or end with '-'"));
    }
    None
}

const PORT_RANGE: &str = "is not a valid port number: it must be between 1 and 65535";

fn valid_port(number: i64) -> bool {
    (1..=65535).contains(&number)
}

fn one_of(values: &[&str]) -> String {
    match values {
        [first, second] => format!("{first} or {second}"),
        _ => values.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_names_follow_the_api_servers_rule() {
        for valid in ["http", "metrics", "h2c", "a-b-c", "x1", "abcdefghijklmno"] {
            assert_eq!(service_name_problem(valid), None, "{valid}");
        }
        for invalid in ["HTTP", "8080", "http--alt", "-http", "http-", "abcdefghijklmnop", "http_alt", "a.b"] {
            assert!(service_name_problem(invalid).is_some(), "{invalid}");
        }
    }

    #[test]
    fn label_keys_and_values() {
        for valid in ["app", "app.kubernetes.io/name", "example.com/a_b", "A", "a.b-c_d"] {
            assert_eq!(label_key_problem(valid), None, "{valid}");
        }
        let long = "a".repeat(64);
        for invalid in ["", "/app", "Example.com/app", "a/b/c", "app-", "-app", "exa_mple.com/app", long.as_str()] {
            assert!(label_key_problem(invalid).is_some(), "{invalid:?}");
        }
        // A prefix's dot-separated parts are not limited to 63 characters, only the whole to 253.
        assert_eq!(label_key_problem(&format!("{long}.example.com/app")), None);
        assert!(label_key_problem(&format!("{}/app", "a.".repeat(127))).is_some());
        assert_eq!(label_value_problem(""), None);
        assert_eq!(label_value_problem("v1.2_3-x"), None);
        for invalid in ["v1 ", "a/b", "-x", long.as_str()] {
            assert!(label_value_problem(invalid).is_some(), "{invalid:?}");
        }
    }

    #[test]
    fn budgets() {
        assert_eq!(budget_problem(&Value::from(0)), None);
        assert_eq!(budget_problem(&Value::from("50%")), None);
        assert_eq!(budget_problem(&Value::from("100%")), None);
        assert!(budget_problem(&Value::from(-1)).is_some());
        assert!(budget_problem(&Value::from("101%")).is_some());
        assert!(budget_problem(&Value::from("5")).is_some());
        assert!(budget_problem(&Value::from("%")).is_some());
        assert!(budget_problem(&Value::from("10000%")).is_some());
    }
}
