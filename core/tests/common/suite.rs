//! Conformance suites' harness, shared by core's and the CLI's tests (the CLI's `common` module
//! includes this file): where the vendored conformance data lives, reporting a suite's score, and
//! what a suite does when its data or tool is missing (fail in CI, skip elsewhere).

use std::io::Write;
use std::path::{Path, PathBuf};

/// `testdata/conformance/<suite>`, when it is there; otherwise [`skip_or_fail`] and `None`.
pub fn conformance_data(suite: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/conformance").join(suite);
    if dir.is_dir() {
        Some(dir)
    } else {
        skip_or_fail(&format!("no conformance data at testdata/conformance/{suite}"));
        None
    }
}

/// Prints a suite's score line and keeps it under the target directory, where the test command
/// collects every suite's line (file name: the line up to its colon, spaces as dashes). The line
/// goes to the process's stderr, past the test harness' capture, so that every run shows it.
pub fn record_score(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("scores");
    let name = line.split(':').next().unwrap_or("score").replace(' ', "-");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join(format!("{name}.txt")), format!("{line}\n"));
    }
}

/// Whether a suite must run: in CI (`CI=true`, as CI services set it) or when the test command
/// has installed every tool (`PLIMSOLL_REQUIRE_TOOLS=1`).
pub fn must_run() -> bool {
    let set = |name: &str, values: &[&str]| {
        std::env::var(name).is_ok_and(|v| values.iter().any(|value| v.eq_ignore_ascii_case(value)))
    };
    set("CI", &["true", "1"]) || set("PLIMSOLL_REQUIRE_TOOLS", &["1"])
}

/// A suite's data or tool is missing: the test fails where the suite must run ([`must_run`]);
/// elsewhere it says why it is skipped (past the harness' capture) and the caller returns.
pub fn skip_or_fail(reason: &str) {
    assert!(!must_run(), "{reason} (a suite may not be skipped in CI)");
    let _ = writeln!(std::io::stderr(), "skipped: {reason}");
}
