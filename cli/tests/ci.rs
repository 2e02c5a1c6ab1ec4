//! End-to-end tests of the CI integration: the SARIF, JUnit and GitHub formats, `--output` and
//! `--quiet`, the configuration file, suppressions and baselines.
//!
//! Inputs live in `testdata/ci/`; runs that need files of their own (configurations, edited
//! copies) use a temporary directory marked as a git work tree so that configuration discovery
//! stops there. Environment: `COLUMNS=100`, `NO_COLOR=1`.

mod common;

use common::{plimsoll, plimsoll_in, testdata, text_at, with_rules_under_test, work_tree, write_files};
use plimsoll_core::config::Config;
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn read(name: &str) -> String {
    std::fs::read_to_string(testdata().join(name)).expect("test input is readable")
}

/// Both test inputs, two rules (plus the loader's), suppressed findings listed.
const SARIF_RUN: &[&str] = &[
    "lint",
    "--format",
    "sarif",
    "--only",
    "privileged",
    "--only",
    "latest-tag",
    "--show-suppressed",
    "manifests.yaml",
    "suppressed.yaml",
];

// ---------------------------------------------------------------------------------------------
// SARIF.

fn sarif_schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(common::root().join("testdata/sarif/sarif-schema-2.1.0.json")).expect("schema");
    // One pattern of the schema (`run.language`) ends in `]?`: ECMAScript reads that `]` as a
    // literal, the Rust regex engines reject it. Escaping it keeps the pattern's meaning.
    let text = text
        .replace(r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#, r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#);
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    // Formats (URIs, dates) are checked too.
    jsonschema::options().should_validate_formats(true).build(&schema).expect("the SARIF schema compiles")
}

fn assert_valid_sarif(log: &Value) {
    let errors: Vec<String> =
        sarif_schema().iter_errors(log).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "not valid SARIF 2.1.0:\n{}", errors.join("\n"));
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let run = plimsoll(SARIF_RUN);
    assert_eq!(run.code, Some(1), "{}", run.transcript());
    assert_eq!(run.stderr, "");
    let log = run.json();
    assert_valid_sarif(&log);
    assert_eq!(log["version"], "2.1.0");
    // The schema does catch mistakes.
    let schema = sarif_schema();
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = json!("fatal");
    assert!(!schema.is_valid(&broken));
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = json!(0);
    assert!(!schema.is_valid(&broken));
    // Every format's output for every input must validate, not just this one.
    for file in ["manifests.yaml", "suppressed.yaml"] {
        assert_valid_sarif(&plimsoll(&["lint", "--format", "sarif", file]).json());
    }
    // A log without results is valid too.
    let clean = plimsoll_in(
        &common::root().join("testdata/cli"),
        &with_rules_under_test(&["lint", "--format", "sarif", "clean.yaml"]),
    );
    assert_eq!(clean.code, Some(0));
    assert_valid_sarif(&clean.json());
    assert_eq!(clean.json()["runs"][0]["results"], json!([]));
}

/// `(ruleId, startLine, startColumn, endLine, endColumn, uri, suppressed)` of every result.
fn regions(log: &Value) -> Vec<(String, u64, u64, u64, u64, String, bool)> {
    log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let location = &r["locations"][0]["physicalLocation"];
            let region = &location["region"];
            let number = |key: &str| region[key].as_u64().unwrap_or(0);
            (
                r["ruleId"].as_str().unwrap_or("").to_string(),
                number("startLine"),
                number("startColumn"),
                number("endLine"),
                number("endColumn"),
                location["artifactLocation"]["uri"].as_str().unwrap_or("").to_string(),
                r.get("suppressions").is_some(),
            )
        })
        .collect()
}

