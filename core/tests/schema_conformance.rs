//! Schema validation against independent references, and the schema bundle against its generator.
//!
//! - `bundle_is_up_to_date`: `python3 schemas/generate.py --check` (the committed bundle is what the
//!   generator makes from the Kubernetes OpenAPI input in `schemas/kubernetes/` and `schemas/crds/`).
//! - `every_bundled_schema_compiles`: each of the 320 bundled kinds compiles.
//! - `bundle_agrees_with_kubeconforms_published_schema`: the ReplicationController schema, expanded,
//!   against kubeconform's `master-standalone` one from its schema cache (vendored with kubeconform's
//!   fixtures): field by field, the same
//!   types and nullability, except where `schemas/README.md` documents a difference.
//! - `kubeconform_acceptance`: kubeconform's acceptance tests (`expected-results.yaml`), each run as the
//!   equivalent plimsoll configuration, comparing the verdicts (exit code, valid/invalid counts,
//!   per-resource lines, the failing field). Tests that exercise something plimsoll does not have
//!   (flags, network, output formats) and verdicts that differ are listed, with reasons, in
//!   `testdata/schema/kubeconform-known-divergences.yaml`; the test fails on any other disagreement and on
//!   a listed one that no longer applies.
//! - `kube_linter_schema_checks`: kube-linter's schema-validation and deprecated-API tests.
//! - `corpora_validate_without_schema_findings`: every manifest of the Pod Security admission fixtures
//!   and of `testdata/examples` (Argo Rollout, ExternalSecret, ServiceMonitor among them) is valid.
//!
//! The external data is vendored under `testdata/conformance` (see each suite's SOURCE.md). Each
//! test prints a score line and records it under the target directory for the test command; a
//! test whose data or tool (python3) is missing fails in CI and is skipped elsewhere.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{conformance_data, record_score, repo_root, skip_or_fail};
use plimsoll_core::load::parse_yaml_value;
use plimsoll_core::schema::{bundle, compile};
use plimsoll_core::{KubeVersion, Linter, Report, Severity, Source};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn yaml(path: &Path) -> Value {
    parse_yaml_value(&read(path)).unwrap_or_else(|p| panic!("{}: {}", path.display(), p.message)).unwrap_or_default()
}

/// Whether a folder is a Helm chart or a kustomization: its files are templates, bases and
/// patches, manifests only once rendered.
fn is_rendered(dir: &Path) -> bool {
    ["Chart.yaml", "kustomization.yaml", "kustomization.yml", "Kustomization"]
        .iter()
        .any(|name| dir.join(name).is_file())
}

/// Every `.yaml`/`.yml`/`.json` file under `dir`, sorted, leaving charts and kustomizations out.
fn manifest_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if !is_rendered(&path) {
                    pending.push(path);
                }
            } else if matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

// ---------------------------------------------------------------------------------------------
// The bundle and its generator

#[test]
fn bundle_is_up_to_date() {
    let generator = repo_root().join("schemas/generate.py");
    let run = Command::new("python3").arg(&generator).arg("--check").output();
    let Ok(output) = run else {
        return skip_or_fail("python3 is not available: the schema bundle was not compared with its generator");
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}{stdout}", String::from_utf8_lossy(&output.stderr));
    record_score(&format!("schema bundle generator: {}", stdout.trim()));
}

#[test]
fn every_bundled_schema_compiles() {
    let index = bundle::index().unwrap();
    let kinds: Vec<_> = index.all_kinds().collect();
    let failures: Vec<String> =
        kinds.iter().filter_map(|kind| compile::bundled(kind).err().map(|e| format!("{}: {e}", kind.key()))).collect();
    record_score(&format!("bundled schemas: {}/{} kinds compile", kinds.len() - failures.len(), kinds.len()));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Replaces every `$ref` with the definition it names, to compare with a fully inlined schema.
fn expand(schema: &Value, definitions: &serde_json::Map<String, Value>, depth: usize) -> Value {
    if depth > 60 {
        return Value::Null;
    }
    match schema {
        Value::Object(map) => {
            if let Some(name) = map.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/definitions/")) {
                return expand(&definitions[name], definitions, depth + 1);
            }
            map.iter().map(|(k, v)| (k.clone(), expand(v, definitions, depth + 1))).collect()
        }
        other => other.clone(),
    }
}

