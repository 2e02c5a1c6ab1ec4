//! Helm source mapping end to end: every chart in `testdata/render/helm/` is rendered by the real
//! `helm template` for each of its value sets, the output is linted with the default catalog, and
//! every finding is placed back into the chart's templates with `render::helm::ChartSources`.
//! Each placement must be exact and land on a line whose expectation comment names the finding's
//! rule (testdata/render/README.md gives the syntax); every expectation must be met. The score is
//! the share of findings placed at their expected line.
//!
//! helm comes from `PLIMSOLL_HELM` or `PATH`; a second helm (helm 3) named by `PLIMSOLL_HELM3`
//! renders the same charts, and its output must map as well.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use plimsoll_core::load::position::PathSegment;
use plimsoll_core::render::helm::ChartSources;
use plimsoll_core::{load, KubeVersion, Linter};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the charts are, relative to the repository root (display paths start here).
const CHARTS: &str = "testdata/render/helm";

/// A chart file: its source name (as `# Source:` names templates), display path and text.
struct ChartFile {
    source: String,
    display: String,
    text: String,
}

/// One render: a chart directory and the user's values files, by value-set name.
struct ValueSet {
    name: String,
    files: Vec<PathBuf>,
}

/// `(display file, line)` → the rules expected there, each with the value sets it is limited to.
type Expectations = BTreeMap<(String, u32), Vec<(String, Option<Vec<String>>)>>;

#[test]
fn helm_findings_map_to_their_template_lines() {
    let helms = helm_binaries();
    if helms.is_empty() {
        common::skip_or_fail("helm not found (set PLIMSOLL_HELM or put helm on PATH)");
        return;
    }
    let root = common::repo_root();
    let linter = Linter::builder().build().expect("default catalog");
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("helm-mapping");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let mut failures = Vec::new();
    let mut scores = Vec::new();
    for (label, helm) in &helms {
        let (mut placed, mut total) = (0, 0);
        for chart in charts(&root) {
            let files = chart_files(&root, &chart, &scratch.join(format!("{label}-unpacked")));
            let expectations = expectations(&files);
            let related = related_expectations(&files);
            for set in value_sets(&chart) {
                let rendered = render(helm, &chart, &set, &scratch);
                let outcome = check(&linter, &files, &expectations, &related, &root, &set, &rendered);
                placed += outcome.placed;
                total += outcome.total;
                failures.extend(outcome.failures.into_iter().map(|f| format!("[{label}, {}] {f}", set.name)));
            }
        }
        scores.push(format!("{placed}/{total} findings placed at the expected line ({label})"));
    }
    common::record_score(&format!("helm template mapping: {}", scores.join("; ")));
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}

/// The packaged subchart is `helm package` of `packages/cache`: the same templates and values,
/// byte for byte, and the same `Chart.yaml` fields (helm writes them again, in its own order).
/// The package itself is not reproducible byte for byte: its entries carry the packaging time.
#[test]
fn packaged_subchart_matches_its_source() {
    let root = common::repo_root();
    let package = root.join(CHARTS).join("web/charts/cache-0.1.0.tgz");
    let into = Path::new(env!("CARGO_TARGET_TMPDIR")).join("helm-mapping-package");
    let _ = std::fs::remove_dir_all(&into);
    std::fs::create_dir_all(&into).unwrap();
    let status = Command::new("tar").arg("-xzf").arg(&package).arg("-C").arg(&into).status().expect("run tar");
    assert!(status.success());
    let source = root.join(CHARTS).join("packages/cache");
    let listing = |dir: &Path| -> Vec<(String, String)> {
        let mut files = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(at) = stack.pop() {
            for entry in std::fs::read_dir(&at).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let name = display(dir, &path);
                    let mut text = std::fs::read_to_string(&path).unwrap();
                    if name == "Chart.yaml" {
                        let mut lines: Vec<&str> = text.lines().collect();
                        lines.sort();
                        text = lines.join("\n");
                    }
                    files.push((name, text));
                }
            }
        }
        files.sort();
        files
    };
    assert_eq!(listing(&into.join("cache")), listing(&source), "rebuild the package: see testdata/render/README.md");
}

