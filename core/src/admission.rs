//! Admission: an `AdmissionReview` (`admission.k8s.io/v1`) request in, its response out.
//!
//! This is the platform-neutral half of a validating admission webhook; hosts (the wasm package's
//! Node webhook, later perhaps the CLI) own HTTP and TLS. Flow: [`parse_review`] (or serde from any
//! other format) gives an [`AdmissionReview`]; [`admit`] checks its shape, lets through what
//! there is nothing to check in (`DELETE`, `CONNECT`, subresources), fills a missing
//! `metadata.namespace` from the request, evaluates the object with a [`Worker`] as if it had been
//! read from a file, and answers:
//! - findings at or above [`AdmissionOptions::deny_at`] deny the request; `status.message` lists
//!   them, one per line (rule, field path, message);
//! - other warning and error findings become `warnings` (kubectl prints them);
//! - a policy that fails to evaluate (the worker's [`crate::linter::ObjectReport`] carries an
//!   [`EvaluationError`] rather than a verdict) is an internal error, answered per the
//!   [`FailurePolicy`]: denied (`Fail`, the default: fail closed) or allowed with a warning.
//!
//! `oldObject` is never read: an update is judged by the object it leaves behind. The object comes
//! from the API server as JSON, so it has no source text: findings carry field paths, not lines.

use crate::linter::Worker;
use crate::load::position::{PosNode, Span};
use crate::load::Document;
use crate::report::finding::{EvaluationError, Finding, Severity};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;

/// The only AdmissionReview version served.
pub const API_VERSION: &str = "admission.k8s.io/v1";
/// The kind of both request and response documents.
pub const KIND: &str = "AdmissionReview";

/// At most this many findings are listed in a denial's message, and at most this many warnings
/// are returned: the API server and kubectl show them to a person, and truncate long lists anyway.
const MAX_LISTED: usize = 50;

/// What the webhook answers when it cannot evaluate an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum FailurePolicy {
    /// Deny the request (fail closed).
    #[default]
    Fail,
    /// Allow the request, with a warning saying it was not checked.
    Ignore,
}

/// How findings turn into an admission decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdmissionOptions {
    /// Findings at or above this severity deny the request; `None` never denies.
    pub deny_at: Option<Severity>,
    pub failure_policy: FailurePolicy,
}

impl Default for AdmissionOptions {
    fn default() -> Self {
        AdmissionOptions { deny_at: Some(Severity::Error), failure_policy: FailurePolicy::Fail }
    }
}

/// A request that cannot be answered at all: the host should reply `400 Bad Request`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum ReviewError {
    /// The body is not JSON, or not shaped like an AdmissionReview.
    #[error("invalid AdmissionReview JSON: {0}")]
    #[diagnostic(code(plimsoll::admission::json))]
    Json(String),
    /// Well-formed JSON that is not a usable `admission.k8s.io/v1` request.
    #[error("invalid AdmissionReview: {0}")]
    #[diagnostic(code(plimsoll::admission::review))]
    Invalid(String),
}

/// An incoming review. Only the members admission needs are read; the rest are skipped.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct AdmissionReview {
    #[serde(rename = "apiVersion", default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    pub request: Option<AdmissionRequest>,
}

/// The request part of a review (`oldObject` and user info are deliberately not read).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionRequest {
    #[serde(default)]
    pub uid: String,
    /// `CREATE`, `UPDATE`, `DELETE` or `CONNECT`.
    #[serde(default)]
    pub operation: String,
    /// Set for requests to a subresource (`status`, `scale`, `exec`, …).
    #[serde(default)]
    pub sub_resource: Option<String>,
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub object: Option<Value>,
}

/// The review sent back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdmissionReviewResponse {
    #[serde(rename = "apiVersion")]
    pub api_version: &'static str,
    pub kind: &'static str,
    pub response: AdmissionResponse,
}

/// The decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdmissionResponse {
    /// The request's `uid`, echoed.
    pub uid: String,
    pub allowed: bool,
    /// Why the request was denied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// The subset of a Kubernetes `Status` the API server shows for a denial.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    /// HTTP-like code: 403 for policy violations, 500 for internal errors.
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
}