#[test]
fn sarif_results_point_at_the_offending_fields() {
    let log = plimsoll(SARIF_RUN).json();
    let found = regions(&log);
    let expected = [
        ("images/latest-tag", 16, 18, 16, 30, "manifests.yaml", false),
        ("security-context/privileged", 20, 25, 20, 29, "manifests.yaml", false),
        ("yaml/duplicate-key", 31, 7, 31, 12, "manifests.yaml", false),
        ("security-context/privileged", 27, 25, 27, 29, "suppressed.yaml", false),
        ("security-context/privileged", 44, 21, 44, 25, "suppressed.yaml", false),
        ("images/latest-tag", 21, 18, 21, 51, "suppressed.yaml", true),
        ("security-context/privileged", 23, 25, 23, 29, "suppressed.yaml", true),
        ("images/latest-tag", 25, 18, 25, 48, "suppressed.yaml", true),
        ("images/latest-tag", 37, 14, 37, 21, "suppressed.yaml", true),
        ("security-context/privileged", 40, 21, 40, 25, "suppressed.yaml", true),
    ];
    let expected: Vec<(String, u64, u64, u64, u64, String, bool)> =
        expected.iter().map(|(r, a, b, c, d, u, s)| (r.to_string(), *a, *b, *c, *d, u.to_string(), *s)).collect();
    assert_eq!(found, expected);
    // The regions hold the offending text.
    for (rule, line, column, _, end_column, uri, _) in &found {
        let text = text_at(&read(uri), *line, *column);
        let covered: String = text.chars().take((end_column - column) as usize).collect();
        let expected = match rule.as_str() {
            "security-context/privileged" => "true",
            "yaml/duplicate-key" => "image",
            _ => covered.as_str(),
        };
        assert_eq!(covered, expected, "{rule} at {uri}:{line}:{column}");
        if rule == "images/latest-tag" {
            assert!(covered.contains("latest") || covered == "busybox", "{covered}");
        }
    }
    // The same places as the JSON report.
    let json = plimsoll(&[
        "lint",
        "--format",
        "json",
        "--only",
        "privileged",
        "--only",
        "latest-tag",
        "manifests.yaml",
        "suppressed.yaml",
    ])
    .json();
    let json_places: Vec<(String, u64, u64)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let sarif_places: Vec<(String, u64, u64)> =
        found.iter().filter(|r| !r.6).map(|r| (r.0.clone(), r.1, r.2)).collect();
    assert_eq!(sarif_places, json_places);
}

#[test]
fn sarif_rules_carry_the_rule_metadata() {
    let log = plimsoll(SARIF_RUN).json();
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().expect("rules").clone();
    let catalog = plimsoll_core::rules::builtin_rules().expect("catalog");
    assert_eq!(rules.len(), catalog.len() + 3, "the catalog and the loader's three rules");
    for (descriptor, meta) in rules.iter().zip(&catalog) {
        assert_eq!(descriptor["id"], meta.id.as_str());
        assert_eq!(descriptor["shortDescription"]["text"], meta.title.as_str());
        assert_eq!(descriptor["fullDescription"]["text"], meta.description.as_str());
        let help = descriptor["help"]["text"].as_str().expect("help text");
        assert!(help.starts_with(&meta.remediation), "{help}");
        let markdown = descriptor["help"]["markdown"].as_str().expect("help markdown");
        for link in &meta.related_resources {
            assert!(help.contains(link) && markdown.contains(&format!("<{link}>")), "{}: {link}", meta.id);
        }
        assert_eq!(
            descriptor.get("helpUri").and_then(Value::as_str),
            meta.related_resources.first().map(String::as_str)
        );
        let enabled = meta.id == "security-context/privileged" || meta.id == "images/latest-tag";
        assert_eq!(descriptor["defaultConfiguration"]["enabled"], enabled, "{}", meta.id);
        let level = match meta.severity {
            plimsoll_core::Severity::Error => "error",
            plimsoll_core::Severity::Warning => "warning",
            plimsoll_core::Severity::Info => "note",
        };
        assert_eq!(descriptor["defaultConfiguration"]["level"], level);
    }
    let ids: Vec<&str> = rules.iter().skip(catalog.len()).filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, LOADER_RULES);
    // Every result's ruleIndex names its rule.
    for result in log["runs"][0]["results"].as_array().expect("results") {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
}

/// Rules that are not in the catalog: the loader's and evaluation failures.
const LOADER_RULES: [&str; 3] = ["yaml/syntax", "yaml/duplicate-key", "plimsoll/evaluation"];