/// How a node's `type` reads, with int-or-string and quantity `oneOf`s spelt out.
fn type_of(schema: &Value) -> String {
    match schema.get("oneOf").and_then(Value::as_array) {
        Some(branches) => format!("oneOf {}", Value::Array(branches.iter().map(|b| b["type"].clone()).collect())),
        None => schema.get("type").map(Value::to_string).unwrap_or_default(),
    }
}

#[test]
fn bundle_agrees_with_kubeconforms_published_schema() {
    let Some(kubeconform) = conformance_data("peer-linters/kubeconform") else { return };
    // kubeconform's cache entry for master-standalone/replicationcontroller-v1.json.
    let cached = kubeconform.join("fixtures/cache/6dd0c06492c957fe2118a16dae1c5b9e76be072b527a9a45fd1044bd54237334");
    let theirs: Value = serde_json::from_str(&read(&cached)).unwrap();
    let index = bundle::index().unwrap();
    let root: Value =
        serde_json::from_str(index.bundle.roots["io.k8s.api.core.v1.ReplicationController"].get()).unwrap();
    let assembled = compile::assemble(root, index).unwrap();
    let ours = expand(&assembled, assembled["definitions"].as_object().unwrap(), 0);

    let mut compared = 0;
    let mut differences: BTreeMap<String, usize> = BTreeMap::new();
    let mut pending = vec![(String::new(), &ours, &theirs)];
    while let Some((path, a, b)) = pending.pop() {
        compared += 1;
        let (ta, tb) = (type_of(a), type_of(b));
        if ta != tb {
            *differences.entry(format!("{ta} where kubeconform has {tb}")).or_default() += 1;
        }
        for key in ["items", "additionalProperties"] {
            if let (Some(x), Some(y)) = (a.get(key).filter(|v| v.is_object()), b.get(key).filter(|v| v.is_object())) {
                pending.push((format!("{path}/{key}"), x, y));
            }
        }
        if let (Some(x), Some(y)) = (a.get("properties"), b.get("properties")) {
            for (name, sub) in x.as_object().unwrap() {
                if let Some(other) = y.get(name) {
                    pending.push((format!("{path}.{name}"), sub, other));
                }
            }
        }
    }
    // The documented differences (schemas/README.md): null accepted for int-or-string and quantities,
    // and for required references.
    let documented = [
        r#"["string","integer","null"] where kubeconform has oneOf [["string","null"],["integer","null"]]"#,
        r#"["string","number","null"] where kubeconform has oneOf [["string","null"],["number","null"]]"#,
        r#"["object","null"] where kubeconform has "object""#,
    ];
    let same = compared - differences.values().sum::<usize>();
    let undocumented: Vec<&String> = differences.keys().filter(|d| !documented.contains(&d.as_str())).collect();
    record_score(&format!(
        "schema bundle vs kubeconform ReplicationController: {same}/{compared} field types identical, {} differ as documented",
        compared - same
    ));
    assert!(undocumented.is_empty(), "undocumented differences: {differences:#?}");
}

// ---------------------------------------------------------------------------------------------
// kubeconform's acceptance tests

/// Rules that make a resource invalid for kubeconform in the given mode.
struct Mode {
    strict: bool,
    ignore_missing_schemas: bool,
    kube_version: KubeVersion,
    /// JSON schema files standing for local `-schema-location`s: (name, text).
    schemas: Vec<(String, String)>,
}

impl Mode {
    fn linter(&self) -> Linter {
        // The loader's own findings (yaml/syntax, yaml/duplicate-key) are always reported.
        let mut rules = vec!["schema/type", "schema/required", "schema/enum", "schema/format", "schema/constraint"];
        if self.strict {
            rules.push("schema/unknown-field");
        }
        if !self.ignore_missing_schemas {
            // kubeconform fails a resource it has no schema for (a removed API version has none).
            rules.extend(["schema/unknown-kind", "schema/removed-api"]);
        }
        let mut builder = Linter::builder()
            .only(rules)
            .kube_version(self.kube_version)
            .severity("schema/unknown-kind", Severity::Error);
        for (name, text) in &self.schemas {
            builder = builder.json_schema(name.clone(), text.clone());
        }
        builder.build().unwrap()
    }
}

/// What running one kubeconform command means for plimsoll.
enum Plan {
    Run {
        mode: Mode,
        inputs: Vec<PathBuf>,
    },
    /// Why the test cannot be run (it exercises something plimsoll does not have).
    Unsupported(String),
}

