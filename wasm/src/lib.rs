//! plimsoll compiled to WebAssembly: the same linter as the CLI, driven from JavaScript.
//!
//! The [`Linter`] class mirrors core one-to-one:
//! - `new Linter(config?)` reads a [`config::Config`] object and builds core's linter once (all
//!   policies compiled); a bad configuration throws before anything is linted;
//! - `lint(text, fileName?)` returns the normative JSON report as a plain object, with UTF-16
//!   positions added for editors ([`report`]);
//! - `rules()` returns the rule catalog (as `plimsoll rules --format json`, plus `enabled`);
//! - `admit(review)` answers an AdmissionReview with core's [`admission`] logic;
//! - `version()` is the package version.
//!
//! Results cross into JavaScript through serde-wasm-bindgen as plain objects; their TypeScript
//! types are published in the generated `.d.ts` (see `TYPES` below; a Node test checks real
//! results against them). Every error is a JS `Error` with a `code` ([`error`]).
//!
//! The linter keeps one core [`Worker`] (its own copy of the prepared engine): wasm runs on one
//! thread, so calls never overlap and each reuses the same evaluator.

pub mod config;
pub mod error;
pub mod report;

use error::{codes, JsFailure};
use plimsoll_core::admission::{self, AdmissionOptions, AdmissionReview, ReviewError};
use plimsoll_core::{Report, RuleMeta, Severity, Worker};
use serde::Serialize;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// The types of the objects the `Linter` methods take and return.
#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** A finding's severity. */
export type Severity = "error" | "warning" | "info";

/** Options for `new Linter(config)`. Every key is optional; unknown keys are errors. */
export interface LinterConfig {
  /** The text of a `.plimsoll.yaml`, read as the CLI reads it (rules, severities, settings, exemptions, `fail_on`); the other keys apply on top of it, as the CLI's flags do. */
  configFile?: string;
  /** Run only these rules (IDs or unambiguous short names); `enable`/`disable` apply on top. */
  only?: string[];
  /** Turn on rules that are off by default. */
  enable?: string[];
  /** Turn rules off. */
  disable?: string[];
  /** Report a rule's findings at another severity: `{ "latest-tag": "error" }`. */
  severity?: Record<string, Severity>;
  /** Lowest severity that sets `LintReport.failed` and denies admission (default `"error"`). */
  failOn?: Severity | "never";
  /** The Pod Security Standards level (default `"restricted"`) and policy version (`"latest"`, the default, or `"v1.0"` … `"v1.37"`) the security-context rules check. */
  pss?: { level?: "baseline" | "restricted"; version?: string };
  /** Allow images only from these registries or repository prefixes (`"ghcr.io/acme"`); turns on images/registry (the CLI's `--allowed-registry`). */
  allowedRegistries?: string[];
  /** The Kubernetes release (`"1.N"`, default `"1.33"`) whose removed and deprecated APIs are reported (the CLI's `--kube-version`). */
  kubeVersion?: string;
  /** The text linted is the whole deployment (the CLI's `--complete-input`): rules that report a missing object (a Service selecting no pod, a ServiceAccount not in the text) report. Each `lint()` call is one run; `admit()` sees one object and no others. */
  completeInput?: boolean;
  /** Texts of CustomResourceDefinitions whose schemas custom resources are checked against (the CLI's `--crd`). The Node build reads them; the browser build has no schema validation (for size), so there any CRD given makes the constructor throw an error with code `plimsoll::not_in_build` (an empty list is accepted). */
  crds?: string[];
  /** Other rule settings, readable by policies as `data.plimsoll.config.<key>`. */
  settings?: Record<string, unknown>;
  /** How `admit()` answers when policies cannot be evaluated (default `"Fail"`: deny). */
  failurePolicy?: "Fail" | "Ignore";
  /** A starting set of rules, as the CLI's `--profile`: `"supply-chain"` adds the image provenance rules (digest pinning, registries, signatures). */
  profile?: "default" | "all" | "supply-chain" | "availability" | "hardening";
  /** Public keys images/signature trusts, as cosign writes them (`cosign.pub`, PEM): giving any turns the rule on. A `name` is how findings refer to the key (default `trustedKeys[i]`). */
  trustedKeys?: Array<string | { name: string; pem: string }>;
  /** Signature material: `cosign download signature` output (JSON lines), or an OCI layout as `cosign save` writes it, each file by its path in the layout (`index.json`, `blobs/sha256/<hex>`). */
  signatures?: Array<string | { name?: string; text: string } | { name?: string; layout: Record<string, string> }>;
}

/** A point in the linted text. */
export interface Position {
  /** 1-based line. */
  line: number;
  /** 1-based column in characters (Unicode scalar values), as the CLI reports it. */
  column: number;
  /** 0-based offset in UTF-8 bytes. */
  offset: number;
  /** 0-based offset in UTF-16 code units: an index into the JavaScript string. */
  utf16Offset: number;
  /** 1-based column in UTF-16 code units. */
  utf16Column: number;
}