/// The SARIF log with what changes as the catalog grows taken out: the descriptors of catalog
/// rules (checked against their metadata above) become their IDs, only those the results use
/// are kept, and rule indexes become a marker (checked above). The loader's descriptors stay.
fn stable_sarif(mut log: Value) -> String {
    let used: Vec<Value> =
        log["runs"][0]["results"].as_array().expect("results").iter().map(|r| r["ruleId"].clone()).collect();
    let rules = &mut log["runs"][0]["tool"]["driver"]["rules"];
    let reduced: Vec<Value> = rules
        .as_array()
        .expect("rules")
        .iter()
        .filter(|r| used.contains(&r["id"]) || LOADER_RULES.contains(&r["id"].as_str().unwrap_or("")))
        .map(|r| if r["id"].as_str().is_some_and(|id| id.starts_with("yaml/")) { r.clone() } else { r["id"].clone() })
        .collect();
    *rules = Value::from(reduced);
    for result in log["runs"][0]["results"].as_array_mut().expect("results") {
        result["ruleIndex"] = json!("[index]");
    }
    serde_json::to_string_pretty(&log).expect("JSON")
}

#[test]
fn sarif_snapshot() {
    let run = plimsoll(&[
        "lint",
        "--format",
        "sarif",
        "--only",
        "privileged",
        "--only",
        "latest-tag",
        "--show-suppressed",
        "manifests.yaml",
        "suppressed.yaml",
    ]);
    insta::assert_snapshot!("sarif", stable_sarif(run.json()));
}

#[test]
fn sarif_fingerprints_survive_unrelated_edits() {
    let fingerprints = |dir: &std::path::Path| -> BTreeMap<String, (String, u64)> {
        let log = plimsoll_in(
            dir,
            &["lint", "--format", "sarif", "--only", "privileged", "--only", "latest-tag", "manifests.yaml"],
        )
        .json();
        log["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                let fingerprint = r["partialFingerprints"]["plimsoll/v1"].as_str().expect("fingerprint").to_string();
                let line = r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap_or(0);
                (fingerprint, (r["ruleId"].as_str().unwrap_or("").to_string(), line))
            })
            .collect()
    };
    let original = read("manifests.yaml");
    let dir = work_tree();
    write_files(dir.path(), &[("manifests.yaml", &original)]);
    let before = fingerprints(dir.path());
    assert_eq!(before.len(), 3, "one fingerprint per finding: {before:?}");
    // Lines added above, a label added, another container's image changed.
    let edited = original
        .replace("# A Deployment", "# Owned by the shop team.\n# A Deployment")
        .replace("labels: {app: web}", "labels: {app: web, tier: front}")
        .replace("envoy:v1.31.2", "envoy:v1.31.3");
    write_files(dir.path(), &[("manifests.yaml", &edited)]);
    let after = fingerprints(dir.path());
    assert_eq!(after.keys().collect::<Vec<_>>(), before.keys().collect::<Vec<_>>());
    assert!(after.values().zip(before.values()).all(|(a, b)| a.1 == b.1 + 1), "the lines moved: {before:?} {after:?}");
    // Another object is another finding.
    write_files(dir.path(), &[("manifests.yaml", &original.replace("name: web\n", "name: shop-web\n"))]);
    let renamed = fingerprints(dir.path());
    assert_eq!(renamed.keys().filter(|k| before.contains_key(*k)).count(), 1, "only the Pod's finding is unchanged");
}

// ---------------------------------------------------------------------------------------------
// JUnit and GitHub.

#[test]
fn junit_has_a_test_case_per_object_and_rule() {
    let run = plimsoll(&[
        "lint",
        "--format",
        "junit",
        "--only",
        "privileged",
        "--only",
        "latest-tag",
        "--show-suppressed",
        "manifests.yaml",
        "suppressed.yaml",
    ]);
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stderr, "");
    insta::assert_snapshot!("junit", run.stdout);
    // Four objects, two rules each, and the loader's duplicate key.
    assert!(
        run.stdout.contains(r#"<testsuites name="plimsoll" tests="9" skipped="2" failures="5" errors="0">"#),
        "{}",
        run.stdout
    );
}

#[test]
fn github_annotations() {
    let run = plimsoll(&[
        "lint",
        "--format",
        "github",
        "--only",
        "privileged",
        "--only",
        "latest-tag",
        "--show-suppressed",
        "manifests.yaml",
        "suppressed.yaml",
    ]);
    assert_eq!(run.code, Some(1));
    insta::assert_snapshot!("github", run.transcript());
}