/// Splits a command line as a POSIX shell would, for the quoting the tests use.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// Reads a kubeconform invocation into a plan; `root` is the kubeconform corpus folder.
fn plan(command: &str, root: &Path) -> Plan {
    let words = match command_words(command) {
        Ok(words) => words,
        Err(why) => return Plan::Unsupported(why),
    };
    let Some(program) = words.first() else { return Plan::Unsupported("empty command".into()) };
    if program.contains('=') {
        return Plan::Unsupported("environment settings (proxies)".into());
    }
    if !program.ends_with("bin/kubeconform") {
        return Plan::Unsupported(format!("runs {program}"));
    }
    let (mut mode, locations, inputs) = match flags(&words[1..]) {
        Ok(parsed) => parsed,
        Err(why) => return Plan::Unsupported(why),
    };
    if inputs.is_empty() || inputs.iter().any(|i| i == "-") {
        return Plan::Unsupported("standard input without data".into());
    }
    let inputs: Vec<PathBuf> = inputs.iter().map(|i| root.join(i)).collect();
    if let Some(missing) = inputs.iter().find(|i| !i.exists()) {
        return Plan::Unsupported(format!("input {} is not in the corpus", missing.display()));
    }
    for location in &locations {
        match local_schemas(location, root, &inputs) {
            Ok(schemas) => mode.schemas.extend(schemas),
            Err(why) => return Plan::Unsupported(why),
        }
    }
    Plan::Run { mode, inputs }
}

/// The words of the kubeconform invocation in a command line; `bash -c "cat FILE | kubeconform …"`
/// becomes the invocation with FILE as its input, and output redirection is dropped.
fn command_words(command: &str) -> Result<Vec<String>, String> {
    let words = shell_words(command);
    if words.first().map(String::as_str) != Some("bash") || words.get(1).map(String::as_str) != Some("-c") {
        return Ok(words);
    }
    let inner = words.get(2).cloned().unwrap_or_default();
    let (feed, run) = match inner.split_once('|') {
        Some((feed, run)) => (Some(feed.trim().to_string()), run.trim().to_string()),
        None => (None, inner),
    };
    let mut words = shell_words(&run);
    if let Some(redirect) = words.iter().position(|w| w == ">") {
        words.truncate(redirect);
    }
    match feed.as_deref().map(shell_words).as_deref() {
        Some([cat, file]) if cat == "cat" => {
            words.retain(|w| w != "-");
            words.push(file.clone());
        }
        Some(_) => return Err("input from another command".into()),
        None => {}
    }
    Ok(words)
}

/// kubeconform's flags as a mode, its schema locations and its inputs.
fn flags(args: &[String]) -> Result<(Mode, Vec<String>, Vec<String>), String> {
    let mut mode = Mode {
        strict: false,
        ignore_missing_schemas: false,
        kube_version: KubeVersion::default(),
        schemas: Vec::new(),
    };
    let (mut locations, mut inputs) = (Vec::new(), Vec::new());
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.trim_start_matches('-') {
            "summary" | "verbose" => {}
            "strict" => mode.strict = true,
            "ignore-missing-schemas" => mode.ignore_missing_schemas = true,
            // Caching and output formats do not change verdicts.
            "cache" | "output" => {
                args.next();
            }
            "kubernetes-version" => {
                let version = args.next().cloned().unwrap_or_default();
                // kubeconform takes x.y.z only.
                match (version.split('.').count(), version.parse::<KubeVersion>()) {
                    (3, Ok(parsed)) => mode.kube_version = parsed,
                    _ => return Err(format!("-kubernetes-version {version}")),
                }
            }
            "schema-location" => locations.push(args.next().cloned().unwrap_or_default()),
            _ if arg.starts_with('-') && arg != "-" => return Err(format!("flag {arg}")),
            _ => inputs.push(arg.clone()),
        }
    }
    Ok((mode, locations, inputs))
}

