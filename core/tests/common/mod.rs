//! Shared by the conformance tests: reporting a suite's score.

use std::io::Write;

/// Prints a suite's score line and keeps it under the target directory, where the test command
/// collects every suite's line. The line goes to the process's stderr, past the test harness'
/// capture, so that every run shows it.
pub fn record_score(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("scores");
    let name = line.split(':').next().unwrap_or("score").replace(' ', "-");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join(format!("{name}.txt")), format!("{line}\n"));
    }
}
