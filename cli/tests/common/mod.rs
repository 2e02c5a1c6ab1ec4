//! Shared by the CLI's tests: running the binary and reading what it did, the vendored
//! conformance data, score lines for the test command, and what a test does when its data or tool
//! is missing (fail in CI, skip elsewhere).

#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `testdata/ci`, where the CI-integration inputs live.
pub fn testdata() -> PathBuf {
    root().join("testdata/ci")
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Exit code, stdout and stderr in one text, for snapshots.
    pub fn transcript(&self) -> String {
        let code = self.code.map_or_else(|| "killed by a signal".to_string(), |c| c.to_string());
        format!("exit: {code}\n--- stdout\n{}--- stderr\n{}", self.stdout, self.stderr)
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.transcript()))
    }
}

/// The binary, run in `dir` with a fixed width, no colour and no backtraces.
pub fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_plimsoll"));
    command
        .args(args)
        .current_dir(dir)
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .env_remove("RUST_BACKTRACE");
    command
}

pub fn plimsoll_in(dir: &Path, args: &[&str]) -> Run {
    let output = command(dir, args).stdin(Stdio::null()).output().expect("the plimsoll binary runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs in `testdata/ci`.
pub fn plimsoll(args: &[&str]) -> Run {
    plimsoll_in(&testdata(), args)
}

/// The text of `source` from `line:column` (1-based, characters) to the end of that line.
pub fn text_at(source: &str, line: u64, column: u64) -> String {
    let text = source.lines().nth(line as usize - 1).unwrap_or_else(|| panic!("no line {line}"));
    text.chars().skip(column as usize - 1).collect()
}

/// A temporary directory holding a git work tree marker (`.git`), so that configuration
/// discovery stops there whatever lies above the system's temporary directory.
pub fn work_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::create_dir(dir.path().join(".git")).expect("mkdir .git");
    dir
}

/// Writes `files` (name, text) under `dir`, creating folders.
pub fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

/// Whether a command can be run (`program --version` succeeds).
pub fn available(program: &str, args: &[&str]) -> bool {
    Command::new(program).args(args).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// The built-in rules that the inputs of `testdata/cli` and `testdata/ci` exercise. Tests of the
/// CLI's mechanics (formats, exit codes, configuration, baselines) lint with only these
/// ([`with_rules_under_test`]), so that a rule added to the default catalog leaves their output
/// alone; the rule fixtures and the examples are where the catalog itself is tested.
pub const RULES_UNDER_TEST: &[&str] = &[
    "images/latest-tag",
    "probes/liveness",
    "probes/readiness",
    "resources/cpu-requests",
    "resources/memory-limits",
    "resources/memory-requests",
    "security-context/allow-privilege-escalation",
    "security-context/capabilities-restricted",
    "security-context/privileged",
    "security-context/read-only-root-filesystem",
    "security-context/run-as-non-root",
    "security-context/seccomp-restricted",
];

/// A command line with `--only <rule>` for each of [`RULES_UNDER_TEST`] after its first word
/// (the subcommand).
pub fn with_rules_under_test<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let (subcommand, rest) = args.split_first().expect("a subcommand");
    let only = RULES_UNDER_TEST.iter().flat_map(|rule| ["--only", rule]);
    std::iter::once(*subcommand).chain(only).chain(rest.iter().copied()).collect()
}

// One harness for both crates' conformance suites: the file lives with core's tests.
#[path = "../../../core/tests/common/suite.rs"]
mod suite;
#[allow(unused_imports)] // not every test crate uses every part of the harness
pub use suite::*;
