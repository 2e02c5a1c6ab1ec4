//! `plimsoll lint` with trusted keys and signature material: from the configuration file
//! (paths relative to it) and the command line, malformed files as usage errors that name the
//! place (exit 2, no panic), and `--profile supply-chain`.
//!
//! Keys and signatures are the openssl-made fixtures of `testdata/supply-chain`.

mod common;

use common::{plimsoll_in, root, work_tree, write_files};
use std::path::Path;

fn supply_chain(path: &str) -> String {
    std::fs::read_to_string(root().join("testdata/supply-chain").join(path)).expect("fixture is readable")
}

/// `NAME=digest` from images.env.
fn digest(name: &str) -> String {
    let env = supply_chain("images.env");
    env.lines().find_map(|l| l.strip_prefix(&format!("{name}="))).expect("digest listed").to_string()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("readable") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("a name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

fn pod(containers: &[(&str, String)]) -> String {
    let mut text = String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: shop\nspec:\n  containers:\n");
    for (name, image) in containers {
        text.push_str(&format!("    - name: {name}\n      image: {image}\n"));
    }
    text
}

#[test]
fn the_configuration_names_keys_and_signatures_relative_to_itself() {
    let dir = work_tree();
    let manifest = pod(&[
        ("app", format!("ghcr.io/acme/app@{}", digest("APP"))),
        ("replay", format!("ghcr.io/acme/app@{}", digest("REPLAY"))),
    ]);
    write_files(dir.path(), &[
        (".plimsoll.yaml", "rules:\n  only: [images/signature]\nimages:\n  trusted_keys: [keys/cosign.pub]\n  signatures: [sigs]\n"),
        ("keys/cosign.pub", &supply_chain("keys/trusted-p256.pub")),
        ("sigs/app.jsonl", &supply_chain("signatures/app.jsonl")),
        ("deploy/pod.yaml", &manifest),
    ]);
    copy_dir(&root().join("testdata/supply-chain/layouts/replay"), &dir.path().join("sigs/replay"));
    // Run from a subdirectory: the configuration's paths stay relative to the configuration.
    let run = plimsoll_in(&dir.path().join("deploy"), &["lint", "--format", "compact", "pod.yaml"]);
    assert_eq!(run.code, Some(1), "{}", run.transcript());
    let expected = format!(
        "pod.yaml:10:14: error[images/signature] container \"replay\" uses image \"ghcr.io/acme/app@{}\": the \
         signature in sigs/replay (signature 1) is by trusted key keys/cosign.pub, but its payload names another \
         digest, {}: it was made for another image\n",
        digest("REPLAY"),
        digest("APP")
    );
    assert_eq!(run.stdout, expected);
    assert_eq!(run.stderr, "");
    // A key on the command line adds to the configuration's: still one finding, not more.
    let with_flag = plimsoll_in(
        &dir.path().join("deploy"),
        &["lint", "--format", "compact", "--trusted-key", "../keys/cosign.pub", "pod.yaml"],
    );
    assert_eq!(with_flag.stdout.lines().count(), 1, "{}", with_flag.transcript());
    // Without the configuration the rule is off: nothing to verify against.
    let none =
        plimsoll_in(&dir.path().join("deploy"), &["lint", "--no-config", "--only", "images/signature", "pod.yaml"]);
    assert_eq!((none.code, none.stdout.contains("images/signature")), (Some(0), false), "{}", none.transcript());
}

#[test]
fn malformed_keys_and_material_are_usage_errors_that_name_the_place() {
    let dir = work_tree();
    let index = format!(r#"{{"manifests": [{{"digest": "sha256:{}"}}]}}"#, "a".repeat(64));
    write_files(
        dir.path(),
        &[
            ("pod.yaml", &pod(&[("app", format!("ghcr.io/acme/app@{}", digest("APP")))])),
            ("cosign.pub", &supply_chain("keys/trusted-p256.pub")),
            (
                "cosign.key",
                "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n",
            ),
            ("truncated.pub", "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n"),
            (
                "bad.jsonl",
                &format!("{}\n{{\"Base64Signature\": \"AAAA\",\n", supply_chain("signatures/app.jsonl").trim()),
            ),
            ("broken-layout/index.json", &index),
            ("empty/notes.txt", "nothing here"),
        ],
    );
    let key = ["--trusted-key", "cosign.pub"];
    let cases: &[(&[&str], &str)] = &[
        (&["--trusted-key", "missing.pub"], "cannot read the trusted key missing.pub"),
        (&["--trusted-key", "bad.jsonl"], "bad.jsonl: not a PEM file"),
        (&["--trusted-key", "cosign.key"], "cosign.key: this is a private key (ENCRYPTED SIGSTORE PRIVATE KEY)"),
        (&["--trusted-key", "truncated.pub"], "truncated.pub: PEM block \"PUBLIC KEY\" has no END line"),
        (&[key[0], key[1], "--signatures", "bad.jsonl"], "bad.jsonl:2: not JSON"),
        (&[key[0], key[1], "--signatures", "missing.jsonl"], "cannot read the signatures missing.jsonl"),
        (&[key[0], key[1], "--signatures", "broken-layout"], "aaaaaaaa: missing: the layout refers to this blob"),
        (&[key[0], key[1], "--signatures", "empty"], "empty: no signature material"),
        (&["--signatures", "bad.jsonl"], "no trusted key"),
    ];
    for (args, expected) in cases {
        let mut all = vec!["lint"];
        all.extend_from_slice(args);
        all.push("pod.yaml");
        let run = plimsoll_in(dir.path(), &all);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.transcript());
        assert_eq!(run.stdout, "", "{args:?}");
        // miette wraps long messages behind a `│` gutter.
        let stderr = run.stderr.replace('│', " ").split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(stderr.contains(expected), "{args:?}: expected {expected:?} in {}", run.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn the_supply_chain_profile_turns_on_digest_pinning() {
    let cli = root().join("testdata/cli");
    let default = plimsoll_in(&cli, &["lint", "--format", "compact", "clean.yaml"]);
    let profiled = plimsoll_in(&cli, &["lint", "--format", "compact", "--profile", "supply-chain", "clean.yaml"]);
    assert!(!default.stdout.contains("images/digest"), "{}", default.transcript());
    assert!(profiled.stdout.contains("warning[images/digest]"), "{}", profiled.transcript());
    let both = plimsoll_in(&cli, &["lint", "--profile", "supply-chain", "--only", "privileged", "clean.yaml"]);
    assert_eq!(both.code, Some(2), "{}", both.transcript());
}

/// The README's walkthrough, as it says: the failures, then the pass.
#[test]
fn the_walkthrough_finds_what_the_readme_shows() {
    let dir = root().join("testdata/examples/supply-chain");
    let before = plimsoll_in(&dir, &["lint", "--format", "compact", "deploy.yaml"]);
    assert_eq!(before.code, Some(1), "{}", before.transcript());
    let found: Vec<(&str, &str)> = before
        .stdout
        .lines()
        .filter_map(|line| {
            let rule = line.split_once('[')?.1.split_once(']')?.0;
            let container = line.split_once("container \"")?.1.split_once('"')?.0;
            Some((container, rule))
        })
        .collect();
    assert_eq!(
        found,
        [
            ("checkout", "images/signature"),
            ("mirror", "images/registry"),
            ("mirror", "images/signature"),
            ("proxy", "images/digest"),
            ("proxy", "images/signature"),
        ],
        "{}",
        before.stdout
    );
    assert!(before.stdout.contains("no signature found for its digest"));
    assert!(before.stdout.contains("its payload names another repository, ghcr.io/acme/storefront"));
    let after = plimsoll_in(&dir, &["lint", "release.yaml"]);
    assert_eq!(after.code, Some(0), "{}", after.transcript());
    assert_eq!(after.stderr, "");
}

/// Users' own policies reach the same verification as `plimsoll.signature.verify(image)`.
#[test]
fn user_policies_can_call_the_verification() {
    let dir = work_tree();
    let policy = "package main\n\nimport rego.v1\n\ndeny contains msg if {\n\tsome c in input.spec.containers\n\t\
                  v := plimsoll.signature.verify(c.image)\n\tnot v.verified\n\tmsg := sprintf(\"%s %s\", [c.name, v.status])\n}\n";
    write_files(
        dir.path(),
        &[
            ("policy/signed.rego", policy),
            ("cosign.pub", &supply_chain("keys/trusted-p256.pub")),
            ("app.jsonl", &supply_chain("signatures/app.jsonl")),
            (
                "pod.yaml",
                &pod(&[
                    ("good", format!("ghcr.io/acme/app@{}", digest("APP"))),
                    ("copied", format!("ghcr.io/evil/app@{}", digest("APP"))),
                    ("tagged", "ghcr.io/acme/app:1.0".to_string()),
                ]),
            ),
        ],
    );
    let args = [
        "lint",
        "--format",
        "compact",
        "--only",
        "main/deny",
        "--policy",
        "policy",
        "--trusted-key",
        "cosign.pub",
        "--signatures",
        "app.jsonl",
        "pod.yaml",
    ];
    let run = plimsoll_in(dir.path(), &args);
    assert_eq!(run.code, Some(1), "{}", run.transcript());
    let messages: Vec<&str> =
        run.stdout.lines().filter_map(|l| l.split_once("error[main/deny] ").map(|(_, m)| m)).collect();
    assert_eq!(messages, ["copied repository-mismatch", "tagged not-pinned"], "{}", run.stdout);
}