/// The JSON schema files a `-schema-location` names for the inputs' objects: none for the default
/// and catalog locations (the embedded schemas stand for them), the existing files a local template
/// resolves to otherwise.
fn local_schemas(location: &str, root: &Path, inputs: &[PathBuf]) -> Result<Vec<(String, String)>, String> {
    let builtin = location == "default" || location.contains("yannh/kubernetes-json-schema/master/{{");
    if builtin || location.contains("datreeio/CRDs-catalog") {
        return Ok(Vec::new());
    }
    if location.starts_with("http") || !location.ends_with(".json") {
        return Err(format!("schema location {location}"));
    }
    let mut found = BTreeSet::new();
    for (api_version, kind, _) in objects(inputs) {
        let (group, version) = api_version.split_once('/').unwrap_or(("", &api_version));
        let label = group.split('.').next().unwrap_or("");
        let suffix = if group.is_empty() { format!("-{version}") } else { format!("-{label}-{version}") };
        let resolved = location
            .replace("{{ .ResourceKind }}", &kind.to_lowercase())
            .replace("{{ .KindSuffix }}", &suffix)
            .replace("{{.Group}}", group)
            .replace("{{.ResourceKind}}", &kind.to_lowercase())
            .replace("{{.ResourceAPIVersion}}", version);
        if resolved.contains("{{") {
            return Err(format!("schema location template {location}"));
        }
        let path = root.join(&resolved);
        if path.is_file() {
            found.insert(path);
        }
    }
    Ok(found.into_iter().map(|path| (path.file_name().unwrap().to_string_lossy().into_owned(), read(&path))).collect())
}

/// The sources a kubeconform input list reads (folders expanded).
fn sources(inputs: &[PathBuf]) -> Vec<Source> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            files.extend(manifest_files(input));
        } else {
            files.push(input.clone());
        }
    }
    files.iter().map(|f| Source { name: f.display().to_string(), text: read(f) }).collect()
}

/// (apiVersion, kind, name) of every object in the inputs.
fn objects(inputs: &[PathBuf]) -> Vec<(String, String, String)> {
    sources(inputs)
        .iter()
        .flat_map(|s| plimsoll_core::load(&s.name, &s.text).documents)
        .map(|d| {
            let r = d.object_ref();
            (r.api_version, r.kind, r.name.unwrap_or_default())
        })
        .collect()
}

/// What plimsoll concluded for one test's inputs.
#[derive(Debug)]
struct Verdict {
    resources: usize,
    invalid: BTreeSet<(String, usize, String, String)>,
    report: Report,
}

impl Verdict {
    fn valid(&self) -> usize {
        self.resources - self.invalid.len()
    }

    fn exit_code(&self) -> i64 {
        i64::from(!self.invalid.is_empty())
    }
}

fn verdict(mode: &Mode, inputs: &[PathBuf]) -> Verdict {
    let sources = sources(inputs);
    let report = mode.linter().lint_sources(&sources);
    let resources = sources.iter().map(|s| plimsoll_core::load(&s.name, &s.text).document_count).sum();
    // One entry per offending resource: (file, document, kind, name). A loader finding (no object)
    // stands for its document's resource, or for the unreadable document itself.
    let failing: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        // Only kubeconform's -strict rejects duplicate keys.
        .filter(|f| mode.strict || f.rule != "yaml/duplicate-key")
        .collect();
    let with_object: BTreeSet<(String, usize)> =
        failing.iter().filter(|f| f.object.is_some()).map(|f| (f.file.to_string(), f.document)).collect();
    let invalid = failing
        .iter()
        .filter(|f| f.object.is_some() || !with_object.contains(&(f.file.to_string(), f.document)))
        .map(|f| {
            let object = f.object.clone().unwrap_or_default();
            (f.file.to_string(), f.document, object.kind, object.name.unwrap_or_default())
        })
        .collect();
    Verdict { resources, invalid, report }
}

