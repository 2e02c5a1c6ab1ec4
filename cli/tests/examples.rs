//! The bundled examples (testdata/examples) against the findings the default catalog should
//! report for them, listed in testdata/examples/expected.yaml as `line rule` entries.
//!
//! Every example must be listed and every listed file must exist. On a difference the test prints,
//! for each example, what it expected and what the linter reported, in the file's own format.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/examples")
}

/// `file → ["line rule", …]` from expected.yaml (comments ignored).
fn expected() -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(examples_dir().join("expected.yaml")).expect("expected.yaml is readable");
    let parsed: BTreeMap<String, Vec<String>> = serde_yaml::from_str(&text).expect("expected.yaml: file → list");
    parsed
        .into_iter()
        .map(|(file, entries)| {
            let mut entries: Vec<String> =
                entries.iter().map(|e| e.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
            entries.sort_by_key(|e| sort_key(e));
            (file, entries)
        })
        .collect()
}

fn sort_key(entry: &str) -> (u64, String) {
    let (line, rule) = entry.split_once(' ').unwrap_or((entry, ""));
    (line.parse().unwrap_or(u64::MAX), rule.to_string())
}

/// `["line rule", …]` the linter reports for one example, with the default catalog.
fn reported(file: &str) -> Vec<String> {
    let output = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .args(["lint", "--format", "json", "--fail-on", "never", file])
        .current_dir(examples_dir())
        .output()
        .expect("the plimsoll binary runs");
    assert!(output.stderr.is_empty(), "{file}: {}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    let mut entries: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| format!("{} {}", f["line"], f["rule"].as_str().unwrap_or("?")))
        .collect();
    entries.sort_by_key(|e| sort_key(e));
    entries
}

fn yaml_list(entries: &[String]) -> String {
    if entries.is_empty() {
        return " []\n".into();
    }
    entries.iter().map(|e| format!("\n  - {e}")).collect::<String>() + "\n"
}

#[test]
fn examples_report_the_expected_findings() {
    let expected = expected();
    let mut files: Vec<String> = std::fs::read_dir(examples_dir())
        .expect("testdata/examples")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yaml") && name != "expected.yaml")
        .collect();
    files.sort();
    let listed: Vec<&String> = expected.keys().collect();
    assert_eq!(files.iter().collect::<Vec<_>>(), listed, "expected.yaml must list exactly the examples");

    let mut differences = String::new();
    for file in &files {
        let got = reported(file);
        if got != expected[file] {
            differences.push_str(&format!(
                "{file}: expected{}{file}: reported{}",
                yaml_list(&expected[file]),
                yaml_list(&got)
            ));
        }
    }
    assert!(differences.is_empty(), "examples differ from testdata/examples/expected.yaml:\n{differences}");
}
