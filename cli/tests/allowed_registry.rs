//! `plimsoll lint --allowed-registry`: turns images/registry on; a malformed entry is a usage
//! error (exit 2) before anything is read. Runs are restricted to images/registry, so that what
//! other rules find in the manifest does not enter the assertions.

use std::path::Path;
use std::process::Command;

fn lint(args: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .arg("lint")
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/cli"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the plimsoll binary runs");
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("UTF-8");
    (output.status.code(), text(output.stdout), text(output.stderr))
}

#[test]
fn images_outside_the_allow_list_are_errors() {
    let (code, stdout, stderr) = lint(&[
        "--format",
        "compact",
        "--only",
        "images/registry",
        "--allowed-registry",
        "quay.io",
        "--allowed-registry",
        "ghcr.io/acme",
        "clean.yaml",
    ]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert_eq!(
        stdout,
        "clean.yaml:23:18: error[images/registry] container \"api\" uses image \"ghcr.io/example/api:3.2.1\" \
         (ghcr.io/example/api), which the allow-list does not cover (quay.io, ghcr.io/acme)\n"
    );
    assert_eq!(stderr, "");
}

#[test]
fn images_inside_the_allow_list_pass() {
    let (code, stdout, _) = lint(&[
        "--format",
        "compact",
        "--only",
        "images/registry",
        "--allowed-registry",
        "ghcr.io/example",
        "clean.yaml",
    ]);
    assert_eq!((code, stdout.as_str()), (Some(0), ""));
}

#[test]
fn a_malformed_entry_is_a_usage_error() {
    let (code, stdout, stderr) = lint(&["--allowed-registry", "nginx:1.27", "clean.yaml"]);
    assert_eq!(code, Some(2));
    assert_eq!(stdout, "");
    assert!(stderr.contains("allowed registry \"nginx:1.27\""), "{stderr}");
    assert!(stderr.contains("without a tag or digest"), "{stderr}");
}