#[test]
fn github_properties_and_messages_are_escaped() {
    let dir = work_tree();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: \"p%1\"}\nspec:\n  containers:\n    - {name: \"a,b:c\", image: \"nginx\"}\n";
    write_files(dir.path(), &[("odd, name: 100%.yaml", pod)]);
    let run = plimsoll_in(dir.path(), &["lint", "--format", "github", "--only", "latest-tag", "odd, name: 100%.yaml"]);
    assert_eq!(
        run.stdout,
        "::warning file=odd%2C name%3A 100%25.yaml,line=6,col=30,endLine=6,endColumn=37,title=images/latest-tag::container \"a,b:c\" uses image \"nginx\" without a tag (it means :latest)\n"
    );
}

// ---------------------------------------------------------------------------------------------
// --output and --quiet.

#[test]
fn output_writes_the_report_to_a_file_and_a_summary_to_stderr() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let target = dir.path().join("report.sarif");
    let target_arg = target.to_string_lossy().to_string();
    let lint = |args: &[&str]| plimsoll(&with_rules_under_test(args));
    let run = lint(&["lint", "--format", "sarif", "--output", &target_arg, "manifests.yaml"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "2 errors, 31 warnings in 1 file (2 documents)\n");
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(&target).expect("report written")).expect("JSON");
    assert_eq!(written, lint(&["lint", "--format", "sarif", "manifests.yaml"]).json());
    // Quiet: nothing on stderr.
    let quiet = lint(&["lint", "--format", "sarif", "--output", &target_arg, "--quiet", "manifests.yaml"]);
    assert_eq!((quiet.code, quiet.stdout.as_str(), quiet.stderr.as_str()), (Some(1), "", ""));
    // Human output to a file has no colour even when asked for on a terminal's behalf.
    let human = plimsoll(&["lint", "--output", &target_arg, "--color", "auto", "manifests.yaml"]);
    assert_eq!(human.code, Some(1));
    assert!(!std::fs::read_to_string(&target).expect("written").contains('\u{1b}'));
}

#[test]
fn quiet_human_output_has_no_summary_line() {
    let run = plimsoll(&["lint", "--quiet", "--only", "privileged", "manifests.yaml"]);
    assert_eq!(run.code, Some(1));
    assert!(!run.stdout.contains("in 1 file"), "{}", run.stdout);
    assert!(run.stdout.contains("runs privileged"), "{}", run.stdout);
    assert_eq!(run.stderr, "");
}

// ---------------------------------------------------------------------------------------------
// Suppressions.

#[test]
fn suppressed_findings_are_counted_and_listed_on_request() {
    let run =
        plimsoll(&["lint", "--format", "json", "--only", "privileged", "--only", "latest-tag", "suppressed.yaml"]);
    let report = run.json();
    assert_eq!(report["summary"]["findings"], 2);
    assert_eq!(report["summary"]["suppressed"], 5);
    assert!(report.get("suppressed").is_none());
    let listed = plimsoll(&[
        "lint",
        "--format",
        "json",
        "--only",
        "privileged",
        "--only",
        "latest-tag",
        "--show-suppressed",
        "suppressed.yaml",
    ])
    .json();
    let kinds: Vec<(&str, u64, &str, Option<&str>)> = listed["suppressed"]
        .as_array()
        .expect("suppressed")
        .iter()
        .map(|s| {
            (
                s["rule"].as_str().unwrap_or(""),
                s["line"].as_u64().unwrap_or(0),
                s["suppression"]["kind"].as_str().unwrap_or(""),
                s["suppression"]["reason"].as_str(),
            )
        })
        .collect();
    let node = Some("the agent manages the node's network");
    assert_eq!(
        kinds,
        [
            ("images/latest-tag", 21, "annotation", node),
            ("security-context/privileged", 23, "annotation", node),
            ("images/latest-tag", 25, "annotation", node),
            ("images/latest-tag", 37, "comment", Some("a throwaway debugging pod")),
            ("security-context/privileged", 40, "comment", Some("needs to inspect the host")),
        ]
    );
    let human =
        plimsoll(&["lint", "--only", "privileged", "--only", "latest-tag", "--show-suppressed", "suppressed.yaml"]);
    insta::assert_snapshot!("human_show_suppressed", human.transcript());
}

