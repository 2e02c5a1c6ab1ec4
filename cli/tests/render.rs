//! Helm charts and Kustomize overlays, rendered with the real tools and linted as deployed, their
//! findings placed in the files the user edits.
//!
//! The placement suite lints `testdata/render/<renderer>/` and compares every finding with the
//! expectation comments written in the sources (testdata/render/README.md): each finding must land
//! on a line that expects its rule, at the expected column, and each expectation must be met. The
//! score line counts the findings placed at an expected line. Tests that need helm or kustomize
//! (or kubectl) skip without them locally and fail in CI.

mod common;

use common::{plimsoll_in, root, skip_or_fail, work_tree, write_files};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Whether a program runs (`<program> <args>` succeeds).
fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program).args(args).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

fn kustomize_available() -> bool {
    runs("kustomize", &["version"]) || runs("kubectl", &["version", "--client"])
}

fn helm_available() -> bool {
    runs("helm", &["version"])
}

/// One expected finding: rule, file (as reports name it, relative to the linted folder's
/// parent), line and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    file: String,
    line: u64,
    column: u64,
    rule: String,
}

/// The expectation comments of every file under `dir`, files named relative to `base`.
fn expectations(dir: &Path, base: &Path) -> BTreeSet<Expected> {
    let mut found = BTreeSet::new();
    let mut files: Vec<PathBuf> = walk(dir);
    files.sort();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        let name = file.strip_prefix(base).expect("under base").display().to_string();
        for (index, line) in text.lines().enumerate() {
            let Some(at) = line.find("# expect: ") else { continue };
            let body = &line[at + "# expect: ".len()..];
            // `<rule> at <file>:<line>:<column>`, for files that cannot hold comments (JSON).
            if let Some((rule, place)) = body.split_once(" at ") {
                let mut parts = place.trim().rsplitn(3, ':');
                let (column, line, other) = (parts.next(), parts.next(), parts.next());
                let folder = Path::new(&name).parent().unwrap_or(Path::new(""));
                found.insert(Expected {
                    file: folder.join(other.expect("a file")).display().to_string(),
                    line: line.and_then(|l| l.parse().ok()).expect("a line"),
                    column: column.and_then(|c| c.parse().ok()).expect("a column"),
                    rule: rule.trim().to_string(),
                });
                continue;
            }
            for rule in body.split(',').map(str::trim).filter(|r| !r.is_empty()) {
                found.insert(Expected {
                    file: name.clone(),
                    line: index as u64 + 1,
                    column: expected_column(&line[..at]),
                    rule: rule.to_string(),
                });
            }
        }
    }
    found
}