/// The helm binaries to render with: `(label, path)`.
fn helm_binaries() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let primary = std::env::var_os("PLIMSOLL_HELM").map(PathBuf::from).or_else(|| on_path("helm"));
    if let Some(helm) = primary {
        out.push((version(&helm), helm));
    }
    if let Some(helm3) = std::env::var_os("PLIMSOLL_HELM3").map(PathBuf::from) {
        assert!(helm3.is_file(), "PLIMSOLL_HELM3 names no file: {}", helm3.display());
        out.push((version(&helm3), helm3));
    }
    out
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|dir| dir.join(name)).find(|p| p.is_file())
}

fn version(helm: &Path) -> String {
    let output = Command::new(helm).args(["version", "--short"]).output().expect("run helm version");
    let text = String::from_utf8_lossy(&output.stdout);
    format!("helm {}", text.trim().split('+').next().unwrap_or("?"))
}

/// Chart directories under `testdata/render/helm` (those holding `Chart.yaml` at their top).
fn charts(root: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root.join(CHARTS))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Chart.yaml").is_file() && p.join("templates").is_dir())
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no charts in {CHARTS}");
    out
}

/// Value sets: `default` (the chart's own values), then one per `values-<name>.yaml` beside them.
fn value_sets(chart: &Path) -> Vec<ValueSet> {
    let mut sets = vec![ValueSet { name: "default".into(), files: Vec::new() }];
    let mut named: Vec<PathBuf> = std::fs::read_dir(chart)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("values-") && name.ends_with(".yaml")
        })
        .collect();
    named.sort();
    for file in named {
        let name = file.file_stem().unwrap().to_string_lossy().trim_start_matches("values-").to_string();
        sets.push(ValueSet { name, files: vec![file] });
    }
    sets
}

/// Every file of a chart tree, subcharts included: folders under `charts/`, and `.tgz` packages
/// unpacked (with tar) under `unpack`.
fn chart_files(root: &Path, chart: &Path, unpack: &Path) -> Vec<ChartFile> {
    let mut out = Vec::new();
    collect(root, chart, &chart_name(chart), &display(root, chart), unpack, &mut out);
    out
}

/// A chart's name as `Chart.yaml` gives it: `# Source:` comments use it, not the folder's name.
fn chart_name(chart: &Path) -> String {
    let text = std::fs::read_to_string(chart.join("Chart.yaml")).unwrap();
    let name = text.lines().find_map(|line| line.strip_prefix("name:")).expect("Chart.yaml names the chart");
    name.trim().trim_matches(['"', '\'']).to_string()
}

fn display(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

fn collect(root: &Path, dir: &Path, source: &str, shown: &str, unpack: &Path, out: &mut Vec<ChartFile>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let (mut source, shown) = (format!("{source}/{file}"), format!("{shown}/{file}"));
        if path.is_dir() {
            if path.join("Chart.yaml").is_file() {
                // A subchart folder: named by its chart.
                source = format!("{}/{}", source.rsplit_once('/').map_or("", |(p, _)| p), chart_name(&path));
            }
            collect(root, &path, &source, &shown, unpack, out);
        } else if file.ends_with(".tgz") && source.contains("/charts/") {
            // A packaged subchart: its top folder is the chart's name.
            let into = unpack.join(&source);
            std::fs::create_dir_all(&into).unwrap();
            let status = Command::new("tar").arg("-xzf").arg(&path).arg("-C").arg(&into).status().expect("run tar");
            assert!(status.success(), "tar could not unpack {}", path.display());
            let parent = source.rsplit_once('/').map_or("", |(p, _)| p).to_string();
            for inner in std::fs::read_dir(&into).unwrap() {
                let inner = inner.unwrap().path();
                let folder = inner.file_name().unwrap().to_string_lossy().to_string();
                let chart = chart_name(&inner);
                collect(root, &inner, &format!("{parent}/{chart}"), &format!("{shown}/{folder}"), unpack, out);
            }
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            out.push(ChartFile { source, display: shown, text });
        }
    }
}

/// Expectation comments: `# expect: rule[, rule…]` or `{{/* expect: rule[, rule…] */}}` at the
/// end of a template line; `rule@set` limits a rule to a value set, `rule@set+set` to several.
fn expectations(files: &[ChartFile]) -> Expectations {
    comments(files.iter().filter(|f| f.source.contains("/templates/")), "expect:")
}

/// Related-value comments: `# related: rule[, rule…]` at the end of a values-file line that
/// supplies the value of such a finding (the same `@set` limits apply).
fn related_expectations(files: &[ChartFile]) -> Expectations {
    let values = files.iter().filter(|f| !f.source.contains("/templates/") && f.source.ends_with(".yaml"));
    comments(values, "related:")
}