/// The numbers after `label` in a kubeconform summary line.
fn summary_number(line: &str, label: &str) -> Option<usize> {
    let rest = &line[line.find(label)? + label.len()..];
    rest.trim_start().split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// Document verdicts a test's expectations pin down, and how many of ours agree: every resource of a
/// passing run is valid; a summary line gives valid and invalid counts; a failing run of a single
/// resource makes it invalid.
fn pinned_documents(test: &Value, command_index: usize, verdict: &Verdict) -> (usize, usize) {
    let summary = test["output_assertions"].as_array().and_then(|a| {
        a.iter().filter_map(|a| a["expected"].as_str()).find_map(|e| e.find("Summary:").map(|i| &e[i..]))
    });
    let code = test["exit_codes"].get(command_index).and_then(Value::as_i64);
    if let Some(summary) = summary {
        let number = |label| summary_number(summary, label).unwrap_or(0);
        let (valid, invalid) = (number("Valid:") + number("Skipped:"), number("Invalid:") + number("Errors:"));
        (valid + invalid, verdict.valid().min(valid) + verdict.invalid.len().min(invalid))
    } else if code == Some(0) {
        (verdict.resources, verdict.valid())
    } else if code == Some(1) && verdict.resources == 1 {
        (1, verdict.invalid.len())
    } else {
        (0, 0)
    }
}

/// Compares a verdict with a test's expectations; the disagreements, if any.
fn compare(test: &Value, command_index: usize, verdict: &Verdict) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(code) = test["exit_codes"].get(command_index).and_then(Value::as_i64) {
        if code != verdict.exit_code() {
            problems.push(format!("exit code {} where kubeconform gives {code}", verdict.exit_code()));
        }
    }
    for assertion in test["output_assertions"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
        let expected = assertion["expected"].as_str().unwrap_or("");
        if let Some(summary) = expected.find("Summary:").map(|i| &expected[i..]) {
            let found = summary_number(summary, "Summary:");
            let valid = summary_number(summary, "Valid:");
            let invalid =
                summary_number(summary, "Invalid:").zip(summary_number(summary, "Errors:")).map(|(a, b)| a + b);
            let skipped = summary_number(summary, "Skipped:").unwrap_or(0);
            if found != Some(verdict.resources) {
                problems.push(format!("{} resources where kubeconform finds {found:?}", verdict.resources));
            }
            if valid.map(|v| v + skipped) != Some(verdict.valid()) || invalid != Some(verdict.invalid.len()) {
                problems.push(format!(
                    "{} valid / {} invalid where kubeconform has {valid:?} valid, {skipped} skipped / {invalid:?} invalid",
                    verdict.valid(),
                    verdict.invalid.len()
                ));
            }
        } else if let Some((_, tail)) = expected.split_once(" - ") {
            // `<file> - <Kind> <name> is valid` (verbose output).
            if let Some(subject) = tail.strip_suffix(" is valid") {
                let mut words = subject.split_whitespace();
                let (kind, name) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
                if verdict.invalid.iter().any(|(_, _, k, n)| k == kind && n == name) {
                    problems.push(format!("{kind} {name} is invalid, kubeconform says valid"));
                }
            }
        }
        // `... at '/spec/replicas': ...`: the field kubeconform rejects.
        if let Some(pointer) = expected.split_once("at '").and_then(|(_, rest)| rest.split_once('\'')).map(|(p, _)| p) {
            let path = pointer.trim_start_matches('/').replace('/', ".");
            if !verdict.report.findings.iter().any(|f| f.path.as_ref().is_some_and(|p| p.to_string() == path)) {
                problems.push(format!("no finding at {path}, where kubeconform rejects the object"));
            }
        }
    }
    problems
}