/// Reads a review from JSON text.
pub fn parse_review(text: &str) -> Result<AdmissionReview, ReviewError> {
    serde_json::from_str(text).map_err(|e| ReviewError::Json(e.to_string()))
}

/// Answers one review (see the module docs for the rules).
pub fn admit(
    worker: &mut Worker,
    review: AdmissionReview,
    options: &AdmissionOptions,
) -> Result<AdmissionReviewResponse, ReviewError> {
    let request = checked_request(review)?;
    let response = match object_to_check(&request)? {
        None => allow(&request.uid, Vec::new()),
        Some(object) => {
            let mut result = worker.lint_object(&admission_document(object));
            // Without source positions, field paths give the order: stable and close to the
            // order fields are written in.
            result.findings.sort_by(|a, b| (&a.path, &a.rule, &a.message).cmp(&(&b.path, &b.rule, &b.message)));
            match &result.error {
                Some(error) => internal_error(&request.uid, error, options.failure_policy),
                None => decide(&request.uid, &result.findings, options),
            }
        }
    };
    Ok(AdmissionReviewResponse { api_version: API_VERSION, kind: KIND, response })
}

fn checked_request(review: AdmissionReview) -> Result<AdmissionRequest, ReviewError> {
    if review.api_version != API_VERSION || review.kind != KIND {
        let found = format!("{}/{}", review.api_version, review.kind);
        return Err(ReviewError::Invalid(format!(
            "expected apiVersion {API_VERSION} and kind {KIND}, found {found:?}"
        )));
    }
    let request = review.request.ok_or_else(|| ReviewError::Invalid("no request".into()))?;
    if request.uid.is_empty() {
        return Err(ReviewError::Invalid("request.uid is missing".into()));
    }
    Ok(request)
}

/// The object to evaluate, with the request's namespace filled in; `None` when the request is
/// allowed unchecked (deletions, connections, subresources).
fn object_to_check(request: &AdmissionRequest) -> Result<Option<Value>, ReviewError> {
    let subresource = request.sub_resource.as_deref().is_some_and(|s| !s.is_empty());
    if subresource || matches!(request.operation.as_str(), "DELETE" | "CONNECT") {
        return Ok(None);
    }
    if !matches!(request.operation.as_str(), "CREATE" | "UPDATE") {
        return Err(ReviewError::Invalid(format!("unknown operation {:?}", request.operation)));
    }
    let mut object = match &request.object {
        Some(object @ Value::Object(_)) => object.clone(),
        _ => return Err(ReviewError::Invalid(format!("{} request without an object", request.operation))),
    };
    if let Some(namespace) = request.namespace.as_deref().filter(|ns| !ns.is_empty()) {
        fill_namespace(&mut object, namespace);
    }
    Ok(Some(object))
}

/// Namespaced objects are often submitted without `metadata.namespace` (kubectl -n sets it on the
/// request only); the policies should see the namespace the object will live in.
fn fill_namespace(object: &mut Value, namespace: &str) {
    let Value::Object(fields) = object else { return };
    let metadata = fields.entry("metadata").or_insert_with(|| Value::Object(Default::default()));
    if let Value::Object(metadata) = metadata {
        let missing = metadata.get("namespace").and_then(Value::as_str).is_none_or(str::is_empty);
        if missing {
            metadata.insert("namespace".into(), Value::String(namespace.into()));
        }
    }
}

/// An object from the API server has no source text: its positions are all empty.
fn admission_document(value: Value) -> Document {
    Document {
        file: Arc::from("<admission>"),
        index: 0,
        item: None,
        template: None,
        value,
        positions: PosNode::scalar(Span::default()),
    }
}

fn decide(uid: &str, findings: &[Finding], options: &AdmissionOptions) -> AdmissionResponse {
    let denies = |f: &&Finding| options.deny_at.is_some_and(|threshold| f.severity >= threshold);
    let denied: Vec<&Finding> = findings.iter().filter(denies).collect();
    let warnings: Vec<String> = findings
        .iter()
        .filter(|f| !denies(f) && f.severity >= Severity::Warning)
        .take(MAX_LISTED)
        .map(describe)
        .collect();
    if denied.is_empty() {
        return allow(uid, warnings);
    }
    let status = Status { code: 403, reason: "Forbidden", message: denial_message(&denied) };
    AdmissionResponse { uid: uid.to_string(), allowed: false, status: Some(status), warnings }
}