/** The offending text: `start` inclusive, `end` exclusive. */
export interface Span {
  start: Position;
  end: Position;
}

/** The object a finding is about. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name?: string;
}

/** One problem, located at the offending field. */
export interface Finding {
  /** Rule ID, `<category>/<name>`. */
  rule: string;
  severity: Severity;
  message: string;
  /** The `fileName` given to `lint()`. */
  file: string;
  /** 1-based line of the offending field (= `span.start.line`). */
  line: number;
  /** 1-based column in characters (= `span.start.column`). */
  column: number;
  /** Field path, e.g. `spec.template.spec.containers[0].image`. */
  path?: string;
  object?: ObjectRef;
  /** The Helm template the document was rendered from. */
  template?: string;
  /** 0-based index of the YAML document within the text. */
  document: number;
  span: Span;
}

/** Counts over the report. */
export interface Summary {
  files: number;
  documents: number;
  findings: number;
  errors: number;
  warnings: number;
  infos: number;
  /** Findings an exemption or a `plimsoll.io/ignore` annotation or `# plimsoll-ignore:` comment suppressed; present only when non-zero. */
  suppressed?: number;
}

/** What `lint()` returns: the CLI's `--format json` report, plus `failed` and positions for editors. */
export interface LintReport {
  version: 1;
  findings: Finding[];
  summary: Summary;
  /** A finding is at or above `failOn` (the CLI would exit with status 1). */
  failed: boolean;
}

/** A built-in rule, as `plimsoll rules --format json` lists it, plus whether this linter runs it. */
export interface RuleInfo {
  id: string;
  title: string;
  description: string;
  remediation: string;
  severity: Severity;
  /** Enabled when no configuration says otherwise. */
  default: boolean;
  /** A setting that turns the rule on when given (`images.allowed_registries`). */
  enabled_by?: string;
  /** The parameters the rule reads from `settings["<rule-id>"]`, checked when the linter is built. */
  parameters?: RuleParameter[];
  related_resources: string[];
  /** Pod Security Admission check ID, for Pod Security Standards rules. */
  pss_check?: string;
  /** Pod Security Standards level. */
  level?: string;
  /** The first Pod Security Standards version with the check (`v1.0`, `v1.22`, …). */
  since?: string;
  scope: "all-objects" | "pod-spec" | "kinds";
  /** The object kinds a `kinds`-scoped rule looks at. */
  kinds?: string[];
  /** Some findings (`partly`) or all (`required`) are about an object missing from the input, and appear only when the input is declared complete (`completeInput`). */
  complete_input?: "required" | "partly";
  /** How the rule is implemented: a Rego policy, or in Rust (schema validation, API versions, kustomizations). */
  engine: "rego" | "native";
  /** A manifest the rule reports and one it accepts. */
  examples?: { fail: string; pass: string };
  /** This linter runs the rule. */
  enabled: boolean;
}

/** One parameter of a rule (or field of an object parameter). */
export interface RuleParameter {
  name: string;
  type: "integer" | "string" | "boolean" | "regex" | "list" | "object";
  description: string;
  default?: unknown;
  /** Integers: the smallest value accepted. */
  minimum?: number;
  /** Object fields: must be given. */
  required?: boolean;
  /** Lists: the items' type (`{type, ...}` without name or description). */
  items?: object;
  /** Objects: their fields. */
  fields?: RuleParameter[];
}

/** An `admission.k8s.io/v1` AdmissionReview request (only the members `admit()` reads are typed). */
export interface AdmissionReview {
  apiVersion: "admission.k8s.io/v1";
  kind: "AdmissionReview";
  request: {
    uid: string;
    operation: "CREATE" | "UPDATE" | "DELETE" | "CONNECT";
    subResource?: string;
    namespace?: string;
    name?: string;
    object?: unknown;
    oldObject?: unknown;
    [member: string]: unknown;
  };
}

/** The AdmissionReview `admit()` answers with. */
export interface AdmissionReviewResponse {
  apiVersion: "admission.k8s.io/v1";
  kind: "AdmissionReview";
  response: {
    /** The request's uid. */
    uid: string;
    allowed: boolean;
    /** Why the request was denied: 403 for policy violations, 500 for internal errors. */
    status?: { code: number; reason: string; message: string };
    warnings?: string[];
  };
}

/** Every error the package throws: `code` names the failure (`plimsoll::unknown_rule`, `plimsoll::config`, …). */
export interface PlimsollError extends Error {
  code: string;
}
"#;

/// A prepared linter.
#[wasm_bindgen]
pub struct Linter {
    linter: plimsoll_core::Linter,
    worker: RefCell<Worker>,
    fail_on: Option<Severity>,
    admission: AdmissionOptions,
}