#[test]
fn no_inline_ignores_reports_everything() {
    let run = plimsoll(&[
        "lint",
        "--format",
        "compact",
        "--only",
        "privileged",
        "--only",
        "latest-tag",
        "--no-inline-ignores",
        "suppressed.yaml",
    ]);
    insta::assert_snapshot!(run.transcript(), @r#"
    exit: 1
    --- stdout
    suppressed.yaml:21:18: warning[images/latest-tag] container "agent" uses image "ghcr.io/example/node-agent:latest" with the :latest tag
    suppressed.yaml:23:25: error[security-context/privileged] container "agent" runs privileged
    suppressed.yaml:25:18: warning[images/latest-tag] container "metrics" uses image "ghcr.io/example/metrics:latest" with the :latest tag
    suppressed.yaml:27:25: error[security-context/privileged] container "metrics" runs privileged
    suppressed.yaml:37:14: warning[images/latest-tag] container "shell" uses image "busybox" without a tag (it means :latest)
    suppressed.yaml:40:21: error[security-context/privileged] container "shell" runs privileged
    suppressed.yaml:44:21: error[security-context/privileged] container "tools" runs privileged
    --- stderr
    "#);
}

#[test]
fn suppressing_every_error_makes_the_run_pass() {
    let dir = work_tree();
    let text =
        read("suppressed.yaml").replace("        privileged: true\n---", "        privileged: false\n---").replace(
            "    - name: tools\n      image: busybox:1.37\n      securityContext:\n        privileged: true\n",
            "",
        );
    write_files(dir.path(), &[("pods.yaml", &text)]);
    let run = plimsoll_in(dir.path(), &["lint", "--only", "privileged", "pods.yaml"]);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    assert!(run.stdout.ends_with("no problems in 1 file (2 documents); 2 suppressed\n"), "{}", run.stdout);
    let strict = plimsoll_in(dir.path(), &["lint", "--only", "privileged", "--no-inline-ignores", "pods.yaml"]);
    assert_eq!(strict.code, Some(1));
}

// ---------------------------------------------------------------------------------------------
// The configuration file.

const PRIVILEGED_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\n  namespace: kube-system\nspec:\n  containers:\n    - name: agent\n      image: nginx:1.27.2\n      securityContext:\n        privileged: true\n";

#[test]
fn configuration_is_found_in_the_working_directory_or_above() {
    let dir = work_tree();
    write_files(
        dir.path(),
        &[
            (
                ".plimsoll.yaml",
                "rules:\n  only: [privileged]\nexemptions:\n  - namespaces: [kube-system]\n    reason: system pods\n",
            ),
            ("deploy/pod.yaml", PRIVILEGED_POD),
            ("deploy/other.yaml", &PRIVILEGED_POD.replace("kube-system", "default")),
        ],
    );
    let lint = |cwd: &str, args: &[&str]| plimsoll_in(&dir.path().join(cwd), args);
    for (cwd, paths) in [(".", ["deploy/pod.yaml", "deploy/other.yaml"]), ("deploy", ["pod.yaml", "other.yaml"])] {
        let run = lint(cwd, &["lint", "--format", "compact", paths[0], paths[1]]);
        assert_eq!(run.code, Some(1), "{}", run.transcript());
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert_eq!(lines.len(), 1, "only the privileged rule, and not in kube-system: {}", run.stdout);
        assert!(
            lines[0].ends_with("error[security-context/privileged] container \"agent\" runs privileged"),
            "{}",
            lines[0]
        );
    }
    // --no-config: neither the configuration's rule selection nor its exemption applies.
    let run = lint("deploy", &with_rules_under_test(&["lint", "--format", "compact", "--no-config", "pod.yaml"]));
    assert_eq!(run.stdout.lines().count(), 11, "{}", run.stdout);
    assert!(run.stdout.contains("error[security-context/privileged]"), "not exempted: {}", run.stdout);
    // --config: another file.
    write_files(dir.path(), &[("strict.yaml", "rules:\n  only: [latest-tag]\n")]);
    let run = lint("deploy", &["lint", "--format", "compact", "--config", "../strict.yaml", "pod.yaml"]);
    assert_eq!((run.code, run.stdout.as_str()), (Some(0), ""), "{}", run.transcript());
}

#[test]
fn configuration_discovery_stops_at_the_work_tree() {
    let outer = tempfile::tempdir().expect("temporary directory");
    write_files(
        outer.path(),
        &[
            (".plimsoll.yaml", "rules:\n  only: [latest-tag]\n"),
            ("repo/.git/HEAD", ""),
            ("repo/pod.yaml", PRIVILEGED_POD),
        ],
    );
    let run =
        plimsoll_in(&outer.path().join("repo"), &["lint", "--format", "compact", "--only", "privileged", "pod.yaml"]);
    assert_eq!(run.code, Some(1), "the outer configuration does not apply: {}", run.transcript());
}

#[test]
fn configuration_mistakes_name_the_key_its_line_and_a_suggestion() {
    let dir = work_tree();
    write_files(
        dir.path(),
        &[
            (".plimsoll.yaml", "# settings\nrulse:\n  disable: [probes]\nfail_on: warnings\n"),
            ("pod.yaml", PRIVILEGED_POD),
        ],
    );
    let run = plimsoll_in(dir.path(), &["lint", "pod.yaml"]);
    insta::assert_snapshot!(run.transcript(), @r#"
    exit: 2
    --- stdout
    --- stderr
    plimsoll::config

      × .plimsoll.yaml:2:1: unknown key "rulse" (did you mean "rules"?)
       ╭─[.plimsoll.yaml:2:1]
     1 │ # settings
     2 │ rulse:
       · ──┬──
       ·   ╰── here
     3 │   disable: [probes]
       ╰────
      help: known keys here: rules, fail_on, pss, images, settings, exemptions,
            ignore_paths, inline_ignores, kube_version, policies, data, crds,
            helm, kustomize, charts, max_document_nodes, evaluation_budget_ms,
            complete_input

    plimsoll::config

      × .plimsoll.yaml:4:10: fail_on: "warnings" is not one of error, warning,
      │ info, never (did you mean "warning"?)
       ╭─[.plimsoll.yaml:4:10]
     3 │   disable: [probes]
     4 │ fail_on: warnings
       ·          ────┬───
       ·              ╰── here
       ╰────

    "#);
    // From a subdirectory the file is named relative to where plimsoll runs.
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    let run = plimsoll_in(&dir.path().join("sub"), &["lint", "../pod.yaml"]);
    assert!(run.stderr.contains("../.plimsoll.yaml:2:1: unknown key \"rulse\""), "{}", run.stderr);
    // An unknown rule is found too, with its line.
    write_files(dir.path(), &[(".plimsoll.yaml", "rules:\n  disable:\n    - privilegd\n")]);
    let run = plimsoll_in(dir.path(), &["lint", "pod.yaml"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains(".plimsoll.yaml:3:7: unknown rule \"privilegd\" (did you mean \"privileged\"?)"),
        "{}",
        run.stderr
    );
    // A missing --config file is an error.
    let run = plimsoll_in(dir.path(), &["lint", "--config", "nope.yaml", "pod.yaml"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.starts_with("plimsoll: cannot read the configuration nope.yaml:"), "{}", run.stderr);
}

#[test]
fn fail_on_comes_from_the_configuration_unless_given() {
    let dir = work_tree();
    write_files(
        dir.path(),
        &[
            (".plimsoll.yaml", "fail_on: warning\n"),
            ("pod.yaml", &PRIVILEGED_POD.replace("privileged: true", "privileged: false")),
        ],
    );
    // Only warnings (probes, memory limits).
    assert_eq!(plimsoll_in(dir.path(), &["lint", "pod.yaml"]).code, Some(1));
    assert_eq!(plimsoll_in(dir.path(), &["lint", "--fail-on", "error", "pod.yaml"]).code, Some(0));
    assert_eq!(plimsoll_in(dir.path(), &["lint", "--no-config", "pod.yaml"]).code, Some(0));
}

#[test]
fn ignored_paths_are_not_linted() {
    let dir = work_tree();
    write_files(
        dir.path(),
        &[
            (".plimsoll.yaml", "ignore_paths: [vendor/, \"*.generated.yaml\"]\n"),
            ("vendor/chart/pod.yaml", PRIVILEGED_POD),
            ("deploy/app.generated.yaml", PRIVILEGED_POD),
            ("deploy/pod.yaml", PRIVILEGED_POD),
        ],
    );
    let run = plimsoll_in(dir.path(), &["lint", "--format", "compact", "--only", "privileged", "."]);
    assert_eq!(
        run.stdout,
        "deploy/pod.yaml:11:21: error[security-context/privileged] container \"agent\" runs privileged\n"
    );
    // Named files too (a pre-commit hook names them); only ignored files: nothing to do.
    let run = plimsoll_in(&dir.path().join("deploy"), &["lint", "app.generated.yaml", "../vendor/chart/pod.yaml"]);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    assert_eq!(run.stderr, "plimsoll: nothing to lint: the configuration's ignore_paths covers every file\n");
}

// ---------------------------------------------------------------------------------------------
// Baselines.

#[test]
fn baseline_round_trip() {
    let dir = work_tree();
    let original = read("manifests.yaml");
    write_files(dir.path(), &[("manifests.yaml", &original)]);
    let lint = |args: &[&str]| plimsoll_in(dir.path(), &with_rules_under_test(args));

    let written = lint(&["lint", "--format", "compact", "--write-baseline", "baseline.json", "manifests.yaml"]);
    assert_eq!(written.code, Some(0), "recorded findings are known: {}", written.transcript());
    assert_eq!(written.stdout, "");
    assert_eq!(written.stderr, "plimsoll: recorded 33 findings in baseline.json\n");
    let baseline: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("baseline.json")).expect("written"))
            .expect("JSON");
    assert_eq!(baseline["version"], 1);
    assert!(!baseline.to_string().contains("\"line\""), "no line numbers: {baseline}");

    // Unrelated edits: lines move, other fields change. Nothing new.
    let edited = original
        .replace("# A Deployment", "# Owned by the shop team.\n\n# A Deployment")
        .replace("labels: {app: web}", "labels: {app: web, tier: front}");
    write_files(dir.path(), &[("manifests.yaml", &edited)]);
    let run = lint(&["lint", "--format", "json", "--baseline", "baseline.json", "manifests.yaml"]);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    assert_eq!(
        (run.json()["summary"]["findings"].clone(), run.json()["summary"]["suppressed"].clone()),
        (json!(0), json!(33))
    );

    // A new violation is reported, and only it; a fixed one is noted as stale.
    let worse = edited
        .replace("image: busybox:1.37", "image: busybox:1.37\n      securityContext:\n        privileged: true")
        .replace("nginx:latest", "nginx:1.27.2");
    write_files(dir.path(), &[("manifests.yaml", &worse)]);
    let run = lint(&["lint", "--format", "compact", "--baseline", "baseline.json", "manifests.yaml"]);
    insta::assert_snapshot!(run.transcript(), @r#"
    exit: 1
    --- stdout
    manifests.yaml:35:21: error[security-context/privileged] container "shell" runs privileged
    --- stderr
    plimsoll: 1 baseline finding no longer occurs; --write-baseline records the current ones
    "#);

    // A baseline that is not one.
    write_files(dir.path(), &[("bad.json", "{\"findings\": 3}")]);
    let run = lint(&["lint", "--baseline", "bad.json", "manifests.yaml"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.starts_with("plimsoll: bad.json: not a plimsoll baseline"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------------
// The configuration's JSON schema.

fn config_schema() -> (Value, jsonschema::Validator) {
    let text = std::fs::read_to_string(common::root().join("schemas/plimsoll-config.schema.json")).expect("schema");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    let validator = jsonschema::options().build(&schema).expect("the schema compiles");
    (schema, validator)
}

/// The YAML examples of `.plimsoll.yaml` in the configuration guide (blocks whose first line is
/// `# .plimsoll.yaml`) and the one in the configuration module's documentation.
fn documented_examples() -> Vec<String> {
    let guide = std::fs::read_to_string(common::root().join("docs/configuration.md")).expect("the guide");
    let mut examples: Vec<String> = guide
        .split("```yaml\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .filter(|block| block.starts_with("# .plimsoll.yaml"))
        .map(str::to_string)
        .collect();
    assert!(!examples.is_empty(), "docs/configuration.md documents the configuration file");
    let module = std::fs::read_to_string(common::root().join("core/src/config/file.rs")).expect("config/file.rs");
    let doc: Vec<&str> =
        module.lines().filter_map(|l| l.strip_prefix("//! ").or_else(|| (l == "//!").then_some(""))).collect();
    let doc = doc.join("\n");
    let block = doc.split("```yaml\n").nth(1).and_then(|b| b.split("```").next()).expect("a YAML example in config.rs");
    examples.push(block.to_string());
    examples
}

fn yaml_to_json(text: &str) -> Value {
    plimsoll_core::load::parse_yaml_value(text).expect("YAML").unwrap_or(Value::Null)
}

#[test]
fn the_schema_accepts_every_documented_example() {
    let (_, schema) = config_schema();
    for example in documented_examples() {
        let value = yaml_to_json(&example);
        let errors: Vec<String> = schema.iter_errors(&value).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{example}\n{}", errors.join("\n"));
        let config = Config::parse(".plimsoll.yaml", &example).unwrap_or_else(|e| panic!("{example}\n{e}"));
        config.settings().unwrap_or_else(|e| panic!("{example}\n{e}"));
    }
}

#[test]
fn the_schema_and_the_parser_reject_the_same_mistakes() {
    let (_, schema) = config_schema();
    let mistakes = [
        "rulse: {}\n",
        "rules:\n  enabel: [privileged]\n",
        "rules:\n  profile: strict\n",
        "rules:\n  severity:\n    privileged: fatal\n",
        "rules: [privileged]\n",
        "fail_on: sometimes\n",
        "pss:\n  level: strict\n",
        "pss:\n  version: 1.30\n",
        "pss:\n  version: v2\n",
        "images:\n  allowed_registries: registry.example.com\n",
        "images:\n  allowed_registries: [\"\"]\n",
        "images:\n  allowed-registries: [a]\n",
        "settings:\n  pss: {level: baseline}\n",
        "settings: [a]\n",
        "settings:\n  metadata/required-labels: {kind: [Pod]}\n",
        "settings:\n  metadata/required-labels: {labels: [{value: x}]}\n",
        "exemptions:\n  - rules: [privileged]\n",
        "exemptions:\n  - kinds: Pod\n",
        "exemptions:\n  - kinds: [Pod]\n    namespace: [a]\n",
        "exemptions: {kinds: [Pod]}\n",
        "ignore_paths: vendor\n",
        "inline_ignores: sometimes\n",
        "policies: policies/\n",
    ];
    for text in mistakes {
        let value = yaml_to_json(text);
        assert!(!schema.is_valid(&value), "the schema accepts:\n{text}");
        // Rule names and rule parameters are checked against the catalog, after parsing.
        let checked = Config::parse(".plimsoll.yaml", text).and_then(|config| config.settings());
        assert!(checked.is_err(), "the parser accepts:\n{text}");
    }
}

/// Every key path a schema object allows (`rules.enable`, `exemptions[].kinds`).
fn schema_keys(schema: &Value, node: &Value, prefix: &str, keys: &mut Vec<String>) {
    let node = match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let name = reference.trim_start_matches("#/definitions/");
            &schema["definitions"][name]
        }
        None => node,
    };
    if let Some(properties) = node.get("properties").and_then(Value::as_object) {
        for (key, child) in properties {
            let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
            keys.push(path.clone());
            // `settings` is free-form: its keys are the policies' business.
            if key != "settings" {
                schema_keys(schema, child, &path, keys);
            }
        }
    }
    if let Some(items) = node.get("items") {
        schema_keys(schema, items, &format!("{prefix}[]"), keys);
    }
}

#[test]
fn the_schema_knows_exactly_the_parsers_keys() {
    let (schema, _) = config_schema();
    let mut in_schema = Vec::new();
    schema_keys(&schema, &schema, "", &mut in_schema);
    in_schema.sort();
    let mut in_parser = plimsoll_core::config::known_keys();
    in_parser.sort();
    assert_eq!(in_schema, in_parser);
    // The enumerations agree too.
    let profiles: Vec<&str> = plimsoll_core::config::PROFILES.iter().map(|(name, _)| *name).collect();
    assert_eq!(schema["properties"]["rules"]["properties"]["profile"]["enum"], json!(profiles));
    assert_eq!(schema["properties"]["pss"]["properties"]["level"]["enum"], json!(plimsoll_core::config::PSS_LEVELS));
}
