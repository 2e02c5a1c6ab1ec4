//! End-to-end tests of the `plimsoll` binary: exit code, stdout and stderr together.
//!
//! Inputs live in `testdata/cli/` (the binary runs with that directory as its working directory,
//! so file names in the output are short and stable); directory-walking inputs are built in a
//! temporary directory. Transcripts (`exit`, stdout, stderr) are insta snapshots in
//! `cli/tests/snapshots/`. Environment: `COLUMNS=100`, `NO_COLOR=1`. Runs that test the
//! command's mechanics on these inputs lint with only the rules the inputs exercise
//! (`with_rules_under_test`), so that new rules in the default catalog do not change them.

mod common;
use common::{command, text_at, with_rules_under_test, Run};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/cli")
}

fn plimsoll_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = command(dir, args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the plimsoll binary starts");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        let input = input.to_string();
        std::thread::spawn(move || pipe.write_all(input.as_bytes()));
    }
    let output = child.wait_with_output().expect("the plimsoll binary runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs in `testdata/cli`.
fn plimsoll(args: &[&str]) -> Run {
    plimsoll_in(&testdata(), args, None)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(testdata().join(name)).expect("test input is readable")
}

/// JSON text without the whitespace between tokens (strings kept intact), to compare documents
/// including their key order.
fn minify(json: &str) -> String {
    let mut out = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Exit codes.

#[test]
fn clean_manifest_exits_0() {
    let run = plimsoll(&with_rules_under_test(&["lint", "--color", "never", "clean.yaml"]));
    insta::assert_snapshot!(run.transcript(), @r"
    exit: 0
    --- stdout
    no problems in 1 file (2 documents)
    --- stderr
    ");
}

#[test]
fn error_finding_exits_1() {
    let run = plimsoll(&with_rules_under_test(&["lint", "--color", "never", "privileged.yaml"]));
    assert_eq!(run.code, Some(1));
    insta::assert_snapshot!("error_finding_exits_1", run.transcript());
}

#[test]
fn fail_on_sets_the_threshold() {
    // (file, --fail-on, expected exit code): clean has no finding, warnings.yaml one warning,
    // privileged.yaml an error and warnings. No rule reports at info severity.
    let cases = [
        ("clean.yaml", "error", 0),
        ("clean.yaml", "warning", 0),
        ("clean.yaml", "info", 0),
        ("clean.yaml", "never", 0),
        ("warnings.yaml", "error", 0),
        ("warnings.yaml", "warning", 1),
        ("warnings.yaml", "info", 1),
        ("warnings.yaml", "never", 0),
        ("privileged.yaml", "error", 1),
        ("privileged.yaml", "warning", 1),
        ("privileged.yaml", "info", 1),
        ("privileged.yaml", "never", 0),
    ];
    let plimsoll = |args: &[&str]| plimsoll(&with_rules_under_test(args));
    for (file, fail_on, expected) in cases {
        let with_threshold = plimsoll(&["lint", "--format", "compact", "--fail-on", fail_on, file]);
        assert_eq!(with_threshold.code, Some(expected), "{file} --fail-on {fail_on}: {}", with_threshold.transcript());
        assert_eq!(with_threshold.stderr, "", "{file} --fail-on {fail_on}");
        // The threshold changes the exit code only, never the report.
        let default = plimsoll(&["lint", "--format", "compact", file]);
        assert_eq!(with_threshold.stdout, default.stdout, "{file} --fail-on {fail_on}");
    }
    // The default threshold is `error`.
    assert_eq!(plimsoll(&["lint", "warnings.yaml"]).code, Some(0));
    assert_eq!(plimsoll(&["lint", "privileged.yaml"]).code, Some(1));
}

#[test]
fn missing_path_exits_2_and_names_it() {
    let run = plimsoll(&["lint", "does-not-exist.yaml"]);
    insta::assert_snapshot!(run.transcript(), @r"
    exit: 2
    --- stdout
    --- stderr
    plimsoll: does-not-exist.yaml: no such file or directory
    ");
}

#[test]
fn missing_path_next_to_readable_files_still_lints_them_and_exits_2() {
    let run = plimsoll(&with_rules_under_test(&["lint", "--format", "compact", "warnings.yaml", "missing/app.yaml"]));
    insta::assert_snapshot!(run.transcript(), @r#"
    exit: 2
    --- stdout
    warnings.yaml:21:18: warning[images/latest-tag] container "web" uses image "nginx:latest" with the :latest tag
    --- stderr
    plimsoll: missing/app.yaml: no such file or directory
    "#);
}

#[test]
fn unknown_rule_exits_2() {
    for flag in ["--only", "--enable", "--disable"] {
        let run = plimsoll(&["lint", flag, "no-such-rule", "clean.yaml"]);
        assert_eq!(run.code, Some(2), "{flag}: {}", run.transcript());
        assert_eq!(run.stdout, "", "{flag}: nothing is linted");
        assert!(run.stderr.contains("unknown rule \"no-such-rule\""), "{flag}: {}", run.stderr);
    }
    // A valid rule next to an unknown one is still a usage error.
    let run = plimsoll(&["lint", "--only", "privileged", "--only", "images/no-such-rule", "clean.yaml"]);
    insta::assert_snapshot!(run.transcript(), @r#"
    exit: 2
    --- stdout
    --- stderr
    plimsoll::unknown_rule

      × unknown rule "images/no-such-rule"
      help: `plimsoll rules` lists the rule IDs

    "#);
}

/// Flags take the selectors the configuration file takes: IDs, short names and categories.
#[test]
fn rule_flags_take_categories_as_the_configuration_does() {
    let all = plimsoll(&["lint", "--format", "compact", "pss.yaml"]);
    assert!(all.stdout.contains("[probes/"), "{}", all.transcript());
    let run = plimsoll(&["lint", "--format", "compact", "--disable", "probes", "pss.yaml"]);
    assert!(run.stderr.is_empty(), "{}", run.transcript());
    assert!(!run.stdout.contains("[probes/"), "{}", run.transcript());
    assert_eq!(run.stdout.lines().count(), all.stdout.lines().filter(|l| !l.contains("[probes/")).count());
    let only = plimsoll(&["lint", "--format", "compact", "--only", "probes/*", "pss.yaml"]);
    assert!(only.stdout.lines().all(|l| l.contains("[probes/")), "{}", only.transcript());
    assert_eq!(only.stdout.lines().count(), all.stdout.lines().filter(|l| l.contains("[probes/")).count());
}

#[test]
fn bad_arguments_exit_2() {
    let run = plimsoll(&["lint", "--fail-on", "sometimes", "clean.yaml"]);
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("sometimes"), "{}", run.stderr);
    let run = plimsoll(&["lint", "--format", "xml", "clean.yaml"]);
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    assert!(run.stderr.contains("xml"), "{}", run.stderr);
}

#[test]
fn nothing_readable_exits_2() {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::create_dir(dir.path().join("empty")).expect("mkdir");
    std::fs::create_dir(dir.path().join("docs")).expect("mkdir");
    std::fs::write(dir.path().join("docs/README.md"), "# not a manifest\n").expect("write");
    std::fs::write(dir.path().join("latin1.yaml"), b"apiVersion: v1\nkind: ConfigMap\ndata:\n  city: M\xfcnchen\n")
        .expect("write");
    let run = plimsoll_in(dir.path(), &["lint", "empty", "docs"], None);
    insta::assert_snapshot!(run.transcript(), @r"
    exit: 2
    --- stdout
    --- stderr
    plimsoll: no .yaml, .yml or .json files found in empty, docs
    ");
    let run = plimsoll_in(dir.path(), &["lint", "latin1.yaml"], None);
    insta::assert_snapshot!(run.transcript(), @r"
    exit: 2
    --- stdout
    --- stderr
    plimsoll: latin1.yaml: not valid UTF-8 (byte offset 46)
    ");
}

// ---------------------------------------------------------------------------------------------
// Inputs: standard input and directories.

#[test]
fn dash_reads_standard_input() {
    let input = read("privileged.yaml");
    let run = plimsoll_in(&testdata(), &with_rules_under_test(&["lint", "--format", "compact", "-"]), Some(&input));
    insta::assert_snapshot!(run.transcript(), @r#"
    exit: 1
    --- stdout
    <stdin>:17:11: warning[probes/readiness] container "agent" has no readinessProbe
    <stdin>:19:11: warning[security-context/allow-privilege-escalation] container "agent" does not set allowPrivilegeEscalation to false
    <stdin>:19:11: warning[security-context/capabilities-restricted] container "agent" does not drop ALL capabilities
    <stdin>:19:11: warning[security-context/read-only-root-filesystem] container "agent" does not set readOnlyRootFilesystem to true
    <stdin>:19:11: warning[security-context/run-as-non-root] container "agent" does not set runAsNonRoot to true, and neither does the pod
    <stdin>:19:11: warning[security-context/seccomp-restricted] container "agent" sets no seccomp profile, and neither does the pod
    <stdin>:20:25: error[security-context/privileged] container "agent" runs privileged
    <stdin>:23:11: warning[resources/memory-limits] container "agent" has no memory limit
    --- stderr
    "#);
    let run = plimsoll_in(&testdata(), &["lint", "--format", "json", "--only", "privileged", "-"], Some(&input));
    let report = run.json();
    assert_eq!(report["findings"][0]["file"], "<stdin>");
    assert_eq!(report["summary"]["files"], 1);
    // Human output quotes the source read from standard input.
    let run = plimsoll_in(&testdata(), &["lint", "--color", "never", "--only", "privileged", "-"], Some(&input));
    assert!(run.stdout.contains("╭─[<stdin>:20:25]"), "{}", run.stdout);
    assert!(run.stdout.contains("privileged: true"), "{}", run.stdout);
}

/// A tree with manifests in every accepted extension, files to ignore and hidden directories,
/// created out of name order.
fn manifest_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    let root = dir.path().join("manifests");
    let pod = |name: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n    - name: app\n      image: nginx:latest\n"
        )
    };
    let files = [
        ("zeta.yaml", pod("zeta")),
        ("mid/inner.yaml", pod("inner")),
        ("alpha.yaml", pod("alpha")),
        (
            "gamma.json",
            r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "gamma"},
 "spec": {"containers": [{"name": "app", "image": "nginx:latest"}]}}
"#
            .to_string(),
        ),
        ("beta.yml", pod("beta")),
        ("notes.txt", pod("notes")),
        ("README.md", "# Manifests\n".to_string()),
        ("alpha.yaml.orig", pod("orig")),
        (".hidden/secret.yaml", pod("hidden")),
        (".git/hooks.yaml", pod("git")),
        ("mid/.cache/cached.yaml", pod("cached")),
    ];
    for (name, text) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

#[test]
fn directories_are_walked_in_sorted_order() {
    let dir = manifest_tree();
    let run = plimsoll_in(dir.path(), &["lint", "--format", "compact", "--only", "latest-tag", "manifests"], None);
    insta::assert_snapshot!(run.transcript(), @r#"
    exit: 0
    --- stdout
    manifests/alpha.yaml:8:14: warning[images/latest-tag] container "app" uses image "nginx:latest" with the :latest tag
    manifests/beta.yml:8:14: warning[images/latest-tag] container "app" uses image "nginx:latest" with the :latest tag
    manifests/gamma.json:2:51: warning[images/latest-tag] container "app" uses image "nginx:latest" with the :latest tag
    manifests/mid/inner.yaml:8:14: warning[images/latest-tag] container "app" uses image "nginx:latest" with the :latest tag
    manifests/zeta.yaml:8:14: warning[images/latest-tag] container "app" uses image "nginx:latest" with the :latest tag
    --- stderr
    "#);
    let run = plimsoll_in(dir.path(), &["lint", "--format", "json", "--only", "latest-tag", "manifests"], None);
    assert_eq!(run.json()["summary"]["files"], 5);
    // `.` as the root: names come without a `./` prefix.
    let run =
        plimsoll_in(&dir.path().join("manifests"), &["lint", "--format", "compact", "--only", "latest-tag"], None);
    let files: Vec<&str> = run.stdout.lines().map(|l| l.split(':').next().unwrap_or("")).collect();
    assert_eq!(files, ["alpha.yaml", "beta.yml", "gamma.json", "mid/inner.yaml", "zeta.yaml"], "{}", run.stdout);
}

#[test]
fn named_files_and_directories_are_taken_as_given() {
    // A file named on the command line is linted whatever its extension, and a hidden directory
    // named on the command line is walked; paths keep the order given.
    let dir = manifest_tree();
    let run = plimsoll_in(
        dir.path(),
        &["lint", "--format", "compact", "--only", "latest-tag", "manifests/notes.txt", "manifests/.hidden"],
        None,
    );
    insta::assert_snapshot!(run.transcript(), @r#"
    exit: 0
    --- stdout
    manifests/notes.txt:8:14: warning[images/latest-tag] container "app" uses image "nginx:latest" with the :latest tag
    manifests/.hidden/secret.yaml:8:14: warning[images/latest-tag] container "app" uses image "nginx:latest" with the :latest tag
    --- stderr
    "#);
}

// ---------------------------------------------------------------------------------------------
// Output formats.

#[test]
fn compact_lines_match_the_json_findings() {
    let files = ["privileged.yaml", "syntax-error.yaml", "duplicate-key.yaml", "deploy/app.yaml"];
    let mut args = vec!["lint", "--format", "compact"];
    args.extend(files);
    let compact = plimsoll(&args);
    args[2] = "json";
    let json = plimsoll(&args);
    assert_eq!(compact.code, json.code);
    assert_eq!(compact.stderr, "");
    let findings = json.json()["findings"].as_array().expect("findings").clone();
    let lines: Vec<&str> = compact.stdout.lines().collect();
    assert_eq!(lines.len(), findings.len(), "{}", compact.stdout);
    for (line, finding) in lines.iter().zip(&findings) {
        // `file:line:col: severity[rule] message`
        let mut parts = line.splitn(4, ':');
        let (file, row, col, rest) = (parts.next(), parts.next(), parts.next(), parts.next());
        assert_eq!(file, finding["file"].as_str(), "{line}");
        assert_eq!(row.and_then(|r| r.parse::<u64>().ok()), finding["line"].as_u64(), "{line}");
        assert_eq!(col.and_then(|c| c.parse::<u64>().ok()), finding["column"].as_u64(), "{line}");
        let expected = format!(
            " {}[{}] {}",
            finding["severity"].as_str().unwrap_or(""),
            finding["rule"].as_str().unwrap_or(""),
            finding["message"].as_str().unwrap_or("")
        );
        assert_eq!(rest, Some(expected.as_str()), "{line}");
    }
}

#[test]
fn json_report_matches_the_rules_md_example() {
    // rules.md, "The JSON report": this input reproduces the example exactly.
    let expected = r#"{
  "version": 1,
  "findings": [
    {
      "rule": "security-context/privileged",
      "severity": "error",
      "message": "container \"app\" runs privileged",
      "file": "deploy/app.yaml",
      "line": 21,
      "column": 25,
      "path": "spec.template.spec.containers[0].securityContext.privileged",
      "object": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "app"},
      "template": "mychart/templates/deployment.yaml"
    }
  ],
  "summary": {"files": 1, "documents": 3, "findings": 1, "errors": 1, "warnings": 0, "infos": 0}
}"#;
    let run = plimsoll(&["lint", "--format", "json", "--only", "security-context/privileged", "deploy/app.yaml"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stderr, "");
    assert!(run.stdout.ends_with("}\n"), "the report ends with a newline");
    // Same members, same values, same order.
    assert_eq!(minify(&run.stdout), minify(expected));
    assert_eq!(run.json(), serde_json::from_str::<Value>(expected).expect("the example is JSON"));
}

/// Checks one report against the normative shape.
fn check_report_shape(report: &Value) {
    let top: Vec<&String> = report.as_object().expect("an object").keys().collect();
    let mut top_sorted = top.clone();
    top_sorted.sort();
    assert_eq!(top_sorted, ["findings", "summary", "version"]);
    assert_eq!(report["version"], 1);
    let findings = report["findings"].as_array().expect("findings is an array");
    let (mut errors, mut warnings, mut infos) = (0, 0, 0);
    for finding in findings {
        let object = finding.as_object().expect("a finding is an object");
        for key in object.keys() {
            assert!(
                ["rule", "severity", "message", "file", "line", "column", "path", "object", "template"]
                    .contains(&key.as_str()),
                "unexpected member {key} in {finding}"
            );
        }
        assert!(finding["rule"].as_str().is_some_and(|r| r.contains('/')), "{finding}");
        match finding["severity"].as_str() {
            Some("error") => errors += 1,
            Some("warning") => warnings += 1,
            Some("info") => infos += 1,
            other => panic!("severity {other:?}"),
        }
        assert!(finding["message"].is_string(), "{finding}");
        assert!(finding["file"].is_string(), "{finding}");
        assert!(finding["line"].as_u64().is_some_and(|l| l >= 1), "{finding}");
        assert!(finding["column"].as_u64().is_some_and(|c| c >= 1), "{finding}");
        if let Some(path) = object.get("path") {
            assert!(path.is_string(), "{finding}");
        }
        if let Some(target) = object.get("object") {
            for key in target.as_object().expect("object is an object").keys() {
                assert!(["apiVersion", "kind", "namespace", "name"].contains(&key.as_str()), "{finding}");
            }
            assert!(target["apiVersion"].is_string() && target["kind"].is_string(), "{finding}");
        }
        if let Some(template) = object.get("template") {
            assert!(template.is_string(), "{finding}");
        }
    }
    let summary = &report["summary"];
    let mut keys: Vec<&String> = summary.as_object().expect("summary").keys().collect();
    keys.sort();
    assert_eq!(keys, ["documents", "errors", "files", "findings", "infos", "warnings"]);
    assert_eq!(summary["findings"], findings.len());
    assert_eq!(summary["errors"], errors);
    assert_eq!(summary["warnings"], warnings);
    assert_eq!(summary["infos"], infos);
}

#[test]
fn json_report_shape() {
    let run = plimsoll(&with_rules_under_test(&[
        "lint",
        "--format",
        "json",
        "clean.yaml",
        "warnings.yaml",
        "privileged.yaml",
        "syntax-error.yaml",
        "duplicate-key.yaml",
        "deploy/app.yaml",
    ]));
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stderr, "");
    let report = run.json();
    check_report_shape(&report);
    let summary = &report["summary"];
    assert_eq!(summary["files"], 6);
    // 2 + 1 + 1 + 2 (one unreadable) + 1 + 3
    assert_eq!(summary["documents"], 10);
    // Findings keep the order of the files on the command line, by position within a file.
    let files: Vec<&str> =
        report["findings"].as_array().expect("findings").iter().filter_map(|f| f["file"].as_str()).collect();
    let mut order: Vec<&str> = files.clone();
    order.dedup();
    assert_eq!(
        order,
        ["warnings.yaml", "privileged.yaml", "syntax-error.yaml", "duplicate-key.yaml", "deploy/app.yaml"]
    );
    // Optional members: the Helm file's findings carry the template, the others do not; loader
    // findings have neither path nor object.
    for finding in report["findings"].as_array().expect("findings") {
        let helm = finding["file"] == "deploy/app.yaml";
        assert_eq!(finding.get("template").is_some(), helm, "{finding}");
        let loader = finding["rule"].as_str().is_some_and(|r| r.starts_with("yaml/"));
        assert_eq!(finding.get("path").is_none(), loader, "{finding}");
        assert_eq!(finding.get("object").is_none(), loader, "{finding}");
    }
    // No namespace in the manifest, none in the report.
    let web = report["findings"].as_array().expect("findings").iter().find(|f| f["file"] == "warnings.yaml").cloned();
    assert_eq!(
        web.map(|f| f["object"].clone()),
        Some(json!({"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}))
    );
}

#[test]
fn helm_documents_name_their_template() {
    let run = plimsoll(&with_rules_under_test(&["lint", "--color", "never", "deploy/app.yaml"]));
    insta::assert_snapshot!("helm_documents_name_their_template", run.transcript());
    assert!(run.stdout.contains("deploy/app.yaml (from mychart/templates/deployment.yaml):21:25"), "{}", run.stdout);
}

// ---------------------------------------------------------------------------------------------
// The loader's own findings.

#[test]
fn yaml_syntax_error_is_located_and_the_next_document_still_linted() {
    let run = plimsoll(&["lint", "--format", "json", "syntax-error.yaml"]);
    assert_eq!(run.code, Some(1));
    let report = run.json();
    let findings = report["findings"].as_array().expect("findings");
    let syntax: Vec<&Value> = findings.iter().filter(|f| f["rule"] == "yaml/syntax").collect();
    assert_eq!(syntax.len(), 1, "{findings:?}");
    assert_eq!(syntax[0]["severity"], "error");
    assert_eq!((syntax[0]["line"].as_u64(), syntax[0]["column"].as_u64()), (Some(9), Some(6)));
    // The misindented key.
    assert!(text_at(&read("syntax-error.yaml"), 9, 6).starts_with("ports:"));
    // The second document is linted.
    let privileged = findings.iter().find(|f| f["rule"] == "security-context/privileged").expect("privileged finding");
    assert_eq!(privileged["object"]["name"], "after-the-error");
    assert_eq!((privileged["line"].as_u64(), privileged["column"].as_u64()), (Some(21), Some(21)));
    assert_eq!(report["summary"]["documents"], 2);

    let run = plimsoll(&["lint", "--color", "never", "--only", "privileged", "syntax-error.yaml"]);
    insta::assert_snapshot!("yaml_syntax_error", run.transcript());
}

#[test]
fn yaml_duplicate_key_is_located_at_the_second_key() {
    let run = plimsoll(&["lint", "--format", "json", "--only", "latest-tag", "duplicate-key.yaml"]);
    assert_eq!(run.code, Some(1));
    let report = run.json();
    let findings = report["findings"].as_array().expect("findings");
    // kubectl keeps the last `image` (pinned), so latest-tag has nothing to say.
    assert_eq!(findings.len(), 1, "{findings:?}");
    let duplicate = &findings[0];
    assert_eq!(duplicate["rule"], "yaml/duplicate-key");
    assert_eq!(duplicate["severity"], "error");
    assert_eq!((duplicate["line"].as_u64(), duplicate["column"].as_u64()), (Some(20), Some(11)));
    assert_eq!(text_at(&read("duplicate-key.yaml"), 20, 11), "image: nginx:1.27.2");
    assert!(
        duplicate["message"].as_str().is_some_and(|m| m.contains("\"image\"") && m.contains("line 17")),
        "{duplicate}"
    );

    let run = plimsoll(&["lint", "--color", "never", "--only", "latest-tag", "duplicate-key.yaml"]);
    insta::assert_snapshot!("yaml_duplicate_key", run.transcript());
}

// ---------------------------------------------------------------------------------------------
// A closed stdout.

#[test]
fn closed_stdout_pipe_is_not_an_error() {
    let dir = tempfile::tempdir().expect("temporary directory");
    // 250 pods of 8 privileged containers: 2000 findings, well over a pipe's buffer in every format.
    let mut big = String::new();
    for i in 0..250 {
        big.push_str(&format!("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-{i}\nspec:\n  containers:\n"));
        for c in 0..8 {
            big.push_str(&format!(
                "    - name: app-{c}\n      image: nginx:1.27.2\n      securityContext:\n        privileged: true\n"
            ));
        }
    }
    std::fs::write(dir.path().join("big.yaml"), big).expect("write");
    for format in ["human", "compact", "json"] {
        let mut child =
            command(dir.path(), &["lint", "--only", "privileged", "--color", "never", "--format", format, "big.yaml"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("the plimsoll binary starts");
        {
            // Read one line (the output is far larger than a pipe's buffer), then hang up.
            let mut reader = BufReader::new(child.stdout.take().expect("stdout is piped"));
            let mut first = String::new();
            reader.read_line(&mut first).expect("a first line");
            assert!(!first.is_empty(), "{format}: no output");
        }
        let output = child.wait_with_output().expect("the binary finishes");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_ne!(output.status.code(), Some(2), "{format}: a closed pipe made the run fail: {stderr}");
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
        assert_eq!(stderr, "", "{format}: nothing to say on stderr");
    }
    // Closing before anything is read, for the other subcommands too.
    for args in [&["rules"][..], &["explain", "privileged"][..]] {
        let mut child =
            command(dir.path(), args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("starts");
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("finishes");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_ne!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// `rules` and `explain`.

#[test]
fn rules_lists_the_catalog() {
    let run = plimsoll(&["rules"]);
    insta::assert_snapshot!("rules", run.transcript());
    let json = plimsoll_in(&testdata(), &["rules", "--format", "json"], None);
    assert_eq!(json.code, Some(0));
    let rules = json.json();
    let ids: Vec<&str> = rules.as_array().expect("an array").iter().filter_map(|r| r["id"].as_str()).collect();
    // The text listing has one line per rule, in the same order.
    let listed: Vec<&str> = run.stdout.lines().filter_map(|l| l.split_whitespace().next()).collect();
    assert_eq!(ids, listed);
}

#[test]
fn explain_privileged() {
    let run = plimsoll(&["explain", "privileged"]);
    insta::assert_snapshot!("explain_privileged", run.transcript());
    let by_id = plimsoll_in(&testdata(), &["explain", "security-context/privileged"], None);
    assert_eq!(by_id.transcript(), run.transcript());
    let unknown = plimsoll_in(&testdata(), &["explain", "no-such-rule"], None);
    insta::assert_snapshot!(unknown.transcript(), @r#"
    exit: 2
    --- stdout
    --- stderr
    plimsoll::unknown_rule

      × unknown rule "no-such-rule"
      help: `plimsoll rules` lists the rule IDs

    "#);
}

// ---------------------------------------------------------------------------------------------
// Pod Security Standards level and version.

/// The Pod Security Standards rules `plimsoll lint --format json <args> pss.yaml` reports, sorted.
fn pss_rules(args: &[&str]) -> Vec<String> {
    let mut command = vec!["lint", "--format", "json"];
    command.extend_from_slice(args);
    command.push("pss.yaml");
    let run = plimsoll(&command);
    assert_eq!(run.stderr, "", "{args:?}");
    let mut rules: Vec<String> = run.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .filter(|rule| rule.starts_with("security-context/") && *rule != "security-context/read-only-root-filesystem")
        .map(str::to_string)
        .collect();
    rules.sort();
    rules
}

#[test]
fn pss_level_and_version_choose_the_checks() {
    let restricted = pss_rules(&[]);
    assert_eq!(restricted, pss_rules(&["--pss-level", "restricted", "--pss-version", "latest"]), "the defaults");
    assert_eq!(
        restricted,
        [
            "security-context/allow-privilege-escalation",
            "security-context/capabilities-restricted",
            "security-context/run-as-non-root",
            "security-context/seccomp-restricted",
        ]
    );
    assert_eq!(pss_rules(&["--pss-level", "baseline"]), Vec::<String>::new());
    assert_eq!(pss_rules(&["--pss-level", "baseline", "--pss-version", "v1.36"]), ["security-context/sysctls"]);
    // Before v1.8 restricted had no allowPrivilegeEscalation check, before v1.19 no seccomp one,
    // before v1.22 no capabilities one.
    assert_eq!(pss_rules(&["--pss-version", "v1.7"]), ["security-context/run-as-non-root", "security-context/sysctls"]);
}

#[test]
fn bad_pss_settings_are_usage_errors() {
    let run = plimsoll(&["lint", "--pss-version", "v1.38", "pss.yaml"]);
    insta::assert_snapshot!(run.transcript(), @r#"
    exit: 2
    --- stdout
    --- stderr
    error: invalid value 'v1.38' for '--pss-version <VERSION>': unknown Pod Security Standards version "v1.38" (expected v1.0 … v1.37 or latest)

    For more information, try '--help'.
    "#);
    let run = plimsoll(&["lint", "--pss-level", "privileged", "pss.yaml"]);
    insta::assert_snapshot!(run.transcript(), @r"
    exit: 2
    --- stdout
    --- stderr
    error: invalid value 'privileged' for '--pss-level <LEVEL>'
      [possible values: baseline, restricted]

    For more information, try '--help'.
    ");
}
