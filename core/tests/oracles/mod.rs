//! Shared by the differential tests: building a reference oracle (a Go program under
//! `testdata/oracles/<name>/`, built by `scripts/build-oracles.sh`) and talking to it.
//!
//! Without Go a differential test says why it skipped and passes; under `CI=true` it fails
//! instead, so that CI always compares.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true")
}

/// The oracle's binary, built when missing or stale; `None` (after saying why) when Go is missing
/// outside CI. Panics on a build failure, and on a missing Go under `CI=true`.
pub fn oracle(name: &str) -> Option<PathBuf> {
    let script = repo_root().join("scripts/build-oracles.sh");
    let output = Command::new("bash")
        .arg(&script)
        .arg(name)
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    match output.status.code() {
        Some(0) => Some(PathBuf::from(String::from_utf8_lossy(&output.stdout).trim())),
        Some(2) if !in_ci() => {
            println!("Go is not installed: skipped the differential test against the {name} oracle");
            None
        }
        Some(2) => panic!("Go is not installed, and CI=true requires the {name} oracle"),
        _ => panic!("building the {name} oracle failed (scripts/build-oracles.sh {name})"),
    }
}

/// Starts the oracle with `args`, its stdout piped for reading.
pub fn spawn(binary: &Path, args: &[String]) -> Child {
    Command::new(binary)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()))
}

/// Runs the oracle on `input` and returns its stdout (stdin fed from another thread so that a
/// large output cannot deadlock against a full pipe).
pub fn run(binary: &Path, args: &[String], input: Vec<u8>) -> String {
    let mut child = spawn(binary, args);
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().expect("the oracle runs");
    writer.join().expect("the writer thread ends").expect("the oracle reads its input");
    assert!(output.status.success(), "the oracle {} failed", binary.display());
    String::from_utf8(output.stdout).expect("the oracle writes UTF-8")
}

/// A number from the environment, or `default`.
pub fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(text) => text.trim().parse().unwrap_or_else(|_| panic!("{name}={text:?} is not a number")),
        Err(_) => default,
    }
}

/// Text cut to `max` characters, for messages.
pub fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}
