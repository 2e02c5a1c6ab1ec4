//! End-to-end tests of schema validation from the command line: `--kube-version`, `--crd` (CRD
//! files, JSON schema files and directories), CRDs among the linted files, kustomization files, and
//! `explain` for a rule implemented in Rust. Inputs are written to temporary directories; the
//! binary runs there, so file names in the output are short.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// What one run of the binary did.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}{}", self.stdout, self.stderr))
    }

    /// `rule path` of every finding of the JSON report.
    fn findings(&self) -> Vec<String> {
        let report = self.json();
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| format!("{} {}", f["rule"].as_str().unwrap_or(""), f["path"].as_str().unwrap_or("")))
            .collect()
    }
}

fn plimsoll(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .args(args)
        .current_dir(dir)
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .output()
        .expect("the plimsoll binary runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8"),
    }
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("create directories");
    std::fs::write(path, text).expect("write");
}

const WIDGET_CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: {type: integer, minimum: 1}
                colour: {type: string, enum: [red, green, blue]}
";

const WIDGET: &str = "apiVersion: example.com/v1
kind: Widget
metadata: {name: w, namespace: shop}
spec:
  size: 2
  color: red
";

#[test]
fn custom_resources_are_checked_against_crds_given_with_the_flag() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write(dir.path(), "crds/widget.yaml", WIDGET_CRD);
    write(dir.path(), "app/widget.yaml", WIDGET);
    let unchecked = plimsoll(dir.path(), &["lint", "--format", "json", "app"]);
    assert_eq!(unchecked.code, Some(0), "{}", unchecked.stderr);
    assert_eq!(unchecked.findings(), ["schema/unknown-kind kind"]);
    for crd in ["crds/widget.yaml", "crds"] {
        let checked = plimsoll(dir.path(), &["lint", "--format", "json", "--crd", crd, "app"]);
        assert_eq!(checked.code, Some(1), "--crd {crd}: {}", checked.stderr);
        assert_eq!(checked.findings(), ["schema/unknown-field spec.color"], "--crd {crd}");
        let message = checked.json()["findings"][0]["message"].as_str().unwrap_or("").to_string();
        assert_eq!(message, "unknown field \"color\"; did you mean \"colour\"?");
    }
}

#[test]
fn crds_among_the_linted_files_are_used() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write(dir.path(), "a-widget.yaml", WIDGET);
    write(dir.path(), "z-crd.yaml", WIDGET_CRD);
    let run = plimsoll(dir.path(), &["lint", "--format", "json", "."]);
    assert_eq!(run.findings(), ["schema/unknown-field spec.color"], "{}", run.stderr);
}

#[test]
fn json_schema_directories_are_named_by_group_kind_and_version() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let schema = r#"{"type": "object", "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer"}}, "additionalProperties": false}}}"#;
    write(dir.path(), "schemas/example.com/widget_v1.json", schema);
    write(dir.path(), "widget.yaml", WIDGET);
    let run = plimsoll(dir.path(), &["lint", "--format", "json", "--crd", "schemas", "widget.yaml"]);
    assert_eq!(run.findings(), ["schema/unknown-field spec.color"], "{}", run.stderr);
}

#[test]
fn unusable_schema_sources_are_usage_errors() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write(dir.path(), "widget.yaml", WIDGET);
    write(dir.path(), "notes.yaml", "title: not a CRD\n");
    write(dir.path(), "broken.json", "{");
    for (source, expected) in [
        ("notes.yaml", "notes.yaml: no CustomResourceDefinition with a schema in it"),
        ("broken.json", "broken.json: not JSON"),
        ("missing.yaml", "missing.yaml"),
    ] {
        let run = plimsoll(dir.path(), &["lint", "--crd", source, "widget.yaml"]);
        assert_eq!(run.code, Some(2), "--crd {source}");
        assert!(run.stderr.contains(expected), "--crd {source}: {}", run.stderr);
    }
}

const CRONJOB: &str = "apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: report, namespace: jobs}
spec:
  schedule: '0 3 * * *'
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: report, image: 'registry.example.com/report:1.0.0'}]
";

#[test]
fn kube_version_decides_between_removed_and_deprecated() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write(dir.path(), "cronjob.yaml", CRONJOB);
    let only = ["--only", "schema/removed-api", "--only", "schema/deprecated-api", "--only", "schema/unknown-kind"];
    let lint = |version: &str| {
        let mut args = vec!["lint", "--format", "json", "--kube-version", version];
        args.extend(only);
        args.push("cronjob.yaml");
        plimsoll(dir.path(), &args)
    };
    let current = lint("1.33");
    assert_eq!(current.code, Some(1));
    assert_eq!(current.findings(), ["schema/removed-api apiVersion"]);
    let older = lint("v1.22");
    assert_eq!(older.code, Some(0));
    assert_eq!(older.findings(), ["schema/deprecated-api apiVersion", "schema/unknown-kind kind"]);
    assert_eq!(lint("1.20").findings(), ["schema/unknown-kind kind"]);
    let bad = lint("latest");
    assert_eq!(bad.code, Some(2));
    assert!(bad.stderr.contains("is not a Kubernetes version"), "{}", bad.stderr);
}

#[test]
fn kustomization_files_are_checked_without_api_version() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write(dir.path(), "overlay/kustomization.yaml", "resources: [../base]\ncommonLabels: {app: web}\nvars: []\n");
    write(dir.path(), "overlay/values.yaml", "commonLabels: {app: web}\n");
    // The base it names is not there: rendering the overlay fails (render/error, tested with the
    // renderers in render.rs), the kustomization file is still checked.
    let run = plimsoll(dir.path(), &["lint", "--format", "json", "--disable", "render", "overlay"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.findings(), ["kustomize/deprecated-field commonLabels", "kustomize/deprecated-field vars"]);
    let finding = &run.json()["findings"][0];
    assert_eq!(
        (finding["file"].as_str(), finding["line"].as_u64(), finding["column"].as_u64()),
        (Some("overlay/kustomization.yaml"), Some(2), Some(1))
    );
}

#[test]
fn schema_rules_are_explained_and_can_be_disabled() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let explain = plimsoll(dir.path(), &["explain", "unknown-field"]);
    assert_eq!(explain.code, Some(0));
    assert!(explain
        .stdout
        .starts_with("schema/unknown-field — Fields the schema does not know\nseverity: error, on by default\n"));
    assert!(explain.stdout.contains("How to fix:\n"), "{}", explain.stdout);
    write(dir.path(), "pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: 'a:1', imagePullPolicy: Always, tty: yes, stdinn: true}]\n");
    let only = plimsoll(dir.path(), &["lint", "--format", "json", "--only", "unknown-field", "pod.yaml"]);
    assert_eq!(only.findings(), ["schema/unknown-field spec.containers[0].stdinn"]);
    let disabled = plimsoll(
        dir.path(),
        &["lint", "--format", "json", "--only", "unknown-field", "--disable", "schema/unknown-field", "pod.yaml"],
    );
    assert_eq!(disabled.findings(), Vec::<String>::new());
}