fn comments<'a>(files: impl Iterator<Item = &'a ChartFile>, marker: &str) -> Expectations {
    let mut out = Expectations::new();
    for file in files {
        for (i, line) in file.text.lines().enumerate() {
            let Some(at) = line.find(marker) else { continue };
            let before = line[..at].trim_end();
            assert!(
                before.ends_with('#') || before.ends_with("{{/*") || before.ends_with("{{- /*"),
                "{}:{}: `{marker}` goes in a `#` or `{{{{/* … */}}}}` comment",
                file.display,
                i + 1
            );
            let rules = line[at + marker.len()..].trim().trim_end_matches("*/}}").trim_end_matches("*/ -}}");
            let entry = out.entry((file.display.clone(), i as u32 + 1)).or_default();
            for rule in rules.split(',').map(str::trim).filter(|r| !r.is_empty()) {
                let (rule, set) = match rule.split_once('@') {
                    Some((rule, sets)) => (rule.to_string(), Some(sets.split('+').map(str::to_string).collect())),
                    None => (rule.to_string(), None),
                };
                entry.push((rule, set));
            }
        }
    }
    out
}

/// Whether `expectations` list `rule` at `(file, line)` for value set `set`.
fn listed(expectations: &Expectations, file: &str, line: u32, rule: &str, set: &str) -> bool {
    expectations.get(&(file.to_string(), line)).is_some_and(|rules| {
        rules.iter().any(|(r, only)| r == rule && only.as_ref().is_none_or(|sets| sets.iter().any(|s| s == set)))
    })
}

/// The expectations of `set` no finding met.
fn unmet(expectations: &Expectations, met: &BTreeSet<(String, u32, String)>, set: &str, what: &str) -> Vec<String> {
    let mut out = Vec::new();
    for ((file, line), rules) in expectations {
        for (rule, only) in rules {
            let applies = only.as_ref().is_none_or(|sets| sets.iter().any(|s| s == set));
            if applies && !met.contains(&(file.clone(), *line, rule.clone())) {
                out.push(format!("expected {rule} {what} {file}:{line}, not found"));
            }
        }
    }
    out
}

