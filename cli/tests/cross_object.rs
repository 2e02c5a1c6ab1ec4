//! Rules that relate objects, as a user runs them: the files of one `plimsoll lint` are one run
//! (an Ingress in one file, its Service in another), existence findings appear only with
//! `--complete-input` or `complete_input: true`, the related object is a related location in
//! every format, standard input is one run too, and a rule setting (`ignored_selector_labels`)
//! reaches the rule.

mod common;
use common::{command, plimsoll_in, work_tree, write_files};
use serde_json::Value;
use std::io::Write;
use std::process::Stdio;

const INGRESS: &str = "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 8080
          - path: /search
            pathType: Prefix
            backend:
              service:
                name: search
                port:
                  number: 80
";

const SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
";

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

/// `rule line:column message` of each finding.
fn findings(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| format!("{} {}:{} {}", f["rule"].as_str().unwrap_or(""), f["line"], f["column"], f["message"]))
        .collect()
}

#[test]
fn the_files_of_a_run_are_checked_together_and_missing_objects_need_complete_input() {
    let dir = work_tree();
    write_files(dir.path(), &[("ingress.yaml", INGRESS), ("service.yaml", SERVICE)]);
    let args = ["lint", "--only", "references/ingress-service", "--format", "json", "."];
    let partial = plimsoll_in(dir.path(), &args);
    assert_eq!(partial.code, Some(1), "{}", partial.transcript());
    let report = json(&partial.stdout);
    // The Service of the other file is in the run: its missing port is reported, with the
    // Service's ports as the related location; the absent Service "search" is not.
    assert_eq!(
        findings(&report),
        ["references/ingress-service 15:27 \"backend Service \\\"web\\\" has no port 8080 (its ports: 80 \\\"http\\\")\""]
    );
    let related = &report["findings"][0]["related"][0];
    assert_eq!(related["file"], "service.yaml");
    assert_eq!((related["line"].as_u64(), related["column"].as_u64()), (Some(8), Some(3)));

    // Linted alone, the Ingress's file knows no Service: nothing to say without complete input.
    let alone = plimsoll_in(dir.path(), &["lint", "--only", "references/ingress-service", "ingress.yaml"]);
    assert_eq!(alone.code, Some(0), "{}", alone.transcript());

    // Declared complete (flag or configuration), the absent Service is reported too.
    let complete = plimsoll_in(dir.path(), &[&args[..4], &["json", "--complete-input", "."]].concat());
    let lines = findings(&json(&complete.stdout));
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[1].starts_with("references/ingress-service 20:23 "), "{lines:?}");
    write_files(dir.path(), &[(".plimsoll.yaml", "complete_input: true\n")]);
    let configured = plimsoll_in(dir.path(), &args);
    assert_eq!(findings(&json(&configured.stdout)), lines);
}

#[test]
fn the_related_object_is_shown_in_sarif_and_human_output() {
    let dir = work_tree();
    write_files(dir.path(), &[("ingress.yaml", INGRESS), ("service.yaml", SERVICE)]);
    let sarif = plimsoll_in(dir.path(), &["lint", "--only", "references/ingress-service", "--format", "sarif", "."]);
    let sarif = json(&sarif.stdout);
    let result = &sarif["runs"][0]["results"][0];
    let related = &result["relatedLocations"][0];
    assert_eq!(related["physicalLocation"]["artifactLocation"]["uri"], "service.yaml");
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 8);
    assert_eq!(related["message"]["text"], "Service \"web\"'s ports");

    let human = plimsoll_in(dir.path(), &["lint", "--only", "references/ingress-service", "--color", "never", "."]);
    assert!(human.stdout.contains("related: Service \"web\"'s ports"), "{}", human.stdout);
    assert!(human.stdout.contains("[service.yaml:8:3]"), "{}", human.stdout);
}

#[test]
fn standard_input_is_one_run() {
    let dir = work_tree();
    let mut child = command(dir.path(), &["lint", "--only", "references/ingress-service", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("plimsoll runs");
    let text = format!("{INGRESS}---\n{SERVICE}");
    child.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("writes");
    let output = child.wait_with_output().expect("finishes");
    let report = json(&String::from_utf8_lossy(&output.stdout));
    let lines = findings(&report);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(report["findings"][0]["related"][0]["line"], 31);
}

#[test]
fn ignored_selector_labels_reach_the_rule() {
    let dir = work_tree();
    let services = "apiVersion: v1
kind: Service
metadata:
  name: operated
spec:
  selector:
    operator.example.com/cluster: db
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
";
    write_files(dir.path(), &[("services.yaml", services)]);
    let args = ["lint", "--only", "references/service-selector", "--complete-input", "--format", "json", "."];
    let lines = findings(&json(&plimsoll_in(dir.path(), &args).stdout));
    assert_eq!(lines.len(), 2, "{lines:?}");
    let config =
        "settings:\n  references/service-selector:\n    ignored_selector_labels: [operator.example.com/cluster]\n";
    write_files(dir.path(), &[(".plimsoll.yaml", config)]);
    let lines = findings(&json(&plimsoll_in(dir.path(), &args).stdout));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("app=web"), "{lines:?}");
}