fn allow(uid: &str, warnings: Vec<String>) -> AdmissionResponse {
    AdmissionResponse { uid: uid.to_string(), allowed: true, status: None, warnings }
}

fn internal_error(uid: &str, error: &EvaluationError, policy: FailurePolicy) -> AdmissionResponse {
    let message = format!("plimsoll could not check this object: {}", error.message());
    match policy {
        FailurePolicy::Fail => {
            let status = Status { code: 500, reason: "InternalError", message };
            AdmissionResponse { uid: uid.to_string(), allowed: false, status: Some(status), warnings: Vec::new() }
        }
        FailurePolicy::Ignore => allow(uid, vec![format!("{message} (allowed: failure policy Ignore)")]),
    }
}

/// `rule at path: message`, one finding per line.
fn denial_message(denied: &[&Finding]) -> String {
    let noun = if denied.len() == 1 { "violation" } else { "violations" };
    let mut message = format!("{} policy {noun}:", denied.len());
    for finding in denied.iter().take(MAX_LISTED) {
        message.push_str("\n- ");
        message.push_str(&describe(finding));
    }
    if denied.len() > MAX_LISTED {
        message.push_str(&format!("\n- … and {} more", denied.len() - MAX_LISTED));
    }
    message
}

fn describe(finding: &Finding) -> String {
    match &finding.path {
        Some(path) if !path.segments().is_empty() => format!("{} at {path}: {}", finding.rule, finding.message),
        _ => format!("{}: {}", finding.rule, finding.message),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::report::finding::Location;
    use crate::report::suppress::Exemption;
    use crate::Linter;
    use serde_json::json;

    fn review(operation: &str, object: Value) -> AdmissionReview {
        let text = json!({
            "apiVersion": API_VERSION, "kind": KIND,
            "request": {"uid": "u-1", "operation": operation, "namespace": "shop", "object": object,
                        "oldObject": {"kind": "ignored"}}
        });
        serde_json::from_value(text).unwrap()
    }

    fn pod(privileged: bool, image: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
               "spec": {"containers": [{"name": "app", "image": image, "securityContext": {"privileged": privileged},
                                        "readinessProbe": {"exec": {"command": ["true"]}},
                                        "resources": {"limits": {"memory": "1Gi"}}}]}})
    }

    /// Answers with four rules, so that each test's object trips exactly the rules it means to.
    fn answer(review: AdmissionReview, options: AdmissionOptions) -> AdmissionResponse {
        let rules = ["security-context/privileged", "images/latest-tag", "probes/readiness", "resources/memory-limits"];
        let linter = Linter::builder().only(rules).build().unwrap();
        admit(&mut linter.worker(), review, &options).unwrap().response
    }

    #[test]
    fn clean_object_is_allowed_and_uid_echoed() {
        let response = answer(review("CREATE", pod(false, "nginx:1.27")), AdmissionOptions::default());
        assert_eq!(response, allow("u-1", vec![]));
    }

    #[test]
    fn errors_deny_with_rule_path_and_message() {
        let response = answer(review("UPDATE", pod(true, "nginx:1.27")), AdmissionOptions::default());
        assert!(!response.allowed);
        let status = response.status.unwrap();
        assert_eq!(status.code, 403);
        assert_eq!(
            status.message,
            "1 policy violation:\n- security-context/privileged at spec.containers[0].securityContext.privileged: container \"app\" runs privileged"
        );
    }

    #[test]
    fn warnings_are_returned_and_never_deny_by_default() {
        let response = answer(review("CREATE", pod(false, "nginx")), AdmissionOptions::default());
        assert!(response.allowed);
        assert_eq!(response.warnings.len(), 1, "{:?}", response.warnings);
        assert!(response.warnings[0].starts_with("images/latest-tag at spec.containers[0].image: "));
    }

    #[test]
    fn deny_threshold_can_include_warnings_or_nothing() {
        let warning = AdmissionOptions { deny_at: Some(Severity::Warning), ..Default::default() };
        assert!(!answer(review("CREATE", pod(false, "nginx")), warning).allowed);
        let never = AdmissionOptions { deny_at: None, ..Default::default() };
        let response = answer(review("CREATE", pod(true, "nginx")), never);
        assert!(response.allowed);
        assert_eq!(response.warnings.len(), 2);
    }

    #[test]
    fn deletes_and_subresources_are_allowed_unchecked() {
        let response = answer(review("DELETE", Value::Null), AdmissionOptions::default());
        assert!(response.allowed);
        let mut scale = review("UPDATE", pod(true, "nginx"));
        scale.request.as_mut().unwrap().sub_resource = Some("status".into());
        assert!(answer(scale, AdmissionOptions::default()).allowed);
    }

    #[test]
    fn request_namespace_fills_a_missing_one_only() {
        let mut object = json!({"metadata": {"name": "p"}});
        fill_namespace(&mut object, "shop");
        assert_eq!(object["metadata"]["namespace"], "shop");
        let mut object = json!({"metadata": {"namespace": "own"}});
        fill_namespace(&mut object, "shop");
        assert_eq!(object["metadata"]["namespace"], "own");
    }

    #[test]
    fn malformed_reviews_are_errors() {
        assert!(matches!(parse_review("{"), Err(ReviewError::Json(_))));
        let linter = Linter::builder().build().unwrap();
        let mut worker = linter.worker();
        let wrong_version =
            parse_review(r#"{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"x"}}"#)
                .unwrap();
        assert!(matches!(
            admit(&mut worker, wrong_version, &AdmissionOptions::default()),
            Err(ReviewError::Invalid(_))
        ));
        let no_uid = review("CREATE", pod(false, "nginx:1"));
        let mut no_uid = no_uid;
        no_uid.request.as_mut().unwrap().uid.clear();
        assert!(matches!(admit(&mut worker, no_uid, &AdmissionOptions::default()), Err(ReviewError::Invalid(_))));
        let no_object = review("CREATE", Value::Null);
        assert!(matches!(admit(&mut worker, no_object, &AdmissionOptions::default()), Err(ReviewError::Invalid(_))));
    }

    #[test]
    fn annotations_and_exemptions_suppress_as_in_files() {
        let mut annotated = pod(true, "nginx:1");
        annotated["metadata"]["annotations"] =
            json!({"plimsoll.io/ignore": "privileged", "plimsoll.io/ignore-reason": "node agent"});
        let answered = answer(review("CREATE", annotated.clone()), AdmissionOptions::default());
        assert!(answered.allowed, "{answered:?}");

        let rules = ["security-context/privileged"];
        let no_inline = Linter::builder().only(rules).inline_ignores(false).build().unwrap();
        let denied = admit(&mut no_inline.worker(), review("CREATE", annotated), &AdmissionOptions::default()).unwrap();
        assert!(!denied.response.allowed, "annotations are off: {:?}", denied.response);

        // The request's namespace fills the object's, so a namespace exemption covers it.
        let exemption = Exemption {
            rules: rules.iter().map(|r| r.to_string()).collect(),
            namespaces: vec!["sh*".into()],
            ..Default::default()
        };
        let exempting = Linter::builder().only(rules).exempt(exemption).build().unwrap();
        let allowed =
            admit(&mut exempting.worker(), review("CREATE", pod(true, "nginx:1")), &AdmissionOptions::default())
                .unwrap();
        assert!(allowed.response.allowed, "{:?}", allowed.response);
    }

    #[test]
    fn evaluation_failures_follow_the_failure_policy() {
        let document = admission_document(serde_json::json!({"apiVersion": "v1", "kind": "Pod"}));
        let failure = EvaluationError { at: Location::of_document(&document), reason: "boom".into() };
        let closed = internal_error("u", &failure, FailurePolicy::Fail);
        assert!(!closed.allowed);
        assert_eq!(closed.status.unwrap().code, 500);
        let open = internal_error("u", &failure, FailurePolicy::Ignore);
        assert!(open.allowed);
        assert!(open.warnings[0].contains("boom"), "{:?}", open.warnings);
    }
}