#[wasm_bindgen]
impl Linter {
    /// Builds a linter: selects rules, applies settings and compiles every policy once.
    /// Throws a `PlimsollError` for an invalid configuration or an unknown rule.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "LinterConfig")] config: Option<JsValue>,
    ) -> Result<Linter, JsValue> {
        let config = read_config(config)?;
        let (builder, settings) =
            config.builder().map_err(|e| JsFailure::new(codes::CONFIG, format!("invalid configuration: {e}")))?;
        let linter = builder.build().map_err(|e| JsFailure::from_diagnostic(&e))?;
        let worker = RefCell::new(linter.worker());
        Ok(Linter { worker, fail_on: settings.fail_threshold(), admission: config.admission(&settings), linter })
    }

    /// Lints one text (a YAML stream or JSON) named `fileName` (default `"<input>"`).
    #[wasm_bindgen(unchecked_return_type = "LintReport")]
    pub fn lint(
        &self,
        text: &str,
        #[wasm_bindgen(js_name = fileName)] file_name: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let name = file_name.as_deref().unwrap_or("<input>");
        let file = self.with_worker(|worker| worker.lint(name, text))?;
        let report = Report::from_files(vec![file]);
        to_js(&report::JsReport::new(&report, text, self.fail_on))
    }

    /// Every built-in rule, enabled or not, sorted by ID.
    #[wasm_bindgen(unchecked_return_type = "RuleInfo[]")]
    pub fn rules(&self) -> Result<JsValue, JsValue> {
        let enabled = self.linter.enabled_rules();
        let rules: Vec<RuleInfo> = self
            .linter
            .catalog()
            .iter()
            .map(|meta| RuleInfo { enabled: enabled.contains(&meta.id.as_str()), meta })
            .collect();
        to_js(&rules)
    }

    /// Answers an AdmissionReview request, given as an object or as its JSON text (cheaper for a
    /// webhook, which has the text already). Throws a `PlimsollError` with code
    /// `plimsoll::admission::json` or `plimsoll::admission::review` when the request cannot be
    /// answered at all (a webhook replies 400).
    #[wasm_bindgen(unchecked_return_type = "AdmissionReviewResponse")]
    pub fn admit(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AdmissionReview | string")] review: JsValue,
    ) -> Result<JsValue, JsValue> {
        let review = read_review(review)?;
        let response = self
            .with_worker(|worker| admission::admit(worker, review, &self.admission))?
            .map_err(|e| JsFailure::from_diagnostic(&e))?;
        to_js(&response)
    }

    /// The package version.
    pub fn version(&self) -> String {
        env!("CARGO_PKG_VERSION").to_string()
    }
}

impl Linter {
    /// Runs `f` with the worker; a second borrow can only happen if an earlier call trapped midway.
    fn with_worker<T>(&self, f: impl FnOnce(&mut Worker) -> T) -> Result<T, JsFailure> {
        let mut worker = self
            .worker
            .try_borrow_mut()
            .map_err(|_| JsFailure::new(codes::BUSY, "the linter is unusable after an earlier call failed midway"))?;
        Ok(f(&mut worker))
    }
}

/// A rule's metadata plus whether this linter runs it.
#[derive(Serialize)]
struct RuleInfo<'a> {
    #[serde(flatten)]
    meta: &'a RuleMeta,
    enabled: bool,
}

/// `undefined`/`null` mean the defaults.
fn read_config(config: Option<JsValue>) -> Result<config::Config, JsFailure> {
    match config {
        Some(value) if !value.is_null() && !value.is_undefined() => {
            if !value.is_object() || js_sys::Array::is_array(&value) {
                return Err(JsFailure::new(codes::CONFIG, "the configuration must be an object"));
            }
            // Through a JSON value: deserialising a struct straight from a JS object reads only
            // the known keys, and a misspelt key must be an error.
            let invalid =
                |e: &dyn std::fmt::Display| JsFailure::new(codes::CONFIG, format!("invalid configuration: {e}"));
            let value: serde_json::Value = serde_wasm_bindgen::from_value(value).map_err(|e| invalid(&e))?;
            config::Config::from_json(value).map_err(|e| invalid(&e))
        }
        _ => Ok(config::Config::default()),
    }
}

fn read_review(review: JsValue) -> Result<AdmissionReview, JsFailure> {
    let parsed = match review.as_string() {
        Some(text) => admission::parse_review(&text),
        None => serde_wasm_bindgen::from_value(review).map_err(|e| ReviewError::Json(e.to_string())),
    };
    parsed.map_err(|e| JsFailure::from_diagnostic(&e))
}

/// Plain objects (not `Map`s), absent optional members left out.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).map_err(|e| JsFailure::new(codes::CONVERSION, e.to_string()).into())
}
