//! `plimsoll lsp` end to end: a real LSP client (pytest-lsp, from PyPI) starts the binary, speaks
//! the protocol with it over stdio and compares what the editor would show with `plimsoll lint`
//! (cli/tests/lsp/test_lsp.py). The Python that has pytest-lsp is `PLIMSOLL_LSP_PYTHON` (the test
//! command installs a pinned pytest-lsp into a virtual environment under `target/` and sets it),
//! else `python3`. Without it the suite is skipped locally and fails in CI.

mod common;

use common::{available, record_score, root, skip_or_fail};
use std::process::Command;

#[test]
fn language_server_end_to_end() {
    let python = std::env::var("PLIMSOLL_LSP_PYTHON").unwrap_or_else(|_| "python3".to_string());
    if !available(&python, &["-c", "import pytest_lsp"]) {
        return skip_or_fail(&format!("{python} with pytest-lsp is not available (pip install pytest-lsp)"));
    }
    let output = Command::new(&python)
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "asyncio_mode=strict"])
        .arg(root().join("cli/tests/lsp"))
        .env("PLIMSOLL_BIN", env!("CARGO_BIN_EXE_plimsoll"))
        .current_dir(env!("CARGO_TARGET_TMPDIR"))
        .output()
        .expect("pytest runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let summary = stdout.lines().rev().find(|line| line.contains(" passed") || line.contains(" failed"));
    let summary = summary.unwrap_or("no summary").trim_matches(|c| c == '=' || c == ' ');
    assert!(output.status.success(), "pytest failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    record_score(&format!("lsp end-to-end: {summary}"));
}