/// `helm template` of a chart with a value set; the output text.
fn render(helm: &Path, chart: &Path, set: &ValueSet, scratch: &Path) -> String {
    let mut command = Command::new(helm);
    command
        .args(["template", "rel"])
        .arg(chart)
        .args(["--namespace", "apps", "--kube-version", &KubeVersion::default().to_string()])
        .env("HELM_CACHE_HOME", scratch.join("cache"))
        .env("HELM_CONFIG_HOME", scratch.join("config"))
        .env("HELM_DATA_HOME", scratch.join("data"));
    for file in &set.files {
        command.arg("--values").arg(file);
    }
    let output = command.output().expect("run helm template");
    assert!(
        output.status.success(),
        "helm template {} ({}) failed: {}",
        chart.display(),
        set.name,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[derive(Default)]
struct Outcome {
    placed: usize,
    total: usize,
    failures: Vec<String>,
}

/// Lints one render and checks every placement against the expectations.
fn check(
    linter: &Linter,
    files: &[ChartFile],
    expectations: &Expectations,
    related_expectations: &Expectations,
    root: &Path,
    set: &ValueSet,
    rendered: &str,
) -> Outcome {
    let mut sources = ChartSources::new();
    for file in files {
        sources.add_file(&file.source, &file.display, &file.text);
    }
    for values in &set.files {
        sources.add_values(&display(root, values), &std::fs::read_to_string(values).unwrap());
    }
    let texts: BTreeMap<&str, &str> = files.iter().map(|f| (f.display.as_str(), f.text.as_str())).collect();
    let values_texts: BTreeMap<String, String> = files
        .iter()
        .filter(|f| f.source.ends_with("values.yaml"))
        .map(|f| (f.display.clone(), f.text.clone()))
        .chain(set.files.iter().map(|v| (display(root, v), std::fs::read_to_string(v).unwrap())))
        .collect();
    let loaded = load("rendered.yaml", rendered);
    let report = linter.lint_source("rendered.yaml", rendered);
    let mut outcome = Outcome::default();
    let mut met: BTreeSet<(String, u32, String)> = BTreeSet::new();
    let mut related_met: BTreeSet<(String, u32, String)> = BTreeSet::new();
    // A user's values file holds expectations only for the renders given it.
    let user_files: Vec<String> = set.files.iter().map(|f| display(root, f)).collect();
    let related_expectations: Expectations = related_expectations
        .iter()
        .filter(|((file, _), _)| {
            let name = file.rsplit('/').next().unwrap_or("");
            !name.starts_with("values-") || user_files.contains(file)
        })
        .map(|(at, rules)| (at.clone(), rules.clone()))
        .collect();
    let related_expectations = &related_expectations;
    let dump = std::env::var_os("PLIMSOLL_HELM_MAPPING_DUMP").is_some();
    for finding in &report.findings {
        outcome.total += 1;
        let what =
            format!("{} on {}", finding.rule, finding.path.as_ref().map_or("the object".into(), |p| p.to_string()));
        let Some(template) = finding.template.as_deref() else {
            outcome.failures.push(format!("{what}: no template (line {} of the output)", finding.line()));
            continue;
        };
        let Some(document) = loaded.documents.iter().find(|d| d.index == finding.document) else {
            outcome.failures.push(format!("{what}: no object"));
            continue;
        };
        let ordinal = loaded
            .documents
            .iter()
            .filter(|d| d.index < document.index && d.template.as_deref() == Some(template))
            .count();
        let Some(placement) = sources.place(template, ordinal, document, finding.path.as_ref()) else {
            outcome.failures.push(format!("{what}: template {template} unknown"));
            continue;
        };
        let (file, line, column) = (placement.file.to_string(), placement.span.start.line, placement.span.start.column);
        if dump {
            let related: Vec<String> =
                placement.related.iter().map(|r| format!("{}:{} {}", r.file, r.span.start.line, r.key)).collect();
            eprintln!("[{}] {what} -> {file}:{line}:{column} exact={} {related:?}", set.name, placement.exact);
        }
        let expected = listed(expectations, &file, line, &finding.rule, &set.name);
        let text = texts.get(file.as_str()).and_then(|t| t.lines().nth(line as usize - 1)).unwrap_or("");
        let at_column: String = text.chars().skip(column as usize - 1).collect();
        let column_fits = column_fits(&at_column, finding.path.as_ref().map(|p| p.segments()), document);
        if placement.exact && expected && column_fits {
            outcome.placed += 1;
            met.insert((file, line, finding.rule.clone()));
        } else {
            outcome.failures.push(format!(
                "{what} placed at {file}:{line}:{column} (exact: {}, expected there: {expected}, column on its key or action: {column_fits})",
                placement.exact
            ));
        }
        for related in &placement.related {
            let (file, line) = (related.file.to_string(), related.span.start.line);
            let text = values_texts.get(&file).map_or("", String::as_str);
            let at: String = text
                .lines()
                .nth(line as usize - 1)
                .unwrap_or("")
                .chars()
                .skip(related.span.start.column as usize - 1)
                .collect();
            let last = related.key.rsplit(['.', '[']).next().unwrap_or("");
            let on_key = at.starts_with(last) || (last.ends_with(']') && at.starts_with('-'));
            if on_key && listed(related_expectations, &file, line, &finding.rule, &set.name) {
                related_met.insert((file, line, finding.rule.clone()));
            } else {
                outcome.failures.push(format!(
                    "{what}: related value {} at {file}:{line}:{} (on its key: {on_key}, expected there: false)",
                    related.key, related.span.start.column
                ));
            }
        }
    }
    outcome.failures.extend(unmet(expectations, &met, &set.name, "at"));
    outcome.failures.extend(unmet(related_expectations, &related_met, &set.name, "related to a value at"));
    outcome
}

/// Whether the text at a placement's column is what writes the finding's field: the key named by
/// the path's last key, an item's dash, or an action.
fn column_fits(at: &str, path: Option<&[PathSegment]>, document: &plimsoll_core::Document) -> bool {
    if at.starts_with("{{") {
        return true;
    }
    // The path as far as the object writes it (a linter places a missing field at its parent).
    let mut written = Vec::new();
    let mut value = &document.value;
    for segment in path.unwrap_or(&[]) {
        let next = match segment {
            PathSegment::Key(k) => value.get(k),
            PathSegment::Index(i) => value.get(*i),
        };
        let Some(next) = next else { break };
        value = next;
        written.push(segment);
    }
    match written.last() {
        None => true,
        Some(PathSegment::Index(_)) => at.starts_with('-'),
        Some(PathSegment::Key(k)) => at.starts_with(k.as_str()) || at.starts_with(&format!("\"{k}\"")),
    }
}