/// The column an expectation on `line` (its text before the comment) means: a list item's first
/// character after `- `; else a `key: value`'s value (a flow sequence's first item), a `key:`
/// alone its key; a line holding only the comment, column 1.
fn expected_column(line: &str) -> u64 {
    let indent = line.len() - line.trim_start().len();
    let content = line.trim();
    if content.is_empty() {
        return 1;
    }
    if let Some(item) = content.strip_prefix("- ") {
        return (indent + 2 + (item.len() - item.trim_start().len()) + 1) as u64;
    }
    match content.split_once(": ") {
        Some((key, value)) => {
            let value_start = indent + key.len() + 2 + (value.len() - value.trim_start().len());
            let flow = if value.trim_start().starts_with('[') { 1 } else { 0 };
            (value_start + flow + 1) as u64
        }
        None => (indent + 1) as u64,
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("reads the folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Every finding of a report as an [`Expected`].
fn placed(report: &Value) -> Vec<Expected> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| Expected {
            file: f["file"].as_str().expect("file").to_string(),
            line: f["line"].as_u64().expect("line"),
            column: f["column"].as_u64().expect("column"),
            rule: f["rule"].as_str().expect("rule").to_string(),
        })
        .collect()
}

/// Lints `testdata/render/<suite>` (from `testdata/render`) with `extra` arguments and checks every
/// finding against the expectations; records the score.
fn placement_suite(suite: &str, extra: &[&str]) {
    let base = root().join("testdata/render");
    let mut args = vec!["lint", "--no-config", "--quiet", "--format", "json", "--fail-on", "never"];
    args.extend(extra);
    args.push(suite);
    let run = plimsoll_in(&base, &args);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    let findings = placed(&run.json());
    let expected = expectations(&base.join(suite), &base);
    let expected_lines: BTreeSet<(&str, u64, &str)> =
        expected.iter().map(|e| (e.file.as_str(), e.line, e.rule.as_str())).collect();
    let at_expected_line =
        findings.iter().filter(|f| expected_lines.contains(&(f.file.as_str(), f.line, f.rule.as_str()))).count();
    common::record_score(&format!(
        "render placement ({suite}): {at_expected_line}/{} findings at the expected line",
        findings.len()
    ));
    let got: BTreeSet<Expected> = findings.iter().cloned().collect();
    let unexpected: Vec<&Expected> = got.difference(&expected).collect();
    let missing: Vec<&Expected> = expected.difference(&got).collect();
    assert!(
        unexpected.is_empty() && missing.is_empty() && got.len() == findings.len(),
        "findings not expected: {unexpected:#?}\nexpected, not found: {missing:#?}\n{}",
        run.stdout
    );
}

#[test]
fn kustomize_findings_land_on_the_lines_the_sources_expect() {
    if !kustomize_available() {
        return skip_or_fail("neither kustomize nor kubectl is installed");
    }
    placement_suite("kustomize", &["--policy", "kustomize/policy"]);
}

#[test]
fn rendering_leaves_the_users_files_as_they_are() {
    if !kustomize_available() {
        return skip_or_fail("neither kustomize nor kubectl is installed");
    }
    let dir = work_tree();
    write_files(
        dir.path(),
        &[
            ("base/kustomization.yaml", "resources: [pod.yaml]\n"),
            ("base/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n    - name: a\n      image: a:1\n"),
            ("prod/kustomization.yaml", "resources: [../base]\nnamePrefix: prod-\n"),
        ],
    );
    let before: Vec<(PathBuf, String)> =
        walk(dir.path()).into_iter().map(|p| (p.clone(), std::fs::read_to_string(&p).unwrap_or_default())).collect();
    let run = plimsoll_in(dir.path(), &["lint", "--format", "json", "--only", "privileged", "."]);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    let after: Vec<(PathBuf, String)> =
        walk(dir.path()).into_iter().map(|p| (p.clone(), std::fs::read_to_string(&p).unwrap_or_default())).collect();
    assert_eq!(before, after, "the files changed");
    // The base is judged through the overlay only, and its pod file once.
    assert_eq!(run.json()["summary"]["files"], 3, "{}", run.stdout);
}

#[test]
fn findings_in_a_base_with_lone_carriage_returns_and_a_byte_order_mark_are_shown_at_their_line() {
    if !kustomize_available() {
        return skip_or_fail("neither kustomize nor kubectl is installed");
    }
    let dir = work_tree();
    let pod = "\u{feff}apiVersion: v1\rkind: Pod\rmetadata:\r  name: web\rspec:\r  containers:\r    - name: web\r      image: nginx:1.27\r      securityContext:\r        privileged: true\r";
    write_files(
        dir.path(),
        &[
            ("base/kustomization.yaml", "resources: [pod.yaml]\n"),
            ("base/pod.yaml", pod),
            ("prod/kustomization.yaml", "resources: [../base]\nnamePrefix: prod-\n"),
        ],
    );
    let json = plimsoll_in(dir.path(), &["lint", "--format", "json", "--only", "privileged", "prod"]);
    assert_eq!(json.code, Some(1), "{}", json.transcript());
    let finding = &json.json()["findings"][0];
    assert_eq!(
        (&finding["file"], &finding["line"], &finding["column"]),
        (&"base/pod.yaml".into(), &10.into(), &21.into())
    );
    // The excerpt shown is the finding's own line: its byte offset counts lines as the loader does.
    let human = plimsoll_in(dir.path(), &["lint", "--color", "never", "--only", "privileged", "prod"]);
    assert!(human.stdout.contains("[base/pod.yaml:10:21]"), "{}", human.stdout);
}

#[test]
fn a_missing_renderer_is_a_warning_and_the_rest_is_still_linted() {
    let dir = work_tree();
    write_files(
        dir.path(),
        &[
            ("charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.0.0\n"),
            ("charts/web/values.yaml", "image: nginx\n"),
            (
                "charts/web/templates/deployment.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n{{- with .Values.x }}\n  {{ toYaml . }}\n{{- end }}\n",
            ),
            ("overlays/prod/kustomization.yaml", "resources: [pod.yaml]\n"),
            ("overlays/prod/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n    - name: a\n      image: a:1\n      securityContext: {privileged: true}\n"),
            ("plain/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: b\nspec:\n  containers:\n    - name: b\n      image: b:1\n      securityContext: {privileged: true}\n"),
        ],
    );
    let missing = dir.path().join("no-such-tool");
    let missing = missing.display().to_string();
    let run = plimsoll_in(
        dir.path(),
        &[
            "lint",
            "--format",
            "compact",
            "--only",
            "render",
            "--only",
            "privileged",
            "--helm",
            &missing,
            "--kustomize",
            &missing,
            ".",
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.transcript());
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert!(lines[0].starts_with("plain/pod.yaml:9:"), "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "charts/web/Chart.yaml:1:1: warning[render/unavailable] chart charts/web not rendered: helm was not found"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("overlays/prod/kustomization.yaml:1:1: warning[render/unavailable]"), "{}", run.stdout);
    // No template is read as YAML, no patch-less resource of an unrendered kustomization either.
    assert!(!run.stdout.contains("yaml/syntax"), "{}", run.stdout);
}

#[test]
fn the_render_rules_examples_do_what_they_claim() {
    if !kustomize_available() {
        return skip_or_fail("neither kustomize nor kubectl is installed");
    }
    let catalog: Value =
        serde_json::from_str(&plimsoll_in(&root(), &["rules", "--format", "json"]).stdout).expect("json");
    let example = |id: &str, which: &str| -> String {
        let rule = catalog.as_array().expect("rules").iter().find(|r| r["id"] == id).expect("the rule");
        rule["examples"][which].as_str().expect("an example").to_string()
    };
    for (which, expected) in [("fail", 1), ("pass", 0)] {
        let dir = work_tree();
        write_files(dir.path(), &[("app/kustomization.yaml", &example("render/error", which))]);
        let run = plimsoll_in(
            dir.path(),
            &["lint", "--format", "json", "--only", "render/error", "--fail-on", "never", "app"],
        );
        let findings = run.json()["findings"].as_array().expect("findings").len();
        assert_eq!(findings, expected, "render/error {which}: {}", run.transcript());
    }
    let dir = work_tree();
    write_files(dir.path(), &[("charts/web/Chart.yaml", &example("render/unavailable", "fail"))]);
    let run =
        plimsoll_in(dir.path(), &["lint", "--format", "json", "--helm", "no-helm-here", "--fail-on", "never", "."]);
    assert_eq!(run.json()["findings"][0]["rule"], "render/unavailable", "{}", run.transcript());
    if helm_available() {
        let run = plimsoll_in(dir.path(), &["lint", "--format", "json", "--fail-on", "never", "."]);
        assert_eq!(run.json()["findings"], serde_json::json!([]), "{}", run.transcript());
    }
}

#[test]
fn piped_helm_output_points_at_the_charts_templates() {
    if !helm_available() {
        return skip_or_fail("helm is not installed");
    }
    let dir = work_tree();
    write_files(
        dir.path(),
        &[
            ("charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.0.0\n"),
            ("charts/web/values.yaml", "privileged: true\n"),
            (
                "charts/web/templates/pod.yaml",
                "# A pod.\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  containers:\n    - name: web\n      image: nginx:1.25\n      securityContext:\n        privileged: {{ .Values.privileged }}\n",
            ),
        ],
    );
    let rendered =
        Command::new("helm").args(["template", "web", "charts/web"]).current_dir(dir.path()).output().expect("helm");
    assert!(rendered.status.success(), "{}", String::from_utf8_lossy(&rendered.stderr));
    let mut child = common::command(
        dir.path(),
        &["lint", "--format", "json", "--only", "privileged", "--chart", "charts/web", "-"],
    )
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .spawn()
    .expect("runs");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), &rendered.stdout).expect("writes");
    let output = child.wait_with_output().expect("finishes");
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    let finding = &report["findings"][0];
    assert_eq!(finding["file"], "charts/web/templates/pod.yaml", "{report:#}");
    assert_eq!(finding["rendered"]["renderer"], "helm", "{report:#}");
    // Rendered directly, the chart gives the same finding at the same place.
    let run = plimsoll_in(dir.path(), &["lint", "--format", "json", "--only", "privileged", "."]);
    assert_eq!(run.json()["findings"][0]["file"], finding["file"], "{}", run.stdout);
    assert_eq!(run.json()["findings"][0]["line"], finding["line"], "{}", run.stdout);
}

#[test]
fn a_chart_dependency_that_must_be_downloaded_names_helm_dependency_build() {
    if !helm_available() {
        return skip_or_fail("helm is not installed");
    }
    let dir = work_tree();
    write_files(
        dir.path(),
        &[(
            "charts/web/Chart.yaml",
            "apiVersion: v2\nname: web\nversion: 1.0.0\ndependencies:\n  - name: redis\n    version: 1.0.0\n    repository: https://charts.example.com\n",
        )],
    );
    let run = plimsoll_in(dir.path(), &["lint", "--format", "json", "--fail-on", "never", "."]);
    let finding = &run.json()["findings"][0];
    assert_eq!(finding["rule"], "render/error", "{}", run.stdout);
    assert_eq!(finding["file"], "charts/web/Chart.yaml", "{}", run.stdout);
    assert!(
        finding["message"].as_str().unwrap_or_default().contains("helm dependency build charts/web"),
        "{}",
        run.stdout
    );
}

/// A platform team's repository (testdata/examples/platform-repo): a chart rendered with a value
/// set per environment (`.plimsoll.yaml`), a Kustomize base with dev, staging and prod overlays,
/// plain manifests beside them, linted from its root as CI would.
#[test]
fn the_platform_repository_example_reports_what_would_be_deployed() {
    if !kustomize_available() || !helm_available() {
        return skip_or_fail("helm and kustomize (or kubectl) are needed");
    }
    let dir = root().join("testdata/examples/platform-repo");
    let run = plimsoll_in(&dir, &["lint", "--format", "compact", "--show-suppressed"]);
    assert!(!run.stdout.contains("yaml/syntax"), "{}", run.stdout);
    insta::assert_snapshot!("platform_repo_compact", run.transcript());
    let json = plimsoll_in(&dir, &["lint", "--format", "json", "--fail-on", "never"]).json();
    let value_sets: BTreeSet<String> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rendered"]["valueSet"].as_str().map(str::to_string))
        .collect();
    assert_eq!(value_sets, BTreeSet::from(["dev".to_string(), "prod".to_string()]), "{json:#}");
    // JUnit lists the finding under the rendered object and names the file to edit.
    let junit = plimsoll_in(&dir, &["lint", "--format", "junit", "--fail-on", "never", "kustomize"]).stdout;
    assert!(junit.contains("<testsuite name=\"kustomize build kustomize/overlays/prod\""), "{junit}");
    assert!(junit.contains("kustomize/overlays/prod/debug-agent.yaml:11:25: error: container"), "{junit}");
}

/// The expectations of the packaged chart's source (`helm/packages/cache`) for one value set, as
/// (member of the archive, line, column, rule): `# expect:` and `{{/* expect: */}}` comments, a
/// rule limited with `@<sets>` only in those sets; the column is the start of the line's key, dash
/// or action.
fn packaged_expectations(value_set: &str) -> BTreeSet<(String, u64, u64, String)> {
    let source = root().join("testdata/render/helm/packages/cache");
    let mut found = BTreeSet::new();
    for file in walk(&source.join("templates")) {
        let member = format!("cache/{}", file.strip_prefix(&source).expect("under source").display());
        let text = std::fs::read_to_string(&file).expect("template");
        for (index, line) in text.lines().enumerate() {
            let Some(at) = line.find("expect: ") else { continue };
            let body = line[at + "expect: ".len()..].trim_end().trim_end_matches("*/}}").trim();
            let column = (line.len() - line.trim_start().len() + 1) as u64;
            for rule in body.split(',').map(str::trim).filter(|r| !r.is_empty()) {
                let (rule, sets) = rule.split_once('@').map_or((rule, None), |(r, s)| (r, Some(s)));
                if sets.is_none_or(|sets| sets.split('+').any(|s| s == value_set)) {
                    found.insert((member.clone(), index as u64 + 1, column, rule.to_string()));
                }
            }
        }
    }
    found
}

#[test]
fn findings_from_a_packaged_subchart_are_placed_in_its_templates() {
    if !helm_available() {
        return skip_or_fail("helm is not installed");
    }
    let base = root().join("testdata/render");
    let archive = "helm/web/charts/cache-0.1.0.tgz";
    for (value_set, extra) in [("default", vec![]), ("prod", vec!["--values", "helm/web/values-prod.yaml"])] {
        let mut args = vec!["lint", "--no-config", "--quiet", "--format", "json", "--fail-on", "never"];
        args.extend(extra);
        args.push("helm/web");
        let run = plimsoll_in(&base, &args);
        assert_eq!(run.code, Some(0), "{}", run.transcript());
        let report = run.json();
        let mut got = BTreeSet::new();
        for finding in report["findings"].as_array().expect("findings") {
            let file = finding["file"].as_str().expect("file");
            // Before the archive was read, its findings fell back to the chart's Chart.yaml.
            assert_ne!(finding["rendered"]["exact"], false, "a finding not placed: {finding:#}");
            let Some(member) = file.strip_prefix(archive).and_then(|m| m.strip_prefix(':')) else { continue };
            assert_eq!(finding["rendered"]["exact"], true, "{finding:#}");
            let (line, column) = (finding["line"].as_u64().expect("line"), finding["column"].as_u64().expect("column"));
            let rule = finding["rule"].as_str().expect("rule").to_string();
            got.insert((member.to_string(), line, column, rule));
        }
        let expected = packaged_expectations(value_set);
        assert!(!expected.is_empty());
        assert_eq!(got, expected, "value set {value_set}:\n{}", run.stdout);
    }
    // The human report shows the template's line, read from the archive.
    let run = plimsoll_in(&base, &["lint", "--no-config", "--quiet", "--only", "probes/liveness", "helm/web"]);
    let shown = format!("{archive}:cache/templates/deployment.yaml:15:9");
    assert!(run.stdout.contains(&shown), "{}", run.transcript());
    assert!(run.stdout.contains("- name: cache"), "{}", run.transcript());
}