#[test]
fn kubeconform_acceptance() {
    let Some(root) = conformance_data("peer-linters/kubeconform") else { return };
    let expected = yaml(&root.join("expected-results.yaml"));
    let known = yaml(&repo_root().join("testdata/schema/kubeconform-known-divergences.yaml"));
    let not_applicable = known["not_applicable"].as_object().cloned().unwrap_or_default();
    let divergences = known["divergences"].as_object().cloned().unwrap_or_default();

    let mut problems = Vec::new();
    let (mut run, mut agree, mut unsupported) = (0, 0, 0);
    let (mut pinned, mut pinned_agree) = (0, 0);
    let mut seen = BTreeSet::new();
    for test in expected["tests"].as_array().unwrap() {
        let name = test["test"].as_str().unwrap().to_string();
        seen.insert(name.clone());
        let commands: Vec<&str> =
            test["commands"].as_array().map(|c| c.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        let Some((index, command)) = commands.iter().enumerate().find(|(_, c)| c.contains("kubeconform")) else {
            unsupported += 1;
            if !not_applicable.contains_key(&name) {
                problems.push(format!("{name:?}: no kubeconform command; list it under not_applicable"));
            }
            continue;
        };
        match plan(command, &root) {
            Plan::Unsupported(why) => {
                unsupported += 1;
                if !not_applicable.contains_key(&name) {
                    problems.push(format!("{name:?} cannot run ({why}); list it under not_applicable with the reason"));
                }
            }
            Plan::Run { mode, inputs } => {
                run += 1;
                if not_applicable.contains_key(&name) {
                    problems.push(format!("{name:?} is listed as not applicable but runs"));
                }
                let verdict = verdict(&mode, &inputs);
                let (documents, agreeing) = pinned_documents(test, index, &verdict);
                pinned += documents;
                pinned_agree += agreeing;
                let disagreements = compare(test, index, &verdict);
                match (disagreements.is_empty(), divergences.contains_key(&name)) {
                    (true, false) => agree += 1,
                    (true, true) => problems.push(format!("{name:?} now agrees: remove it from the known divergences")),
                    (false, true) => {}
                    (false, false) => problems.push(format!("{name:?} disagrees: {}", disagreements.join("; "))),
                }
            }
        }
    }
    for listed in not_applicable.keys().chain(divergences.keys()) {
        if !seen.contains(listed) {
            problems.push(format!("{listed:?} is listed but is not a kubeconform test"));
        }
    }
    record_score(&format!(
        "kubeconform acceptance: {agree}/{run} runnable tests agree ({} known divergences; {unsupported} not applicable), \
         {pinned_agree}/{pinned} document verdicts agree",
        run - agree
    ));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// kube-linter

#[test]
fn kube_linter_schema_checks() {
    let Some(root) = conformance_data("peer-linters/kube-linter") else { return };
    let expected = yaml(&root.join("expected-results.yaml"));
    // kube-linter's schema checks run kubeconform strictly, ignoring missing schemas; its
    // no-extensions-v1beta check reports extensions/v1beta* objects, as schema/removed-api does.
    let strict =
        Mode { strict: true, ignore_missing_schemas: true, kube_version: KubeVersion::default(), schemas: Vec::new() };
    let lifecycle = Linter::builder().only(["schema/removed-api", "schema/deprecated-api"]).build().unwrap();
    let mut total = 0;
    let mut agree = 0;
    let mut problems = Vec::new();
    for test in expected.as_array().or_else(|| expected["tests"].as_array()).unwrap() {
        let name = test["test"].as_str().unwrap_or("");
        let linter = match name {
            "template-kubeconform" | "schema-validation" => strict.linter(),
            "no-extensions-v1beta" => lifecycle.clone(),
            _ => continue,
        };
        total += 1;
        let input = root.join(test["input"].as_str().unwrap());
        let report = linter.lint_sources(&[Source { name: input.display().to_string(), text: read(&input) }]);
        // One report per offending object, as kube-linter gives.
        let flagged: BTreeSet<(String, String)> = report
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .filter_map(|f| f.object.as_ref().map(|o| (o.kind.clone(), o.name.clone().unwrap_or_default())))
            .collect();
        let expected_count = test["report_count"].as_u64().unwrap_or(0) as usize;
        let expected_kinds: BTreeSet<String> = test["reports"]
            .as_array()
            .map(|r| {
                r.iter()
                    .filter_map(|r| r["expected"].as_str())
                    .filter_map(|e| e.split(':').next())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let kinds: BTreeSet<String> = flagged.iter().map(|(k, _)| k.clone()).collect();
        if flagged.len() == expected_count && kinds == expected_kinds {
            agree += 1;
        } else {
            problems.push(format!(
                "{name}: flagged {flagged:?}, kube-linter reports {expected_count} ({expected_kinds:?})"
            ));
        }
    }
    record_score(&format!("kube-linter schema and API checks: {agree}/{total} tests agree"));
    assert!(total == 3 && problems.is_empty(), "{problems:#?}");
}

// ---------------------------------------------------------------------------------------------
// Corpora that must validate

#[test]
fn corpora_validate_without_schema_findings() {
    let linter = Linter::builder()
        .only([
            "schema/unknown-field",
            "schema/type",
            "schema/required",
            "schema/enum",
            "schema/format",
            "schema/constraint",
            "schema/unknown-kind",
            "schema/removed-api",
            "schema/deprecated-api",
        ])
        .build()
        .unwrap();
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    let Some(psa) = conformance_data("pod-security-admission") else { return };
    for (label, dir) in [("pod-security-admission", psa), ("examples", repo_root().join("testdata/examples"))] {
        let files = manifest_files(&dir);
        let sources: Vec<Source> =
            files.iter().map(|f| Source { name: f.display().to_string(), text: read(f) }).collect();
        let report = linter.lint_sources(&sources);
        let flagged: BTreeSet<(String, usize)> =
            report.findings.iter().map(|f| (f.file.to_string(), f.document)).collect();
        let documents = report.summary.documents;
        lines.push(format!("{label} {}/{documents} documents valid", documents - flagged.len()));
        for finding in report.findings.iter().take(20) {
            problems.push(format!("{}:{}: [{}] {}", finding.file, finding.line(), finding.rule, finding.message));
        }
    }
    record_score(&format!("schema validation of corpora: {}", lines.join(", ")));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
