//! `.plimsoll.yaml` keys that name files or a Kubernetes release: `policies`, `data` and `crds`
//! are read relative to the configuration file's directory (not the working directory), the
//! command line's `--policy`/`--data`/`--crd` add to them, and `kube_version` is overridden by
//! `--kube-version`. Real files in a temporary work tree, the real binary.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{plimsoll_in, root, work_tree, write_files};

const CRONJOB: &str = "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: report\nspec:\n  schedule: \"@daily\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: report\n              image: registry.example.com/report:1.0\n";

fn conftest(file: &str) -> String {
    std::fs::read_to_string(root().join("testdata/policies/conftest").join(file)).unwrap()
}

/// (rule, severity, file:line) per finding of `plimsoll lint -f json <args>` run in `dir`.
fn findings(dir: &std::path::Path, args: &[&str]) -> Vec<(String, String, String)> {
    let mut all = vec!["lint", "-f", "json"];
    all.extend_from_slice(args);
    let run = plimsoll_in(dir, &all);
    assert!(matches!(run.code, Some(0 | 1)), "{}", run.transcript());
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
    run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (text(&f["rule"]), text(&f["severity"]), format!("{}:{}", text(&f["file"]), f["line"])))
        .collect()
}

#[test]
fn policies_and_data_are_relative_to_the_configuration_file() {
    let tree = work_tree();
    write_files(
        tree.path(),
        &[
            ("conf/.plimsoll.yaml", "policies: [../rego/]\ndata: [../rego-data/registries.yaml]\n"),
            ("rego-data/allow-all.yaml", "registries:\n  allowed: [\"\"]\n"),
            ("rego/main.rego", &conftest("namespaces/registry.rego")),
            ("rego-data/registries.yaml", &conftest("data/registries.yaml")),
            ("manifests/deployment.yaml", &conftest("manifests/deployment.yaml")),
        ],
    );
    let namespace = conftest("namespaces/registry.rego");
    let package = namespace.lines().find_map(|l| l.strip_prefix("package ")).unwrap().trim().to_string();
    let args = ["--config", "conf/.plimsoll.yaml", "--no-builtin", "--namespace", &package, "manifests"];
    let found = findings(tree.path(), &args);
    assert_eq!(found, [("acme/registry".to_string(), "error".to_string(), "manifests/deployment.yaml:12".to_string())]);

    // Another data file that allows every registry: the policy reads what the file names.
    std::fs::write(
        tree.path().join("conf/.plimsoll.yaml"),
        "policies: [../rego/]\ndata: [../rego-data/allow-all.yaml]\n",
    )
    .unwrap();
    assert_eq!(findings(tree.path(), &args), []);

    // A path the file names that does not exist is an error naming it.
    std::fs::write(tree.path().join("conf/.plimsoll.yaml"), "policies: [../no-such-dir/]\n").unwrap();
    let run = plimsoll_in(tree.path(), &["lint", "--config", "conf/.plimsoll.yaml", "manifests"]);
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    assert!(run.stderr.contains("no-such-dir"), "{}", run.transcript());
}

#[test]
fn kube_version_comes_from_the_file_unless_the_flag_says_otherwise() {
    let tree = work_tree();
    let config = "rules:\n  only: [schema/removed-api, schema/deprecated-api]\nkube_version: \"1.22\"\n";
    write_files(tree.path(), &[(".plimsoll.yaml", config), ("cronjob.yaml", CRONJOB)]);
    let rule = |found: Vec<(String, String, String)>| found.into_iter().map(|f| (f.0, f.1)).collect::<Vec<_>>();
    assert_eq!(
        rule(findings(tree.path(), &["cronjob.yaml"])),
        [("schema/deprecated-api".to_string(), "warning".to_string())]
    );
    assert_eq!(
        rule(findings(tree.path(), &["--kube-version", "1.25", "cronjob.yaml"])),
        [("schema/removed-api".to_string(), "error".to_string())]
    );
    std::fs::write(tree.path().join(".plimsoll.yaml"), "kube_version: 1.30\n").unwrap();
    let run = plimsoll_in(tree.path(), &["lint", "cronjob.yaml"]);
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    assert!(run.stderr.contains("kube_version must be a string"), "{}", run.transcript());
}

/// The file's `rules` and `exemptions` may name the IDs of the user's own rules, which only exist
/// once the policies are loaded; an ID no rule of the run has is still an error.
#[test]
fn the_file_may_name_user_rule_ids() {
    let tree = work_tree();
    let config =
        "policies: [rego/]\nrules:\n  disable: [acme/latest-tag]\n  severity:\n    main/violation_replicas: warning\n";
    write_files(
        tree.path(),
        &[
            (".plimsoll.yaml", config),
            ("rego/main.rego", &conftest("v1/main.rego")),
            ("deployment.yaml", &conftest("manifests/deployment.yaml")),
        ],
    );
    let found = findings(tree.path(), &["--no-builtin", "deployment.yaml"]);
    let rules: Vec<(&str, &str)> = found.iter().map(|f| (f.0.as_str(), f.1.as_str())).collect();
    assert_eq!(rules, [("main/warn", "warning"), ("main/violation_replicas", "warning")]);

    std::fs::write(tree.path().join(".plimsoll.yaml"), "policies: [rego/]\nrules:\n  disable: [acme/no-such-rule]\n")
        .unwrap();
    let run = plimsoll_in(tree.path(), &["lint", "--no-builtin", "deployment.yaml"]);
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    assert!(run.stderr.contains("acme/no-such-rule"), "{}", run.transcript());
}
