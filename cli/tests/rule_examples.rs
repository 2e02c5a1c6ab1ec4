//! The examples in each rule's metadata (`custom.examples`, shown by `plimsoll explain` and the
//! rule reference) do what they claim: linted with that rule alone, the failing example gets
//! findings of that rule and the passing one gets none. The examples are also valid manifests:
//! the schema and kustomization rules find nothing in them but what the example is about.
//!
//! Rules that have nothing to check without a setting (`enabled_by`) run with the settings in
//! [`settings_for`]; every other rule runs with the defaults (Pod Security Standards: restricted,
//! latest version), so each example shows what a user gets without configuring anything. Rules
//! that report only missing objects (`complete_input: required`) run with `--complete-input`, as
//! their pages say; each example is then the whole deployment.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Command-line settings a rule needs before it can report anything.
fn settings_for(rule: &str) -> Vec<String> {
    let walkthrough = root().join("testdata/examples/supply-chain");
    let args: Vec<String> = match rule {
        "images/registry" => vec!["--allowed-registry".into(), "ghcr.io/acme".into()],
        // The key and signatures of the supply-chain walkthrough: the passing example is one of its
        // signed images.
        "images/signature" => vec![
            "--trusted-key".into(),
            walkthrough.join("cosign.pub").display().to_string(),
            "--signatures".into(),
            walkthrough.join("signatures").display().to_string(),
        ],
        // The settings each example states in its first line.
        "metadata/required-labels" | "metadata/required-annotations" => {
            vec!["--config".into(), root().join("testdata/settings/rule-examples.yaml").display().to_string()]
        }
        _ => Vec::new(),
    };
    args
}

fn plimsoll(dir: &Path, args: &[String]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .current_dir(dir)
        .args(["lint", "--quiet", "--format", "json", "--fail-on", "never"])
        // Settings come from the arguments: a configuration file named there, or none at all.
        .args(if args.iter().any(|a| a == "--config") { None } else { Some("--no-config") })
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("plimsoll runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "plimsoll {args:?}: {stderr}");
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("plimsoll {args:?}: not JSON ({e}): {stderr}"))
}

/// The rules each file got findings of, and how many.
fn findings_by_file(report: &Value) -> BTreeMap<String, BTreeMap<String, usize>> {
    let mut by_file: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for finding in report["findings"].as_array().into_iter().flatten() {
        let file = finding["file"].as_str().unwrap_or_default().to_string();
        let rule = finding["rule"].as_str().unwrap_or_default().to_string();
        *by_file.entry(file).or_default().entry(rule).or_default() += 1;
    }
    by_file
}

fn catalog() -> Vec<Value> {
    let output =
        Command::new(env!("CARGO_BIN_EXE_plimsoll")).args(["rules", "--format", "json"]).output().expect("runs");
    let rules: Value = serde_json::from_slice(&output.stdout).expect("the catalog as JSON");
    rules.as_array().cloned().unwrap_or_default()
}

/// Writes every rule's examples to `dir` as `<category>--<name>--{fail,pass}.yaml`. The render
/// rules' examples are a chart's or a kustomization's file, which only mean something in their
/// folder beside the renderer: cli/tests/render.rs runs them.
fn write_examples(dir: &Path, rules: &[Value]) -> Vec<(String, PathBuf, PathBuf)> {
    rules
        .iter()
        .filter(|rule| !rule["id"].as_str().unwrap_or_default().starts_with("render/"))
        .map(|rule| {
            let id = rule["id"].as_str().expect("an id").to_string();
            let examples = &rule["examples"];
            assert!(examples.is_object(), "{id} has no examples in its metadata");
            let stem = id.replace('/', "--");
            let fail = dir.join(format!("{stem}--fail.yaml"));
            let pass = dir.join(format!("{stem}--pass.yaml"));
            std::fs::write(&fail, examples["fail"].as_str().expect("fail is text")).expect("writes");
            std::fs::write(&pass, examples["pass"].as_str().expect("pass is text")).expect("writes");
            (id, fail, pass)
        })
        .collect()
}

#[test]
fn each_rule_reports_its_failing_example_and_not_its_passing_one() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let rules = catalog();
    assert!(rules.len() > 40, "the catalog lists the built-in rules");
    let mut wrong = Vec::new();
    let complete: Vec<&str> =
        rules.iter().filter(|r| r["complete_input"] == "required").filter_map(|r| r["id"].as_str()).collect();
    for (id, fail, pass) in write_examples(dir.path(), &rules) {
        // Each example on its own: a CRD in one would give the other a schema.
        let run = |example: &Path| {
            let mut args = vec!["--only".to_string(), id.clone()];
            args.extend(settings_for(&id));
            if complete.contains(&id.as_str()) {
                args.push("--complete-input".into());
            }
            args.push(example.display().to_string());
            findings_by_file(&plimsoll(dir.path(), &args)).remove(&example.display().to_string()).unwrap_or_default()
        };
        let fail_rules = run(&fail);
        if fail_rules.keys().ne([&id]) {
            wrong.push(format!("{id}: the failing example got {fail_rules:?}, expected findings of {id} only"));
        }
        let pass_rules = run(&pass);
        if !pass_rules.is_empty() {
            wrong.push(format!("{id}: the passing example got {pass_rules:?}, expected nothing"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn examples_are_valid_manifests() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let rules = catalog();
    let examples = write_examples(dir.path(), &rules);
    // The rules implemented in Rust: schema validation, API lifecycle and kustomization fields.
    let mut args: Vec<String> = rules
        .iter()
        .filter(|rule| rule["engine"] == "native")
        .flat_map(|rule| ["--only".to_string(), rule["id"].as_str().unwrap_or_default().to_string()])
        .collect();
    assert!(args.len() >= 2 * 9, "the schema rules are in the catalog: {args:?}");
    args.push(dir.path().display().to_string());
    let by_file = findings_by_file(&plimsoll(dir.path(), &args));
    let mut wrong = Vec::new();
    for (id, fail, pass) in &examples {
        for (file, allowed) in [(fail, Some(id)), (pass, None)] {
            let got = by_file.get(&file.display().to_string()).cloned().unwrap_or_default();
            let unexpected: Vec<&String> = got.keys().filter(|rule| Some(*rule) != allowed).collect();
            if !unexpected.is_empty() {
                wrong.push(format!("{}: {unexpected:?}", file.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "examples the schema rules reject:\n{}", wrong.join("\n"));
}
